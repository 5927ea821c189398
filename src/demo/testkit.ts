// Test helpers: read a generated world back with deliberately simple parsers, independent of
// the writers, so the tests check the files rather than the generator's own bookkeeping.
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import type { ManifestFile } from './manifest.ts';

export function listFiles(dir: string, base = dir): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...listFiles(full, base));
    else out.push(path.relative(base, full).split(path.sep).join('/'));
  }
  return out.sort();
}

/** sha256 over the sorted (relative path, file sha256) list. */
export function treeHash(dir: string): string {
  const h = createHash('sha256');
  for (const rel of listFiles(dir)) {
    h.update(`${rel}\u0000${createHash('sha256').update(fs.readFileSync(path.join(dir, rel))).digest('hex')}\n`);
  }
  return h.digest('hex');
}

export function splitCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') { cur += '"'; i++; }
      else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { cells.push(cur); cur = ''; }
    else cur += ch;
  }
  cells.push(cur);
  return cells;
}

export function readCsv(file: string): { header: string[]; rows: string[][] } {
  const lines = fs.readFileSync(file, 'utf8').split(/\r?\n/).filter((l) => l !== '');
  return { header: splitCsvLine(lines[0] ?? ''), rows: lines.slice(1).map(splitCsvLine) };
}

const WA_HEAD = /^(?:\d{1,2}\/\d{1,2}\/\d{2}, \d{1,2}:\d{2}[ \u202f][AP]M|\d{2}\/\d{2}\/\d{4}, \d{2}:\d{2}|\d{2}\.\d{2}\.\d{2}, \d{2}:\d{2}) - (.*)$/;

/** Counts what the manifest calls records, the simplest way each format allows. */
export function countRecords(dir: string, f: ManifestFile): number {
  const full = path.join(dir, f.path);
  switch (f.format) {
    case 'media-folder': return fs.readdirSync(full).length;
    case 'arrests-csv': case 'transactions-csv': case 'sightings-csv': return readCsv(full).rows.length;
    case 'telegram-json': {
      const data = JSON.parse(fs.readFileSync(full, 'utf8')) as { messages: { type: string }[] };
      return data.messages.filter((m) => m.type === 'message').length;
    }
    case 'discord-json': {
      const data = JSON.parse(fs.readFileSync(full, 'utf8')) as { messages: unknown[]; messageCount: number };
      if (data.messageCount !== data.messages.length) throw new Error(`${f.path}: messageCount mismatch`);
      return data.messages.length;
    }
    case 'irc-irssi':
      return fs.readFileSync(full, 'utf8').split('\n').filter((l) => /^\d\d:\d\d (?:<[@ ][^>]+> | \* )/.test(l)).length;
    case 'irc-weechat':
      return fs.readFileSync(full, 'utf8').split('\n').filter((l) => {
        const prefix = l.split('\t')[1];
        return prefix !== undefined && !['-->', '<--', '--'].includes(prefix);
      }).length;
    case 'whatsapp-txt':
      return fs.readFileSync(full, 'utf8').split('\n').filter((l) => /^[^:]+: /.test(WA_HEAD.exec(l)?.[1] ?? '')).length;
  }
}
