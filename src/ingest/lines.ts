/**
 * Streaming line reader for text sources: yields each line with its 1-based number and byte
 * offset, strips a UTF-8 BOM and CR of CRLF, and holds only one chunk and one line in memory.
 */
import type { Readable } from 'node:stream';

export interface Line {
  readonly text: string;
  /** 1-based line number. */
  readonly number: number;
  /** Byte offset of the line's first byte. */
  readonly offset: number;
}

/** A line longer than this is cut (and the parser sees a truncated line), so one bad file cannot exhaust memory. */
export const MAX_LINE_BYTES = 1 << 20;

export async function* readLines(stream: Readable): AsyncIterable<Line> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let number = 0;
  let offset = 0;
  let lineStart = 0;
  let first = true;

  const take = (end: Buffer): Line => {
    let bytes = pending.length === 0 ? end : Buffer.concat([...pending, end]);
    pending = [];
    pendingBytes = 0;
    if (first) {
      first = false;
      if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
    }
    if (bytes.length > 0 && bytes[bytes.length - 1] === 0x0d) bytes = bytes.subarray(0, bytes.length - 1);
    number++;
    return { text: bytes.toString('utf8'), number, offset: lineStart };
  };

  for await (const chunk of stream as AsyncIterable<Buffer | string>) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    let start = 0;
    for (;;) {
      const newline = buffer.indexOf(0x0a, start);
      if (newline === -1) break;
      const line = take(buffer.subarray(start, newline));
      yield line;
      offset += newline + 1 - start;
      lineStart = offset;
      start = newline + 1;
    }
    const rest = buffer.subarray(start);
    offset += rest.length;
    if (pendingBytes < MAX_LINE_BYTES && rest.length > 0) {
      const room = MAX_LINE_BYTES - pendingBytes;
      const kept = rest.length > room ? rest.subarray(0, room) : rest;
      // Copy: the stream may reuse its chunk buffer.
      pending.push(Buffer.from(kept));
      pendingBytes += kept.length;
    }
  }
  if (pendingBytes > 0) yield take(Buffer.alloc(0));
}

/** Truncates raw text for a rejects report. */
export function rawForReport(text: string): string {
  return text.length > 2000 ? `${text.slice(0, 2000)}…` : text;
}
