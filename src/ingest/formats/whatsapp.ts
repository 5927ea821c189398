/**
 * WhatsApp "Export chat" text files (Android and iOS layouts, any locale the header scanner knows):
 * one record per message or system line, continuation lines joined, day/month order inferred.
 */
import { basename, dirname } from 'node:path';
import type { Properties } from '../../model/index.ts';
import { readLines, rawForReport } from '../lines.ts';
import { localToInstant } from '../time.ts';
import type { AccountRef, CanonicalRecord, FieldIdentifier, ParseInput, ParsedItem, RoomRef, Sample, SourceFormat } from '../types.ts';
import { isDirectionMark, newHeaderScan, scanHeader, type HeaderScan } from './whatsapp-header.ts';

const PLATFORM = 'whatsapp';
export type DateOrder = 'day-month' | 'month-day';

/** Header lines read to settle day/month order before parsing (bounded, so the pre-scan stays cheap). */
const ORDER_SCAN_HEADERS = 2000;
const ORDER_SCAN_LINES = 100_000;
/** One message's text is cut here, so a file without headers cannot exhaust memory. */
const MAX_TEXT_CHARS = 1 << 20;
const MAX_AUTHOR_CHARS = 100;
/** Regions whose phones write month before day. */
const MONTH_FIRST_REGIONS = new Set(['US', 'PH', 'FM', 'MH', 'PW', 'BZ']);
const FILE_ATTACHED = new Set(['file attached', 'datei angehängt', 'fichier joint', 'archivo adjunto', 'file allegato', 'arquivo anexado', 'bestand bijgevoegd']);
const EDITED_MARKERS = ['<This message was edited>', '<Diese Nachricht wurde bearbeitet>', '<Ce message a été modifié>', '<Se editó este mensaje.>'];
const E2E_NOTICES = ['Messages and calls are end-to-end encrypted', 'Nachrichten und Anrufe sind Ende-zu-Ende-verschlüsselt', 'Les messages et les appels sont chiffrés'];
const SYSTEM_ACTOR = /^(.{1,80}?) (added|removed|left|joined|created|changed|deleted|pinned|hat|ist|a ajouté|a retiré|a quitté|a créé)(?: |$)/;
const SYSTEM_TARGET_EN = /^.{1,80}? (?:added|removed) (.{1,200}?)\.?$/;
const SYSTEM_TARGET_DE = /^.{1,80}? hat (.{1,200}?) (?:hinzugefügt|entfernt)$/;
const ROOM_FROM_FILE = /^(?:WhatsApp[ -]Chat|Chat de WhatsApp|Discussion WhatsApp|Conversa do WhatsApp)\s*(?:with|mit|con|avec|com|met|-|–)\s+(.+)$/i;

/** The room a file is the export of: `WhatsApp Chat with X.txt` → X; `_chat.txt` (iOS zip) → its folder. */
export function roomNameFromPath(path: string): string {
  let name = basename(path).replace(/\.txt$/i, '');
  if (name === '_chat' || name === 'chat') name = basename(dirname(path)).replace(/\.zip$/i, '');
  return ROOM_FROM_FILE.exec(name)?.[1]?.trim() ?? name;
}

/** The two date numbers that are not the year, in the order written. */
function dayMonthPair(scan: HeaderScan): [number, number] {
  if (scan.digits1 >= 3) return [scan.part2, scan.part3];
  if (scan.digits2 >= 3) return [scan.part1, scan.part3];
  return [scan.part1, scan.part2];
}

function yearOf(scan: HeaderScan): number {
  const year = scan.digits1 >= 3 ? scan.part1 : scan.digits2 >= 3 ? scan.part2 : scan.part3;
  return year < 100 ? 2000 + year : year;
}

interface FileLayout {
  order: DateOrder;
  /**
   * Whether headers end in a bare space (Croatian `13. 6. 2018. 21:25:15 Name: text`). Only then is
   * such a line a header: elsewhere it is a message line that starts with a date and time.
   */
  bareSpace: boolean;
}

/**
 * Reads a bounded prefix to learn the file's layout. Day/month order: a number above 12 in either
 * place decides; otherwise the locale hint, then month-first for 12-hour clocks and year-first
 * dates, day-first for the rest.
 */
async function inferLayout(input: ParseInput): Promise<FileLayout> {
  const scan = newHeaderScan();
  let headers = 0;
  let monthFirstHint = false;
  let bareSpace: boolean | undefined;
  let order: DateOrder | undefined;
  for await (const line of readLines(input.open())) {
    if (line.number > ORDER_SCAN_LINES) break;
    if (!scanHeader(line.text, scan)) continue;
    bareSpace ??= scan.bareSpace;
    if (scan.bareSpace !== bareSpace) continue;
    const [first, second] = dayMonthPair(scan);
    if (first > 12 && second <= 12) order = 'day-month';
    else if (second > 12 && first <= 12) order = 'month-day';
    if (order !== undefined) break;
    if (scan.meridiem !== 0 || scan.digits1 >= 3) monthFirstHint = true;
    if (++headers >= ORDER_SCAN_HEADERS) break;
  }
  if (order === undefined) {
    const region = input.options.locale?.split(/[-_]/)[1]?.toUpperCase();
    if (region !== undefined) order = MONTH_FIRST_REGIONS.has(region) ? 'month-day' : 'day-month';
    else order = monthFirstHint ? 'month-day' : 'day-month';
  }
  return { order, bareSpace: bareSpace ?? false };
}

/** Wall-clock times to instants, one zone lookup per local hour instead of per message. */
class LocalClock {
  private readonly hourStarts = new Map<number, number>();
  constructor(private readonly zone: string) {}

  instant(year: number, month: number, day: number, hour: number, minute: number, second: number): Date | null {
    if (this.zone === 'UTC') return localToInstant({ year, month, day, hour, minute, second }, 'UTC');
    const key = ((year * 13 + month) * 32 + day) * 25 + hour;
    let start = this.hourStarts.get(key);
    if (start === undefined) {
      const top = localToInstant({ year, month, day, hour }, this.zone);
      const end = localToInstant({ year, month, day, hour, minute: 59 }, this.zone);
      // NaN marks an hour cut by a DST change: those few times take the exact path.
      start = top === null ? -1 : end !== null && end.getTime() - top.getTime() === 3_540_000 ? top.getTime() : Number.NaN;
      if (this.hourStarts.size > 50_000) this.hourStarts.clear();
      this.hourStarts.set(key, start);
    }
    if (start === -1) return null;
    if (Number.isNaN(start)) return localToInstant({ year, month, day, hour, minute, second }, this.zone);
    return new Date(start + minute * 60_000 + Math.min(second, 59) * 1000);
  }
}

function stripMarks(text: string): string {
  let start = 0;
  while (start < text.length && isDirectionMark(text.charCodeAt(start))) start++;
  let end = text.length;
  while (end > start && isDirectionMark(text.charCodeAt(end - 1))) end--;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}

/** Author as shown, without direction marks and the '~ ' WhatsApp puts before names not in contacts. */
function cleanAuthor(raw: string): string {
  let author = stripMarks(raw);
  if (author.charCodeAt(0) === 0x7e) author = author.slice(1).replace(/^[\s\u202f\u00a0]+/, '');
  // Phone numbers come wrapped as U+202A +1 416 … U+202C; marks may also sit inside.
  if (author.includes('\u202a') || author.includes('\u202c') || author.includes('\u200e')) author = author.replace(/[\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '');
  return author.trim();
}

function isPhoneNumber(author: string): boolean {
  const c = author.charCodeAt(0);
  if (c !== 0x2b && !(c >= 0x30 && c <= 0x39)) return false;
  let digits = 0;
  for (let i = 0; i < author.length; i++) {
    const d = author.charCodeAt(i);
    if (d >= 0x30 && d <= 0x39) digits++;
    else if (d !== 0x20 && d !== 0x2d && d !== 0x28 && d !== 0x29 && d !== 0x2e && d !== 0xa0 && !(i === 0 && d === 0x2b)) return false;
  }
  return digits >= 7 && digits <= 15;
}

/** 'Name: text' → author and text; undefined for system lines (no 'Name:' part). */
function splitAuthor(body: string): { author: string; text: string } | undefined {
  let colon = body.indexOf(': ');
  let textStart = colon + 2;
  if (colon === -1) {
    if (body.charCodeAt(body.length - 1) !== 0x3a) return undefined;
    colon = body.length - 1;
    textStart = body.length;
  }
  if (colon === 0 || colon > MAX_AUTHOR_CHARS * 2) return undefined;
  const raw = body.slice(0, colon);
  // Quotes mean a system line quoting a subject or description, not a name.
  if (raw.includes('"') || raw.includes('“') || raw.includes('„') || raw.includes('”')) return undefined;
  const author = cleanAuthor(raw);
  if (author.length === 0 || author.length > MAX_AUTHOR_CHARS) return undefined;
  return { author, text: body.slice(textStart) };
}

/** The attachment a message's first line names: a file name, or the placeholder for omitted media. */
function attachmentOf(firstLine: string): string | undefined {
  const line = stripMarks(firstLine);
  if (line.charCodeAt(0) === 0x3c && line.charCodeAt(line.length - 1) === 0x3e) {
    if (line.startsWith('<attached: ')) return line.slice(11, -1).trim() || undefined;
    if (line.length <= 48 && line.indexOf('>') === line.length - 1 && !EDITED_MARKERS.includes(line)) return line;
    return undefined;
  }
  if (line.charCodeAt(line.length - 1) === 0x29) {
    const open = line.lastIndexOf(' (');
    if (open > 0 && FILE_ATTACHED.has(line.slice(open + 2, -1).toLowerCase())) return line.slice(0, open);
    return undefined;
  }
  if (line.length <= 40 && line.endsWith(' omitted')) return line;
  return undefined;
}

interface Pending {
  line: number;
  offset: number;
  occurredAt: Date;
  body: string;
  text: string;
  truncated: boolean;
}

function systemRecord(p: Pending, room: RoomRef, order: DateOrder, text: string): CanonicalRecord {
  const props: Properties = { platform: PLATFORM, room: room.name, event: 'system', date_order: order };
  const isNotice = E2E_NOTICES.some((notice) => text.startsWith(notice));
  const actorMatch = text.length <= 400 && !isNotice ? SYSTEM_ACTOR.exec(text) : null;
  let sender: AccountRef | undefined;
  let target: AccountRef | undefined;
  const passive = actorMatch?.[1] !== undefined ? / (?:was|were)$/.exec(actorMatch[1]) : null;
  if (passive && actorMatch?.[1] !== undefined) {
    // 'You were added', 'Sam was removed': the subject is the target, the actor unnamed.
    const name = cleanAuthor(actorMatch[1].slice(0, passive.index));
    props.target = name;
    target = { platform: PLATFORM, handle: name };
  } else if (actorMatch?.[1] !== undefined) {
    const actor = cleanAuthor(actorMatch[1]);
    props.actor = actor;
    sender = { platform: PLATFORM, handle: actor };
    const targetMatch = SYSTEM_TARGET_EN.exec(text) ?? SYSTEM_TARGET_DE.exec(text);
    if (targetMatch?.[1] !== undefined) {
      const name = cleanAuthor(targetMatch[1]);
      props.target = name;
      target = { platform: PLATFORM, handle: name };
    }
  }
  return {
    kind: 'room_event', key: `line:${p.line}`, line: p.line, byteOffset: p.offset, occurredAt: p.occurredAt, text, props, room,
    ...(sender && { sender }),
    ...(target && { target }),
  };
}

function isSystemText(text: string, author: string, room: RoomRef): boolean {
  // iOS writes system lines as if the group itself said them, behind a left-to-right mark.
  if (author === room.name && text.charCodeAt(0) === 0x200e) return true;
  const plain = stripMarks(text);
  return E2E_NOTICES.some((notice) => plain.startsWith(notice));
}

function finish(p: Pending, room: RoomRef, order: DateOrder): CanonicalRecord {
  const split = splitAuthor(p.body);
  let continuation = p.text;
  // Blank lines before the next header belong to no one.
  while (continuation.charCodeAt(continuation.length - 1) === 0x0a) continuation = continuation.slice(0, -1);
  const fullText = (split ? split.text : p.body) + continuation;
  if (!split || isSystemText(split.text, split.author, room)) return systemRecord(p, room, order, stripMarks(fullText));
  const { author } = split;
  const props: Properties = { platform: PLATFORM, room: room.name, sender: author, date_order: order };
  const newline = split.text.indexOf('\n');
  const attachment = attachmentOf(newline === -1 ? split.text : split.text.slice(0, newline));
  if (attachment !== undefined) props.attachments = [attachment];
  if (EDITED_MARKERS.some((marker) => fullText.endsWith(marker))) props.edited = true;
  if (p.truncated) props.truncated = true;
  const identifiers: FieldIdentifier[] | undefined = isPhoneNumber(author) ? [{ type: 'phone', raw: author, role: 'sender' }] : undefined;
  return {
    kind: 'message', key: `line:${p.line}`, line: p.line, byteOffset: p.offset, occurredAt: p.occurredAt,
    text: stripMarks(fullText), props, sender: { platform: PLATFORM, handle: author }, room,
    ...(identifiers && { identifiers }),
  };
}

async function* parse(input: ParseInput): AsyncIterable<ParsedItem> {
  const clock = new LocalClock(input.options.timezone ?? 'UTC');
  const room: RoomRef = { platform: PLATFORM, name: roomNameFromPath(input.path) };
  const { order, bareSpace } = await inferLayout(input);
  const scan = newHeaderScan();
  let pending: Pending | undefined;
  let afterReject = false;
  for await (const line of readLines(input.open())) {
    const text = line.text;
    if (scanHeader(text, scan) && (bareSpace || !scan.bareSpace)) {
      if (pending) yield { type: 'record', record: finish(pending, room, order) };
      pending = undefined;
      let [day, month] = dayMonthPair(scan);
      if (order === 'month-day') [day, month] = [month, day];
      // One line that contradicts the file's order (mixed exports) is read the only way it can be.
      if (month > 12 && day <= 12) [day, month] = [month, day];
      let hour = scan.hour;
      if (scan.meridiem === 1 && hour === 12) hour = 0;
      else if (scan.meridiem === 2 && hour < 12) hour += 12;
      const occurredAt = clock.instant(yearOf(scan), month, day, hour, scan.minute, scan.second);
      if (occurredAt === null) {
        afterReject = true;
        yield { type: 'reject', reject: { line: line.number, reason: 'the header date or time is not a real date', raw: rawForReport(text) } };
        continue;
      }
      afterReject = false;
      pending = { line: line.number, offset: line.offset, occurredAt, body: text.slice(scan.bodyStart), text: '', truncated: false };
      continue;
    }
    if (pending) {
      if (pending.body.length + pending.text.length + text.length < MAX_TEXT_CHARS) pending.text += `\n${text}`;
      else pending.truncated = true;
      continue;
    }
    if (text.trim() === '') continue;
    const reason = afterReject ? 'continuation of a rejected message' : 'text before the first message header';
    yield { type: 'reject', reject: { line: line.number, reason, raw: rawForReport(text) } };
  }
  if (pending) yield { type: 'record', record: finish(pending, room, order) };
}

function detect(sample: Sample): number {
  if (sample.isDirectory) return 0;
  const scan = newHeaderScan();
  const text = sample.text;
  let start = 0;
  let seen = 0;
  let score = 0;
  while (start < text.length && seen < 10) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const line = text.slice(start, end).replace(/\r$/, '');
    start = end + 1;
    if (line.trim() === '') continue;
    seen++;
    if (scanHeader(line, scan)) {
      score = seen === 1 ? 0.9 : 0.6;
      break;
    }
  }
  if (score > 0 && /whatsapp|^_chat\.txt$/i.test(sample.name)) score += 0.05;
  return score;
}

export const whatsappFormat: SourceFormat = {
  name: 'whatsapp-txt',
  label: 'WhatsApp chat export (.txt)',
  detect,
  parse,
};
