/**
 * Telegram Desktop JSON exports (`result.json`): one chat, or a full account with `chats.list[]`
 * and `left_chats.list[]`. Streamed message by message, so multi-gigabyte exports parse in constant memory.
 */
import { basename } from 'node:path';
import type { Properties } from '../../model/index.ts';
import { localToInstant } from '../time.ts';
import type { AccountRef, CanonicalRecord, FieldIdentifier, ParsedItem, ParseInput, RoomRef, Sample, SourceFormat } from '../types.ts';
import { rawJson, streamProblem, walkJson, type JsonPath, type PathAction } from './json-stream.ts';

const PLATFORM = 'telegram';
const CHAT_FIELDS = new Set(['name', 'type', 'id']);
const CHAT_TYPES = /"type"\s*:\s*"(personal_chat|private_group|private_supergroup|public_supergroup|public_channel|private_channel|saved_messages|bot_chat)"/;
const TELEGRAM_KEYS = /"(date_unixtime|from_id|text_entities|actor_id|reply_to_message_id|forwarded_from)"\s*:/;
const FILE_NOT_INCLUDED = '(File not included';

/** The chat whose messages are being read: set by the scalar fields that precede `messages`. */
interface ChatContext {
  name?: string;
  type?: string;
  id?: string;
  /** Fallback key prefix when a chat has no id (e.g. 'chats.list.3'). */
  position: string;
}

function isChatLevel(path: JsonPath, length: number): boolean {
  if (length === 0) return true;
  return length === 3 && path[1] === 'list' && (path[0] === 'chats' || path[0] === 'left_chats') && typeof path[2] === 'number';
}

/** Which parts of the document to read: chat fields and messages, nothing of contacts, sessions, etc. */
export function telegramPlan(path: JsonPath): PathAction {
  const n = path.length;
  if (n === 0) return 'descend';
  const last = path[n - 1] ?? '';
  if (typeof last === 'number') {
    if (n >= 2 && path[n - 2] === 'messages' && isChatLevel(path, n - 2)) return 'capture';
    return isChatLevel(path, n) ? 'descend' : 'skip';
  }
  if (isChatLevel(path, n - 1)) {
    if (last === 'messages') return 'descend';
    if (CHAT_FIELDS.has(last)) return 'capture';
  }
  if (n === 1 && (last === 'chats' || last === 'left_chats')) return 'descend';
  if (n === 2 && last === 'list' && (path[0] === 'chats' || path[0] === 'left_chats')) return 'descend';
  return 'skip';
}

function roomType(chatType: string | undefined): RoomRef['type'] {
  if (chatType === undefined) return undefined;
  if (chatType === 'personal_chat' || chatType === 'saved_messages' || chatType === 'bot_chat') return 'direct';
  if (chatType.endsWith('_channel')) return 'channel';
  return 'group';
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function idString(value: unknown): string | undefined {
  return typeof value === 'number' || typeof value === 'string' ? String(value) : undefined;
}

/** Fields whose type, when present, must be right for the message to be read. */
const FIELD_CHECKS: readonly (readonly [string, (v: unknown) => boolean])[] = [
  ['id', (v) => typeof v === 'number' || typeof v === 'string'],
  ['type', (v) => typeof v === 'string'],
  ['date', (v) => typeof v === 'string'],
  ['date_unixtime', (v) => (typeof v === 'string' && /^-?\d{1,12}$/.test(v)) || (typeof v === 'number' && Number.isFinite(v))],
  ['from', (v) => typeof v === 'string' || v === null],
  ['from_id', (v) => typeof v === 'string' || typeof v === 'number'],
  ['actor', (v) => typeof v === 'string' || v === null],
  ['text', (v) => typeof v === 'string' || (Array.isArray(v) && v.every((part) => typeof part === 'string' || (isObject(part) && typeof part.text === 'string')))],
  ['text_entities', (v) => Array.isArray(v) && v.every(isObject)],
  ['members', (v) => Array.isArray(v)],
];

/** What is wrong with a message object's types, or undefined if it can be read. */
function problem(msg: unknown): string | undefined {
  if (!isObject(msg)) return 'message is not a JSON object';
  for (const [field, ok] of FIELD_CHECKS) {
    const value = msg[field];
    if (value !== undefined && !ok(value)) return `field '${field}' has the wrong type (${value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value})`;
  }
  return undefined;
}

function occurredAt(msg: Json, zone: string): Date | null | 'invalid' {
  const unix = msg.date_unixtime;
  if (unix !== undefined) return new Date(Number(unix) * 1000);
  const date = msg.date;
  if (typeof date !== 'string') return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/.exec(date);
  if (!m) return 'invalid';
  const instant = localToInstant({ year: Number(m[1]), month: Number(m[2]), day: Number(m[3]), hour: Number(m[4]), minute: Number(m[5]), second: Number(m[6]) }, zone);
  return instant ?? 'invalid';
}

interface TextParts {
  text: string;
  identifiers: FieldIdentifier[];
  mentions: AccountRef[];
}

const ENTITY_IDENTIFIER: Readonly<Record<string, FieldIdentifier['type']>> = { phone: 'phone', email: 'email', link: 'url', bank_card: 'card' };

/** Joins `text` and keeps the structured entities that name people, phones, emails and links. */
function readText(msg: Json): TextParts {
  const parts: TextParts = { text: '', identifiers: [], mentions: [] };
  const text = msg.text;
  const entities = Array.isArray(msg.text_entities) ? (msg.text_entities as Json[]) : Array.isArray(text) ? text : [];
  if (typeof text === 'string') parts.text = text;
  else if (Array.isArray(text)) parts.text = text.map((part) => (typeof part === 'string' ? part : String((part as Json).text))).join('');
  else if (Array.isArray(msg.text_entities)) parts.text = entities.map((part) => (isObject(part) && typeof part.text === 'string' ? part.text : '')).join('');
  for (const entity of entities) {
    if (!isObject(entity) || typeof entity.type !== 'string' || entity.type === 'plain') continue;
    const value = typeof entity.text === 'string' ? entity.text : '';
    const type = ENTITY_IDENTIFIER[entity.type];
    if (type !== undefined && value) parts.identifiers.push({ type, raw: value, role: `entity:${entity.type}` });
    else if (entity.type === 'text_link' && typeof entity.href === 'string') parts.identifiers.push({ type: 'url', raw: entity.href, role: 'entity:text_link' });
    else if (entity.type === 'mention' && value) parts.mentions.push({ platform: PLATFORM, handle: value.replace(/^@/, '') });
    else if (entity.type === 'mention_name' && value) {
      const userId = idString(entity.user_id);
      parts.mentions.push({ platform: PLATFORM, handle: value, displayName: value, ...(userId !== undefined && { id: `user${userId}` }) });
    }
  }
  return parts;
}

function account(name: string | undefined, id: string | undefined): AccountRef | undefined {
  const handle = name ?? id;
  if (handle === undefined) return undefined;
  return { platform: PLATFORM, handle, ...(id !== undefined && { id }), ...(name !== undefined && { displayName: name }) };
}

function attachments(msg: Json): string[] {
  const found: string[] = [];
  const photo = optionalString(msg.photo);
  if (photo) found.push(photo);
  const file = optionalString(msg.file);
  const fileName = optionalString(msg.file_name);
  if (file && !file.startsWith(FILE_NOT_INCLUDED)) found.push(file);
  else if (fileName) found.push(fileName);
  else if (file) found.push(file);
  return found;
}

/** Scalar fields of service messages worth keeping as they are. */
const SERVICE_FIELDS = ['title', 'inviter', 'duration_seconds', 'discard_reason', 'message_id'] as const;

function toRecord(msg: Json, chat: ChatContext, roomName: string, line: number, offset: number, zone: string): ParsedItem {
  const when = occurredAt(msg, zone);
  if (when === 'invalid' || (when !== null && Number.isNaN(when.getTime()))) {
    return { type: 'reject', reject: { line, reason: `unreadable date '${String(msg.date_unixtime ?? msg.date)}'`, raw: rawJson(msg) } };
  }
  const messageId = idString(msg.id);
  const chatPart = chat.id ?? chat.position;
  const messagePart = messageId ?? `line:${line}`;
  const key = chatPart ? `${chatPart}:${messagePart}` : messagePart;
  const room: RoomRef = { platform: PLATFORM, name: roomName, ...(chat.id !== undefined && { id: `chat${chat.id}` }), ...(chat.type !== undefined && { type: roomType(chat.type) }) };
  const { text, identifiers, mentions } = readText(msg);
  const contact = msg.contact_information;
  if (isObject(contact) && typeof contact.phone_number === 'string' && contact.phone_number) identifiers.push({ type: 'phone', raw: contact.phone_number, role: 'contact:phone' });
  const base = { key, line, byteOffset: offset, occurredAt: when, text: text || null, room };

  if (msg.type === 'service') {
    const actor = account(optionalString(msg.actor), idString(msg.actor_id));
    const members = Array.isArray(msg.members) ? msg.members.filter((m): m is string => typeof m === 'string') : [];
    for (const member of members) mentions.push({ platform: PLATFORM, handle: member, displayName: member });
    const props: Properties = { platform: PLATFORM, room: roomName, event: optionalString(msg.action) ?? 'service' };
    if (actor) props.actor = actor.handle;
    if (members.length > 0) props.target = members.join(', ');
    for (const field of SERVICE_FIELDS) if (typeof msg[field] === 'string' || typeof msg[field] === 'number') props[field] = msg[field];
    const record: CanonicalRecord = {
      kind: 'room_event', ...base, props,
      ...(actor && { sender: actor }),
      ...(members.length === 1 && { target: { platform: PLATFORM, handle: members[0] as string } }),
      ...(mentions.length > 0 && { mentions }),
      ...(identifiers.length > 0 && { identifiers }),
    };
    return { type: 'record', record };
  }

  const sender = account(optionalString(msg.from), idString(msg.from_id));
  const props: Properties = { platform: PLATFORM, room: roomName };
  if (sender) {
    props.sender = sender.handle;
    if (sender.id !== undefined) props.sender_id = sender.id;
  }
  const replyTo = idString(msg.reply_to_message_id);
  if (replyTo !== undefined) props.reply_to = replyTo;
  const forwarded = optionalString(msg.forwarded_from);
  if (forwarded !== undefined) props.forwarded_from = forwarded;
  if (msg.edited !== undefined || msg.edited_unixtime !== undefined) props.edited = true;
  const files = attachments(msg);
  if (files.length > 0) props.attachments = files;
  const mediaType = optionalString(msg.media_type);
  if (mediaType !== undefined) props.media_type = mediaType;
  const author = optionalString(msg.author);
  if (author !== undefined) props.author = author;
  const record: CanonicalRecord = {
    kind: 'message', ...base, props,
    ...(sender && { sender }),
    ...(mentions.length > 0 && { mentions }),
    ...(identifiers.length > 0 && { identifiers }),
  };
  return { type: 'record', record };
}

function detect(sample: Sample): number {
  const text = sample.text.trimStart();
  if (!text.startsWith('{')) return 0;
  if (/"guild"\s*:/.test(text) && /"channel"\s*:/.test(text)) return 0;
  const hasMessages = /"messages"\s*:\s*\[/.test(text);
  const hasChatList = /"chats"\s*:\s*\{/.test(text) && /"list"\s*:\s*\[/.test(text);
  const markers = TELEGRAM_KEYS.test(text) || CHAT_TYPES.test(text);
  if ((hasMessages || hasChatList) && markers) return 0.95;
  // A full-account export may open with kilobytes of profile and contacts before any message.
  if (/"personal_information"\s*:/.test(text) && /"about"\s*:\s*"[^"]*Telegram/.test(text)) return 0.9;
  if (hasChatList && hasMessages) return 0.6;
  return 0;
}

async function* parse(input: ParseInput): AsyncIterable<ParsedItem> {
  const zone = input.options.timezone ?? 'UTC';
  const fallbackName = basename(input.path).replace(/\.json$/i, '');
  let chat: ChatContext = { position: '' };
  for await (const event of walkJson(input.open(), telegramPlan)) {
    switch (event.kind) {
      case 'enter':
        if (event.path.length === 3) chat = { position: event.path.join('.') };
        break;
      case 'value': {
        const last = event.path[event.path.length - 1];
        if (typeof last === 'number') {
          const reason = problem(event.value);
          if (reason !== undefined) {
            yield { type: 'reject', reject: { line: event.line, reason, raw: rawJson(event.value) } };
            break;
          }
          const roomName = chat.name ?? (chat.id !== undefined ? `chat${chat.id}` : fallbackName);
          yield toRecord(event.value as Json, chat, roomName, event.line, event.offset, zone);
        } else if (last === 'name' || last === 'type') {
          const value = optionalString(event.value);
          if (value !== undefined) chat[last] = value;
        } else if (last === 'id') chat.id = idString(event.value);
        break;
      }
      case 'oversized':
        yield streamProblem(event);
        break;
      case 'error':
        // A broken document: what came before it stands, nothing after it can be trusted.
        yield streamProblem(event);
        return;
    }
  }
}

export const telegramFormat: SourceFormat = {
  name: 'telegram-json',
  label: 'Telegram Desktop export (JSON)',
  detect,
  parse,
};
