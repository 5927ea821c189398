/**
 * Buffered, back-pressure-aware text output: formats write many small pieces, the stream gets
 * chunks of about 256 K characters (few system calls, little memory), and writing pauses while
 * the stream's buffer is full — so an export of a million edges never sits in memory as one string.
 */
import type { ExportStream } from './types.ts';

const CHUNK_CHARS = 1 << 18;

export class TextSink {
  private parts: string[] = [];
  private size = 0;
  private failure: Error | undefined;
  private readonly onError = (error: unknown) => {
    this.failure ??= error instanceof Error ? error : new Error(String(error));
  };

  constructor(private readonly out: ExportStream) {
    // Listening for errors also keeps a failing stream from crashing the process while we write.
    out.on('error', this.onError);
  }

  /** Queues text; returns a promise only when a full chunk had to go out (await it either way). */
  write(text: string): Promise<void> | undefined {
    this.parts.push(text);
    this.size += text.length;
    return this.size >= CHUNK_CHARS ? this.flush() : undefined;
  }

  async flush(): Promise<void> {
    this.check();
    if (this.size === 0) return;
    const chunk = this.parts.join('');
    this.parts = [];
    this.size = 0;
    if (!this.out.write(chunk)) await drained(this.out);
    this.check();
  }

  /** Stops listening to the stream; the stream itself stays open for its owner. */
  release(): void {
    this.out.off('error', this.onError);
  }

  private check(): void {
    if (this.failure) throw this.failure;
    if (isDestroyed(this.out)) throw new Error('export stream was closed before the export was written');
  }
}

/** Runs a format's writer on a sink and flushes it, releasing the stream whatever happens. */
export async function writeTo(out: ExportStream, write: (sink: TextSink) => Promise<void>): Promise<void> {
  const sink = new TextSink(out);
  try {
    await write(sink);
    await sink.flush();
  } finally {
    sink.release();
  }
}

function isDestroyed(out: ExportStream): boolean {
  return 'destroyed' in out && out.destroyed === true;
}

/** Resolves on 'drain'; rejects if the stream fails or closes first, so an export never hangs on a dead stream. */
function drained(out: ExportStream): Promise<void> {
  return new Promise((resolve, reject) => {
    const finish = (error?: Error) => {
      out.off('drain', onDrain);
      out.off('error', onError);
      out.off('close', onClose);
      if (error === undefined) resolve();
      else reject(error);
    };
    const onDrain = () => finish();
    const onError = (error: unknown) => finish(error instanceof Error ? error : new Error(String(error)));
    const onClose = () => finish(new Error('export stream was closed before the export was written'));
    out.on('drain', onDrain);
    out.on('error', onError);
    out.on('close', onClose);
    if (isDestroyed(out)) onClose();
  });
}

/** Replaces lone UTF-16 surrogates with U+FFFD: they cannot be encoded as UTF-8 and break readers. */
export function wellFormed(text: string): string {
  return LONE_SURROGATE.test(text) ? text.replace(LONE_SURROGATE_ALL, '\uFFFD') : text;
}

const LONE_SURROGATE_SOURCE = '[\\uD800-\\uDBFF](?![\\uDC00-\\uDFFF])|(?<![\\uD800-\\uDBFF])[\\uDC00-\\uDFFF]';
const LONE_SURROGATE = new RegExp(LONE_SURROGATE_SOURCE);
const LONE_SURROGATE_ALL = new RegExp(LONE_SURROGATE_SOURCE, 'g');
