/**
 * The mapped tabular source formats: arrests, transactions, sightings and chat as CSV, and chat
 * as JSON Lines. detect() scores a file by how well its header names say what it holds.
 */
import type { ParsedItem, ParseInput, Sample, SourceFormat } from '../../types.ts';
import { parseArrests } from './arrests.ts';
import { parseChat } from './chat.ts';
import { detectDelimiter, splitLine } from './csv.ts';
import { kindScores, type MappingKind } from './fields.ts';
import { parseSightings } from './sightings.ts';
import { openCsvTable, openJsonlTable, type Table } from './table.ts';
import { parseTransactions } from './transactions.ts';

type KindParser = (input: ParseInput, table: Table) => AsyncIterable<ParsedItem>;

function firstLines(text: string, count: number): string[] {
  const lines: string[] = [];
  let start = 0;
  while (lines.length < count && start < text.length) {
    const end = text.indexOf('\n', start);
    // The sample may end mid-line: only whole lines count.
    if (end === -1) break;
    const line = text.slice(start, end).replace(/\r$/, '');
    if (line.trim() !== '') lines.push(line);
    start = end + 1;
  }
  if (lines.length === 0 && text.trim() !== '') lines.push(text.trim());
  return lines;
}

/** 0 when the headers say another kind (or nothing); else 0.5–0.95 rising with the evidence. */
function headerScore(kind: MappingKind, headers: readonly string[]): number {
  const scores = kindScores(headers);
  const mine = scores[kind];
  if (mine === 0) return 0;
  const best = Math.max(...Object.values(scores));
  if (mine < best) return 0;
  return 0.5 + 0.4 * Math.min(1, mine / 8);
}

function detectCsv(kind: MappingKind, sample: Sample): number {
  if (sample.isDirectory) return 0;
  const lines = firstLines(sample.text, 2);
  const [header, second] = lines;
  if (header === undefined || header.startsWith('{') || header.startsWith('[')) return 0;
  const delimiter = detectDelimiter(header);
  const headers = splitLine(header, delimiter);
  if (headers.length < 2) return 0;
  let score = headerScore(kind, headers);
  if (score === 0) return 0;
  if (second !== undefined && !second.includes('"') && second.split(delimiter).length !== headers.length) score /= 2;
  if (/\.(csv|tsv|psv|txt)$/i.test(sample.name)) score += 0.05;
  return Math.min(score, 0.95);
}

function jsonKeys(line: string): string[] | undefined {
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? Object.keys(value) : undefined;
  } catch {
    return undefined;
  }
}

function detectJsonl(kind: MappingKind, sample: Sample): number {
  if (sample.isDirectory) return 0;
  const lines = firstLines(sample.text, 3);
  const [first] = lines;
  const keys = first === undefined ? undefined : jsonKeys(first);
  if (!keys) return 0;
  // A second line that is not an object: a pretty-printed JSON document, not JSON Lines.
  if (lines.slice(1).some((line) => !jsonKeys(line))) return 0;
  let score = headerScore(kind, keys);
  if (score > 0 && /\.(jsonl|ndjson)$/i.test(sample.name)) score += 0.05;
  return Math.min(score, 0.95);
}

function csvFormat(name: string, label: string, kind: MappingKind, parse: KindParser): SourceFormat {
  return {
    name,
    label,
    detect: (sample) => detectCsv(kind, sample),
    async *parse(input) {
      yield* parse(input, await openCsvTable(input, kind));
    },
  };
}

export const arrestsCsv = csvFormat('arrests-csv', 'Arrest or booking records (CSV)', 'arrests', parseArrests);
export const transactionsCsv = csvFormat('transactions-csv', 'Card transactions (CSV)', 'transactions', parseTransactions);
export const sightingsCsv = csvFormat('sightings-csv', 'P2P sightings (CSV)', 'sightings', parseSightings);
export const chatCsv = csvFormat('chat-csv', 'Chat messages (CSV)', 'chat', parseChat);

export const chatJsonl: SourceFormat = {
  name: 'chat-jsonl',
  label: 'Chat messages (JSON Lines)',
  detect: (sample) => detectJsonl('chat', sample),
  async *parse(input) {
    yield* parseChat(input, await openJsonlTable(input, 'chat'));
  },
};
