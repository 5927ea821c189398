// Buffered synchronous file writer: the generator streams multi-gigabyte worlds without
// holding a file's messages in memory, and sync writes keep output order trivially deterministic.
import fs from 'node:fs';
import path from 'node:path';

const FLUSH_AT = 64 * 1024;

export class BufWriter {
  private fd: number;
  private parts: string[] = [];
  private pending = 0;
  /** Bytes written so far (UTF-8). */
  bytes = 0;

  constructor(readonly file: string) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    this.fd = fs.openSync(file, 'w');
  }

  write(text: string): void {
    this.parts.push(text);
    this.pending += text.length;
    if (this.pending >= FLUSH_AT) this.flush();
  }

  private flush(): void {
    if (this.parts.length === 0) return;
    const buf = Buffer.from(this.parts.join(''), 'utf8');
    fs.writeSync(this.fd, buf);
    this.bytes += buf.length;
    this.parts = [];
    this.pending = 0;
  }

  close(): number {
    this.flush();
    fs.closeSync(this.fd);
    return this.bytes;
  }
}
