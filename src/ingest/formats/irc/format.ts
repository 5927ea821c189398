/**
 * Turns a client's line grammar into a SourceFormat: the streaming parse loop (records,
 * rejects, skipped lines) and detection by how many sample lines the grammar reads.
 */
import { readLines, rawForReport, type Line } from '../../lines.ts';
import type { ParsedItem, ParseInput, Sample, SourceFormat } from '../../types.ts';
import type { IrcLayout } from './location.ts';
import { IrcSession, type LineResult } from './session.ts';

/** Reads one line of a client's log; created once per file, it may keep state between lines. */
export type LineReader = (text: string, line: Line) => LineResult;

export interface IrcGrammar {
  readonly layout: IrcLayout;
  readonly label: string;
  readonly createReader: (session: IrcSession) => LineReader;
  /**
   * Extra evidence for detection in [0, 0.2]: the client's file name or header, the lines only
   * it writes. Line-by-line readability alone cannot tell layouts that share `<nick> text`.
   */
  readonly hints: (sample: Sample, lines: readonly string[]) => number;
}

/** Lines of the sample that detection reads. */
const SAMPLE_LINES = 40;

function sampleLines(sample: Sample): string[] {
  const lines = sample.text.split('\n');
  // The head is cut at 64 KiB: its last line may be partial.
  if (sample.head.length >= 65_536) lines.pop();
  const kept: string[] = [];
  for (const raw of lines) {
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (text.trim() === '') continue;
    kept.push(text);
    if (kept.length === SAMPLE_LINES) break;
  }
  return kept;
}

/** Share of sample lines the grammar reads (record or known non-record line). */
function readableShare(grammar: IrcGrammar, sample: Sample, lines: readonly string[]): number {
  if (lines.length === 0) return 0;
  let session: IrcSession;
  try {
    session = new IrcSession(sample.path, grammar.layout, {});
  } catch {
    return 0;
  }
  const read = grammar.createReader(session);
  let readable = 0;
  let offset = 0;
  lines.forEach((text, index) => {
    if (typeof read(text, { text, number: index + 1, offset }) !== 'string') readable++;
    offset += text.length + 1;
  });
  return readable / lines.length;
}

function detect(grammar: IrcGrammar, sample: Sample): number {
  if (sample.isDirectory) return 0;
  const lines = sampleLines(sample);
  const share = readableShare(grammar, sample, lines);
  // Mostly unreadable lines: another format (or prose that happens to hold a time).
  if (share < 0.5) return 0;
  return Math.min(1, 0.3 + 0.5 * share + Math.min(0.2, Math.max(0, grammar.hints(sample, lines))));
}

async function* parse(grammar: IrcGrammar, input: ParseInput): AsyncIterable<ParsedItem> {
  const session = new IrcSession(input.path, grammar.layout, input.options);
  const read = grammar.createReader(session);
  for await (const line of readLines(input.open())) {
    if (line.text.length === 0 || (line.text.charCodeAt(0) <= 0x20 && line.text.trim() === '')) continue;
    let result: LineResult;
    try {
      result = read(line.text, line);
    } catch (error) {
      // A grammar bug must not stop the file: the line goes to the rejects report.
      result = `could not read line (${error instanceof Error ? error.message : String(error)})`;
    }
    if (result === null) continue;
    if (typeof result === 'string') yield { type: 'reject', reject: { line: line.number, reason: result, raw: rawForReport(line.text) } };
    else yield { type: 'record', record: result };
  }
}

export function ircFormat(name: string, grammar: IrcGrammar): SourceFormat {
  return {
    name,
    label: grammar.label,
    detect: (sample) => detect(grammar, sample),
    parse: (input) => parse(grammar, input),
  };
}
