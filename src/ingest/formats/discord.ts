/**
 * DiscordChatExporter JSON exports (one channel or DM per file: guild, channel, messages[]).
 * Streamed message by message, so exports of millions of messages parse in constant memory.
 */
import { basename } from 'node:path';
import type { Properties } from '../../model/index.ts';
import type { AccountRef, CanonicalRecord, FieldIdentifier, ParsedItem, ParseInput, RoomRef, Sample, SourceFormat } from '../types.ts';
import { rawJson, streamProblem, walkJson, type JsonPath, type PathAction } from './json-stream.ts';

const PLATFORM = 'discord';
const HEADER_FIELDS = new Set(['guild', 'channel']);
/** Message types that carry what a person wrote; every other type is a system event. */
const MESSAGE_TYPES = new Set(['Default', 'Reply', 'ChatInputCommand', 'ContextMenuCommand', 'ApplicationCommand', 'ThreadStarterMessage']);

type Json = Record<string, unknown>;

export function discordPlan(path: JsonPath): PathAction {
  const n = path.length;
  if (n === 0) return 'descend';
  const first = path[0] as string;
  if (n === 1) {
    if (first === 'messages') return 'descend';
    return HEADER_FIELDS.has(first) ? 'capture' : 'skip';
  }
  return n === 2 && first === 'messages' ? 'capture' : 'skip';
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function idString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
}

/** `name#1234` for legacy discriminators; new unique usernames have '0000' (or '0') and stand alone. */
function handleOf(user: Json): string {
  const name = String(user.name);
  const discriminator = idString(user.discriminator);
  return discriminator && discriminator !== '0000' && discriminator !== '0' ? `${name}#${discriminator}` : name;
}

function accountOf(user: Json, network: string | undefined): AccountRef {
  const id = idString(user.id);
  const nickname = optionalString(user.nickname);
  return {
    platform: PLATFORM,
    handle: handleOf(user),
    ...(id !== undefined && { id }),
    ...(nickname !== undefined && { displayName: nickname }),
    ...(network !== undefined && { network }),
  };
}

const isArrayOfObjects = (v: unknown): boolean => Array.isArray(v) && v.every(isObject);

/** Fields whose type, when present, must be right for the message to be read. */
const FIELD_CHECKS: readonly (readonly [string, (v: unknown) => boolean])[] = [
  ['id', (v) => typeof v === 'string' || typeof v === 'number'],
  ['type', (v) => typeof v === 'string'],
  ['content', (v) => typeof v === 'string' || v === null],
  ['timestampEdited', (v) => typeof v === 'string' || v === null],
  ['attachments', isArrayOfObjects],
  ['mentions', isArrayOfObjects],
  ['embeds', isArrayOfObjects],
  ['reference', (v) => v === null || isObject(v)],
];

function problem(msg: unknown): string | undefined {
  if (!isObject(msg)) return 'message is not a JSON object';
  if (typeof msg.timestamp !== 'string') return "field 'timestamp' is missing or not a string";
  if (!isObject(msg.author) || typeof msg.author.name !== 'string') return "field 'author' is missing or has no name";
  for (const [field, ok] of FIELD_CHECKS) {
    const value = msg[field];
    if (value !== undefined && !ok(value)) return `field '${field}' has the wrong type (${value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value})`;
  }
  return undefined;
}

interface Header {
  guild?: Json;
  channel?: Json;
}

function roomOf(header: Header, fallbackName: string): RoomRef {
  const channel = header.channel ?? {};
  const name = `#${optionalString(channel.name) ?? fallbackName}`;
  const id = idString(channel.id);
  const network = optionalString(header.guild?.name);
  const channelType = optionalString(channel.type);
  const type: RoomRef['type'] = channelType === 'DirectTextChat' ? 'direct' : channelType === 'DirectGroupTextChat' ? 'group' : 'channel';
  return { platform: PLATFORM, name, ...(id !== undefined && { id }), ...(network !== undefined && { network }), type };
}

function toRecord(msg: Json, room: RoomRef, line: number, offset: number): ParsedItem {
  const occurredAt = new Date(msg.timestamp as string);
  if (Number.isNaN(occurredAt.getTime())) {
    return { type: 'reject', reject: { line, reason: `unreadable timestamp '${String(msg.timestamp)}'`, raw: rawJson(msg) } };
  }
  const network = room.network;
  const sender = accountOf(msg.author as Json, network);
  const messageType = optionalString(msg.type) ?? 'Default';
  const mentions = Array.isArray(msg.mentions) ? (msg.mentions as Json[]).filter((m) => typeof m.name === 'string').map((m) => accountOf(m, network)) : [];
  const files = Array.isArray(msg.attachments) ? (msg.attachments as Json[]) : [];
  const identifiers: FieldIdentifier[] = [];
  if (Array.isArray(msg.embeds)) {
    for (const embed of msg.embeds as Json[]) if (typeof embed.url === 'string' && embed.url) identifiers.push({ type: 'url', raw: embed.url, role: 'embed:url' });
  }
  const content = optionalString(msg.content);
  const key = idString(msg.id) ?? `line:${line}`;
  const base = { key, line, byteOffset: offset, occurredAt, text: content || null, room, sender };
  const extras = {
    ...(mentions.length > 0 && { mentions }),
    ...(identifiers.length > 0 && { identifiers }),
  };

  if (!MESSAGE_TYPES.has(messageType)) {
    const props: Properties = { platform: PLATFORM, room: room.name, event: messageType.toLowerCase(), actor: sender.handle };
    const target = mentions.length === 1 && (messageType === 'RecipientAdd' || messageType === 'RecipientRemove') ? mentions[0] : undefined;
    if (target) props.target = target.handle;
    const ended = optionalString(msg.callEndedTimestamp);
    if (ended) props.call_ended_at = ended;
    const record: CanonicalRecord = { kind: 'room_event', ...base, props, ...(target && { target }), ...extras };
    return { type: 'record', record };
  }

  const props: Properties = { platform: PLATFORM, room: room.name, sender: sender.handle };
  if (sender.id !== undefined) props.sender_id = sender.id;
  const reference = msg.reference;
  if (isObject(reference)) {
    const replyTo = idString(reference.messageId);
    if (replyTo !== undefined) props.reply_to = replyTo;
  }
  if (typeof msg.timestampEdited === 'string') props.edited = true;
  if (msg.isPinned === true) props.pinned = true;
  if (files.length > 0) {
    props.attachments = files.map((file) => optionalString(file.fileName) ?? optionalString(file.url) ?? '').filter(Boolean);
    props.attachment_urls = files.map((file) => optionalString(file.url) ?? '').filter(Boolean);
  }
  if (messageType !== 'Default' && messageType !== 'Reply') props.message_type = messageType;
  const record: CanonicalRecord = { kind: 'message', ...base, props, ...extras };
  return { type: 'record', record };
}

function detect(sample: Sample): number {
  const text = sample.text.trimStart();
  if (!text.startsWith('{')) return 0;
  if (!/"guild"\s*:\s*\{/.test(text) || !/"channel"\s*:\s*\{/.test(text)) return 0;
  if (/"messages"\s*:\s*\[/.test(text) || /"exportedAt"\s*:/.test(text)) return 0.95;
  return 0.5;
}

async function* parse(input: ParseInput): AsyncIterable<ParsedItem> {
  const fallbackName = basename(input.path).replace(/\.json$/i, '');
  const header: Header = {};
  let room: RoomRef | undefined;
  for await (const event of walkJson(input.open(), discordPlan)) {
    switch (event.kind) {
      case 'enter':
        break;
      case 'value': {
        const field = event.path[0];
        if (event.path.length === 1) {
          if ((field === 'guild' || field === 'channel') && isObject(event.value)) header[field] = event.value;
          room = undefined;
          break;
        }
        const reason = problem(event.value);
        if (reason !== undefined) {
          yield { type: 'reject', reject: { line: event.line, reason, raw: rawJson(event.value) } };
          break;
        }
        room ??= roomOf(header, fallbackName);
        yield toRecord(event.value as Json, room, event.line, event.offset);
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

export const discordFormat: SourceFormat = {
  name: 'discord-json',
  label: 'DiscordChatExporter export (JSON)',
  detect,
  parse,
};
