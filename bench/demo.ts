// Benchmark: demo world generation (wall time, peak RSS, messages/s, bytes) against the raw
// disk-write ceiling of writing the same number of bytes as plain lines with fs.writeSync.
// Usage: npx tsx bench/demo.ts [--scale small|medium|large] [--seed 7]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { generateWorld, type Scale } from '../src/demo/index.ts';
import { arg } from './lib/common.ts';

export interface DemoBenchResult {
  scale: Scale; seed: number; wallMs: number; peakRssSampled: number; maxRss: number;
  messages: number; records: number; media: number; files: number; bytes: number; baselineMs: number;
}

const MiB = 1024 * 1024;

/** The peer: the same byte count as plain text lines through 64 KiB fs.writeSync calls. */
function baseline(file: string, bytes: number): number {
  const line = 'the quick brown fox jumps over the lazy dog while the tomatoes ripen on the sill 0123456789\n';
  const chunk = Buffer.from(line.repeat(Math.ceil((64 * 1024) / line.length)));
  const t0 = performance.now();
  const fd = fs.openSync(file, 'w');
  for (let done = 0; done < bytes; done += chunk.length) fs.writeSync(fd, chunk, 0, Math.min(chunk.length, bytes - done));
  fs.closeSync(fd);
  return performance.now() - t0;
}

export async function run(args: string[]): Promise<DemoBenchResult> {
  const scale = arg(args, '--scale', 'medium') as Scale;
  const seed = Number(arg(args, '--seed', '7'));
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'crosslink-bench-demo-'));
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 50);
  try {
    const t0 = performance.now();
    const r = await generateWorld({ seed, scale, out: path.join(root, 'world') });
    const wallMs = performance.now() - t0;
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    const maxRss = process.resourceUsage().maxRSS * 1024;
    fs.rmSync(path.join(root, 'world'), { recursive: true, force: true });
    const baselineMs = baseline(path.join(root, 'baseline.txt'), r.bytes);
    const res: DemoBenchResult = {
      scale, seed, wallMs, peakRssSampled: peak, maxRss, messages: r.messages, records: r.records,
      media: r.media, files: r.files, bytes: r.bytes, baselineMs,
    };
    print(res);
    return res;
  } finally {
    clearInterval(sampler);
    fs.rmSync(root, { recursive: true, force: true });
  }
}

function print(r: DemoBenchResult): void {
  const mb = r.bytes / MiB;
  console.log(`\nDemo world generation — scale ${r.scale}, seed ${r.seed}, Node ${process.version}, ${os.cpus().length} CPU, ${os.platform()}\n`);
  console.log('| run | wall time | peak RSS (sampled / maxRSS) | messages | messages/s | bytes written | MiB/s |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  console.log(`| crosslink demo generate | ${(r.wallMs / 1000).toFixed(2)} s | ${(r.peakRssSampled / MiB).toFixed(0)} / ${(r.maxRss / MiB).toFixed(0)} MiB | ${r.messages.toLocaleString('en-US')} | ${Math.round(r.messages / (r.wallMs / 1000)).toLocaleString('en-US')} | ${mb.toFixed(1)} MiB | ${(mb / (r.wallMs / 1000)).toFixed(1)} |`);
  console.log(`| peer: plain lines via fs.writeSync | ${(r.baselineMs / 1000).toFixed(2)} s | — | — | — | ${mb.toFixed(1)} MiB | ${(mb / (r.baselineMs / 1000)).toFixed(1)} |`);
  console.log(`\n${r.records.toLocaleString('en-US')} CSV rows, ${r.media} images, ${r.files} files.`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  run(process.argv.slice(2)).catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exitCode = 1;
  });
}
