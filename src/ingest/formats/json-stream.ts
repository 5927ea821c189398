/**
 * Streaming JSON walker for exports too large to JSON.parse whole (Telegram, Discord): it descends
 * only into the containers a format asks for and hands back each wanted value (a message object,
 * a header field) parsed on its own, with the 1-based line and byte offset where it starts.
 */
import type { Readable } from 'node:stream';
import { rawForReport } from '../lines.ts';
import type { ParsedItem } from '../types.ts';

export type JsonPath = readonly (string | number)[];

/** What to do with the value starting at a path: walk into it, parse it whole, or pass over it. */
export type PathAction = 'descend' | 'capture' | 'skip';

export type JsonEvent =
  /** A container the plan descends into has opened (e.g. one chat of a full-account export). */
  | { readonly kind: 'enter'; readonly path: JsonPath; readonly line: number }
  | { readonly kind: 'value'; readonly path: JsonPath; readonly value: unknown; readonly line: number; readonly offset: number }
  /** A captured value larger than the limit: passed over, not parsed. */
  | { readonly kind: 'oversized'; readonly path: JsonPath; readonly line: number; readonly offset: number; readonly raw: string }
  /** The document is broken here; nothing follows this event. */
  | { readonly kind: 'error'; readonly line: number; readonly reason: string; readonly raw: string };

/** One captured value may not exceed this, so a hostile file cannot exhaust memory. */
export const MAX_CAPTURE_BYTES = 64 * 1024 * 1024;
/** Object keys are short; a longer one means the file is not what we think. */
const MAX_KEY_BYTES = 1024 * 1024;
const RAW_BYTES = 2000;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;
const NEWLINE = 0x0a;

const enum State {
  Value,
  ValueOrEnd,
  KeyOrEnd,
  Key,
  Colon,
  CommaOrEnd,
  Scan,
  Done,
  Failed,
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === NEWLINE || c === 0x0d || c === 0x09;
}

/** Ends a bare scalar (number, true, false, null). */
function endsScalar(c: number): boolean {
  return c === COMMA || c === CLOSE_OBJECT || c === CLOSE_ARRAY || isSpace(c);
}

/** Number of backslashes immediately before `end`, not looking before `start`. */
function backslashesBefore(buf: Buffer, start: number, end: number): number {
  let count = 0;
  while (end - count - 1 >= start && buf[end - count - 1] === BACKSLASH) count++;
  return count;
}

/**
 * The push side: feed it byte chunks, it appends events. Kept apart from the stream so that
 * tests can drive it chunk by chunk, and so it never throws on bad input.
 */
export class JsonWalker {
  private state: State = State.Value;
  private readonly frames: boolean[] = []; // true = array
  private readonly path: (string | number)[] = [];
  private buf: Buffer = Buffer.alloc(0);
  /** File byte offset of buf[0]. */
  private base = 0;
  private line = 1;
  /** Next newline in buf not yet counted into `line`. */
  private nextNewline = -1;
  private firstChunk = true;
  // Scan of one value (captured or skipped), resumable across chunks.
  private scanDepth = 0;
  private scanInString = false;
  private scanEscape = false;
  private scanScalar = false;
  private scanCapture = false;
  private scanOversized = false;
  private scanParts: Buffer[] = [];
  private scanBytes = 0;
  private scanLine = 0;
  private scanOffset = 0;
  private scanRaw = '';

  constructor(private readonly decide: (path: JsonPath) => PathAction) {}

  get failed(): boolean {
    return this.state === State.Failed;
  }

  write(chunk: Buffer, out: JsonEvent[]): void {
    if (this.state === State.Failed) return;
    if (this.firstChunk) {
      this.firstChunk = false;
      if (chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) {
        chunk = chunk.subarray(3);
        this.base = 3;
      }
    }
    // A key cut by the previous chunk boundary was carried over in this.buf.
    this.buf = this.buf.length > 0 ? Buffer.concat([this.buf, chunk]) : chunk;
    this.nextNewline = this.buf.indexOf(NEWLINE);
    const carryFrom = this.run(out);
    const consumed = carryFrom ?? this.buf.length;
    this.countLinesTo(consumed);
    this.base += consumed;
    // Copy the carried tail: the stream may reuse its chunk buffer.
    this.buf = carryFrom === undefined ? Buffer.alloc(0) : Buffer.from(this.buf.subarray(carryFrom));
    if (this.buf.length > MAX_KEY_BYTES) this.fail(out, 'an object key longer than 1 MiB', this.buf.subarray(0, RAW_BYTES).toString('utf8'));
  }

  end(out: JsonEvent[]): void {
    if (this.state === State.Failed || this.state === State.Done) return;
    if (this.state === State.Scan && this.scanScalar && this.frames.length === 0) {
      // A bare scalar as the whole document: complete at end of input.
      this.finishScan(this.buf, this.buf.length, out);
      if ((this.state as State) === State.Done) return;
    }
    const empty = this.frames.length === 0 && this.state === State.Value;
    this.fail(out, empty ? 'the file is empty: no JSON document' : 'the JSON document is cut short (unexpected end of file)', '');
  }

  private countLinesTo(index: number): void {
    while (this.nextNewline !== -1 && this.nextNewline < index) {
      this.line++;
      this.nextNewline = this.buf.indexOf(NEWLINE, this.nextNewline + 1);
    }
  }

  private fail(out: JsonEvent[], reason: string, raw: string, line?: number): void {
    this.state = State.Failed;
    out.push({ kind: 'error', line: line ?? this.line, reason, raw });
  }

  private failAt(buf: Buffer, i: number, out: JsonEvent[], expected: string): void {
    this.countLinesTo(i);
    const found = buf.subarray(i, i + 1).toString('latin1');
    this.fail(out, `invalid JSON: expected ${expected}, found '${found}'`, buf.subarray(i, i + 200).toString('utf8'));
  }

  /** Walks this.buf; returns the index from which bytes must be carried to the next chunk, if any. */
  private run(out: JsonEvent[]): number | undefined {
    const buf = this.buf;
    const n = buf.length;
    let i = 0;
    while (i < n) {
      switch (this.state) {
        case State.Scan: {
          const end = this.scan(buf, i);
          if (end === -1) {
            this.keepScanPart(buf, i, n);
            return undefined;
          }
          this.finishScan(buf.subarray(i, end), end - i, out, buf, i);
          i = end;
          continue;
        }
        case State.Done: {
          const c = buf[i] as number;
          if (isSpace(c)) {
            i++;
            continue;
          }
          this.failAt(buf, i, out, 'nothing after the end of the document');
          return undefined;
        }
        case State.Failed:
          return undefined;
        default:
          break;
      }
      const c = buf[i] as number;
      if (isSpace(c)) {
        i++;
        continue;
      }
      switch (this.state) {
        case State.Value:
        case State.ValueOrEnd:
          if (this.state === State.ValueOrEnd && c === CLOSE_ARRAY) {
            this.close();
            i++;
            break;
          }
          i = this.startValue(buf, i, out);
          break;
        case State.KeyOrEnd:
        case State.Key: {
          if (this.state === State.KeyOrEnd && c === CLOSE_OBJECT) {
            this.close();
            i++;
            break;
          }
          if (c !== QUOTE) {
            this.failAt(buf, i, out, 'a double-quoted key');
            return undefined;
          }
          const close = this.findStringEnd(buf, i + 1);
          if (close === -1) return i;
          const rawKey = buf.subarray(i + 1, close);
          let key: string;
          if (rawKey.includes(BACKSLASH)) {
            try {
              key = JSON.parse(buf.subarray(i, close + 1).toString('utf8')) as string;
            } catch {
              this.failAt(buf, i, out, 'a valid key');
              return undefined;
            }
          } else key = rawKey.toString('utf8');
          this.path[this.path.length - 1] = key;
          this.state = State.Colon;
          i = close + 1;
          break;
        }
        case State.Colon:
          if (c !== COLON) {
            this.failAt(buf, i, out, "':' after a key");
            return undefined;
          }
          this.state = State.Value;
          i++;
          break;
        case State.CommaOrEnd: {
          const isArray = this.frames[this.frames.length - 1] === true;
          if (c === COMMA) {
            if (isArray) {
              const last = this.path.length - 1;
              this.path[last] = (this.path[last] as number) + 1;
              this.state = State.Value;
            } else this.state = State.Key;
            i++;
          } else if (c === (isArray ? CLOSE_ARRAY : CLOSE_OBJECT)) {
            this.close();
            i++;
          } else {
            this.failAt(buf, i, out, isArray ? "',' or ']'" : "',' or '}'");
            return undefined;
          }
          break;
        }
        default:
          break;
      }
      if (this.failed) return undefined;
    }
    return undefined;
  }

  /** Index of the closing quote of a string whose body starts at `from`, or -1 if not in buf. */
  private findStringEnd(buf: Buffer, from: number): number {
    let q = buf.indexOf(QUOTE, from);
    while (q !== -1 && backslashesBefore(buf, from, q) % 2 === 1) q = buf.indexOf(QUOTE, q + 1);
    return q;
  }

  private close(): void {
    this.frames.pop();
    this.path.pop();
    this.afterValue();
  }

  private afterValue(): void {
    this.state = this.frames.length === 0 ? State.Done : State.CommaOrEnd;
  }

  private startValue(buf: Buffer, i: number, out: JsonEvent[]): number {
    const c = buf[i] as number;
    const isContainer = c === OPEN_OBJECT || c === OPEN_ARRAY;
    const isScalar = c === QUOTE || c === 0x2d || (c >= 0x30 && c <= 0x39) || c === 0x74 || c === 0x66 || c === 0x6e;
    if (!isContainer && !isScalar) {
      this.failAt(buf, i, out, 'a value');
      return i;
    }
    const action = this.decide(this.path);
    if (isContainer && action === 'descend') {
      this.countLinesTo(i);
      const isArray = c === OPEN_ARRAY;
      this.frames.push(isArray);
      this.path.push(isArray ? 0 : '');
      this.state = isArray ? State.ValueOrEnd : State.KeyOrEnd;
      out.push({ kind: 'enter', path: this.path.slice(0, -1), line: this.line });
      return i + 1;
    }
    this.countLinesTo(i);
    this.state = State.Scan;
    this.scanCapture = action === 'capture';
    this.scanOversized = false;
    this.scanParts = [];
    this.scanBytes = 0;
    this.scanLine = this.line;
    this.scanOffset = this.base + i;
    this.scanRaw = '';
    this.scanScalar = c !== QUOTE && !isContainer;
    this.scanInString = c === QUOTE;
    this.scanEscape = false;
    this.scanDepth = isContainer ? 1 : 0;
    // The opening byte is consumed here so that scan() sees only the inside.
    if (!this.scanScalar) {
      const end = this.scan(buf, i + 1);
      if (end === -1) {
        this.keepScanPart(buf, i, buf.length);
        return buf.length;
      }
      this.finishScan(buf.subarray(i, end), end - i, out, buf, i);
      return end;
    }
    return i;
  }

  /** Scans from `i` to the end of the current value; returns the index after it, or -1 if the chunk ends first. */
  private scan(buf: Buffer, i: number): number {
    const n = buf.length;
    if (this.scanScalar) {
      while (i < n && !endsScalar(buf[i] as number)) i++;
      return i < n ? i : -1;
    }
    let depth = this.scanDepth;
    let inString = this.scanInString;
    if (this.scanEscape && i < n) {
      this.scanEscape = false;
      i++;
    }
    while (i < n) {
      if (inString) {
        const q = buf.indexOf(QUOTE, i);
        if (q === -1) {
          this.scanEscape = backslashesBefore(buf, i, n) % 2 === 1;
          i = n;
          break;
        }
        const escaped = backslashesBefore(buf, i, q) % 2 === 1;
        i = q + 1;
        if (escaped) continue;
        inString = false;
        if (depth === 0) {
          this.scanInString = false;
          return i;
        }
        continue;
      }
      const c = buf[i] as number;
      i++;
      if (c === QUOTE) inString = true;
      else if (c === OPEN_OBJECT || c === OPEN_ARRAY) depth++;
      else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
        depth--;
        if (depth === 0) {
          this.scanDepth = 0;
          this.scanInString = false;
          return i;
        }
      }
    }
    this.scanDepth = depth;
    this.scanInString = inString;
    return -1;
  }

  private keepScanPart(buf: Buffer, from: number, to: number): void {
    const part = buf.subarray(from, to);
    if (this.scanRaw.length < RAW_BYTES && this.scanParts.length === 0) this.scanRaw = part.subarray(0, RAW_BYTES).toString('utf8');
    this.scanBytes += part.length;
    if (!this.scanCapture || this.scanOversized) return;
    if (this.scanBytes > MAX_CAPTURE_BYTES) {
      this.scanOversized = true;
      this.scanParts = [];
      return;
    }
    this.scanParts.push(Buffer.from(part));
  }

  private finishScan(last: Buffer, lastLength: number, out: JsonEvent[], buf?: Buffer, start?: number): void {
    const path = this.path.slice();
    if (this.scanCapture) {
      if (this.scanOversized || this.scanBytes + lastLength > MAX_CAPTURE_BYTES) {
        const raw = this.scanRaw || last.subarray(0, RAW_BYTES).toString('utf8');
        out.push({ kind: 'oversized', path, line: this.scanLine, offset: this.scanOffset, raw });
      } else {
        const bytes = this.scanParts.length === 0 ? last : Buffer.concat([...this.scanParts, last]);
        const text = bytes.toString('utf8');
        let value: unknown;
        try {
          value = JSON.parse(text);
        } catch (error) {
          this.failInValue(text, error, out);
          return;
        }
        out.push({ kind: 'value', path, value, line: this.scanLine, offset: this.scanOffset });
      }
    }
    this.scanParts = [];
    if (buf !== undefined && start !== undefined) this.countLinesTo(start + lastLength);
    this.afterValue();
  }

  private failInValue(text: string, error: unknown, out: JsonEvent[]): void {
    const message = error instanceof Error ? error.message : String(error);
    let at = -1;
    try {
      at = syntaxErrorPosition(text);
    } catch {
      // Nesting deep enough to exhaust the stack: name the value's first line instead.
    }
    let line = this.scanLine;
    let rawStart = 0;
    if (at >= 0) {
      for (let j = text.indexOf('\n'); j !== -1 && j < at; j = text.indexOf('\n', j + 1)) {
        line++;
        rawStart = j + 1;
      }
    }
    this.fail(out, `invalid JSON: ${message.slice(0, 200)}`, text.slice(rawStart, rawStart + RAW_BYTES), line);
  }
}

/**
 * Index of the first syntax error in `text` (-1 if none found). Only called after JSON.parse has
 * failed, since V8's messages do not always say where: the reject should name the right line.
 */
export function syntaxErrorPosition(text: string): number {
  let i = 0;
  const n = text.length;
  const space = (): void => {
    while (i < n && isSpace(text.charCodeAt(i))) i++;
  };
  const literal = (word: string): boolean => {
    if (!text.startsWith(word, i)) return false;
    i += word.length;
    return true;
  };
  const string = (): boolean => {
    i++;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === QUOTE) {
        i++;
        return true;
      }
      if (c < 0x20) return false;
      if (c === BACKSLASH) {
        const e = text[i + 1] ?? '';
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return false;
          i += 6;
          continue;
        }
        if (!'"\\/bfnrt'.includes(e) || e === '') return false;
        i += 2;
        continue;
      }
      i++;
    }
    return false;
  };
  const number = (): boolean => {
    const match = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!match) return false;
    i += match[0].length;
    return true;
  };
  // Iterative over a stack so that deep nesting cannot overflow the call stack.
  const stack: number[] = [];
  /** Reads a value; a container is only opened (pushed), its inside is read by the loop. */
  const value = (): boolean => {
    space();
    const c = text.charCodeAt(i);
    if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      stack.push(c);
      i++;
      space();
      if (text.charCodeAt(i) === (c === OPEN_OBJECT ? CLOSE_OBJECT : CLOSE_ARRAY)) {
        stack.pop();
        i++;
        return true;
      }
      return c === OPEN_OBJECT ? member() : value();
    }
    if (c === QUOTE) return string();
    if (c === 0x74) return literal('true');
    if (c === 0x66) return literal('false');
    if (c === 0x6e) return literal('null');
    return number();
  };
  const member = (): boolean => {
    if (text.charCodeAt(i) !== QUOTE || !string()) return false;
    space();
    if (text.charCodeAt(i) !== COLON) return false;
    i++;
    return value();
  };
  if (!value()) return i;
  for (;;) {
    space();
    const open = stack[stack.length - 1];
    if (open === undefined) return i < n ? i : -1;
    const c = text.charCodeAt(i);
    if (c === COMMA) {
      i++;
      space();
      if (!(open === OPEN_OBJECT ? member() : value())) return i;
    } else if (c === (open === OPEN_OBJECT ? CLOSE_OBJECT : CLOSE_ARRAY)) {
      stack.pop();
      i++;
    } else return i;
  }
}

/** A captured value as text for a rejects report, cut to 2,000 characters; never throws, even on deep nesting. */
export function rawJson(value: unknown): string {
  try {
    const text = JSON.stringify(value) ?? String(value);
    return text.length > RAW_BYTES ? `${text.slice(0, RAW_BYTES)}…` : text;
  } catch {
    return '(too deeply nested to show)';
  }
}

/**
 * Walks a JSON byte stream, yielding the events the plan asks for. Stops after an 'error' event,
 * which it yields instead of throwing; read errors of the stream itself still throw.
 */
export async function* walkJson(stream: Readable, decide: (path: JsonPath) => PathAction): AsyncIterable<JsonEvent> {
  const walker = new JsonWalker(decide);
  const events: JsonEvent[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer | string>) {
    walker.write(typeof chunk === 'string' ? Buffer.from(chunk) : chunk, events);
    for (const event of events) yield event;
    events.length = 0;
    if (walker.failed) return;
  }
  walker.end(events);
  for (const event of events) yield event;
}

/** The reject for a stream problem, worded once for every JSON format: a message too large, or the document broken. */
export function streamProblem(event: Extract<JsonEvent, { kind: 'oversized' | 'error' }>): ParsedItem {
  const reason = event.kind === 'oversized' ? `message object larger than ${MAX_CAPTURE_BYTES / (1024 * 1024)} MiB` : event.reason;
  return { type: 'reject', reject: { line: event.line, reason, raw: rawForReport(event.raw) } };
}
