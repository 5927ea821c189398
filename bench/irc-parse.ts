// Benchmark: IRC log parsing (lines/s, peak RSS) on synthetic 500k-line irssi and WeeChat logs,
// beside the floor of reading the same file with readLines alone.
// Usage: npm run bench -- irc-parse [--lines 500000]
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IRC_FORMATS } from '../src/ingest/formats/irc/index.ts';
import { readLines } from '../src/ingest/lines.ts';

const count = Number(process.argv[process.argv.indexOf('--lines') + 1]) || 500_000;
const NICKS = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'gail', 'henry'];
const TEXTS = ['anyone planting tomatoes this week?', 'the forecast says rain again tomorrow', 'finally fixed the brakes on the old hatchback', 'see https://example.org/garden/notes for the list', 'ok'];
const pad = (n: number): string => String(n).padStart(2, '0');

/** irssi or WeeChat lines: mostly messages, some actions, joins, quits, nick changes, day changes. */
function synthetic(layout: 'irssi' | 'weechat'): string {
  const out: string[] = [];
  if (layout === 'irssi') out.push('--- Log opened Tue Mar 05 00:00:00 2024');
  let minute = 0;
  let day = 5;
  for (let i = 0; out.length < count; i++) {
    minute += i % 3 === 0 ? 1 : 0;
    if (minute === 1440) {
      minute = 0;
      day = day === 28 ? 1 : day + 1;
      if (layout === 'irssi') out.push(`--- Day changed Wed Mar ${pad(day)} 2024`);
    }
    const nick = NICKS[i % NICKS.length]!;
    const text = TEXTS[i % TEXTS.length]!;
    const hhmm = `${pad(Math.floor(minute / 60))}:${pad(minute % 60)}`;
    const kind = i % 50;
    if (layout === 'irssi') {
      if (kind === 1) out.push(`${hhmm} -!- ${nick} [~${nick}@192.0.2.${i % 250}] has joined #gardening`);
      else if (kind === 2) out.push(`${hhmm} -!- ${nick} [~${nick}@192.0.2.${i % 250}] has quit [Quit: lunch]`);
      else if (kind === 3) out.push(`${hhmm} -!- ${nick} is now known as ${nick}_away`);
      else if (kind === 4) out.push(`${hhmm}  * ${nick} waves`);
      else out.push(`${hhmm} <${i % 7 === 0 ? '@' : ' '}${nick}> ${text}`);
    } else {
      const stamp = `2024-03-${pad(day)} ${hhmm}:${pad(i % 60)}`;
      if (kind === 1) out.push(`${stamp}\t-->\t${nick} (~${nick}@192.0.2.${i % 250}) has joined #gardening`);
      else if (kind === 2) out.push(`${stamp}\t<--\t${nick} (~${nick}@192.0.2.${i % 250}) has quit (lunch)`);
      else if (kind === 3) out.push(`${stamp}\t--\t${nick} is now known as ${nick}_away`);
      else if (kind === 4) out.push(`${stamp}\t *\t${nick} waves`);
      else out.push(`${stamp}\t${i % 7 === 0 ? '@' : ''}${nick}\t${text}`);
    }
  }
  return `${out.join('\n')}\n`;
}

async function timeIt(run: () => Promise<number>): Promise<{ ms: number; items: number }> {
  const started = process.hrtime.bigint();
  const items = await run();
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, items };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'crosslink-irc-bench-'));
  const rows: string[][] = [];
  try {
    for (const layout of ['irssi', 'weechat'] as const) {
      const path = join(dir, layout === 'irssi' ? '#gardening.log' : 'irc.libera.#gardening.weechatlog');
      writeFileSync(path, synthetic(layout));
      const format = IRC_FORMATS.find((candidate) => candidate.name === `irc-${layout}`)!;
      const floor = await timeIt(async () => {
        let lines = 0;
        for await (const _line of readLines(createReadStream(path))) lines++;
        return lines;
      });
      rows.push([`readLines only (${layout} file)`, 'UTC', String(floor.items), floor.ms.toFixed(0), Math.round((floor.items / floor.ms) * 1000).toLocaleString('en')]);
      for (const timezone of ['UTC', 'Europe/London']) {
        let rejects = 0;
        const parsed = await timeIt(async () => {
          let lines = 0;
          for await (const item of format.parse({ path, open: () => createReadStream(path), options: { timezone } })) {
            lines++;
            if (item.type === 'reject') rejects++;
          }
          return lines;
        });
        if (rejects > 0) throw new Error(`${rejects} rejects in the synthetic ${layout} log`);
        rows.push([format.name, timezone, String(floor.items), parsed.ms.toFixed(0), Math.round((floor.items / parsed.ms) * 1000).toLocaleString('en')]);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const header = ['parser', 'zone', 'lines', 'ms', 'lines/s'];
  const widths = header.map((title, index) => Math.max(title.length, ...rows.map((row) => row[index]!.length)));
  const print = (row: string[]): void => console.log(row.map((cell, index) => cell.padEnd(widths[index]!)).join('  '));
  print(header);
  rows.forEach(print);
  console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB, Node ${process.version}`);
}

await main();
