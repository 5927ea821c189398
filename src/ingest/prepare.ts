/**
 * Turns parsed records into store batches: the entities each record names (accounts, rooms,
 * people, merchants, devices, media), the identifiers found in its fields and text with their
 * provenance, and card numbers replaced by their safe rendering before anything is stored.
 */
import { findIdentifiers, normaliseIdentifier, type ExtractContext, type NormalisedIdentifier } from '../extract/index.ts';
import type { Properties } from '../model/index.ts';
import { entityRef, type BatchEntity, type BatchMention, type BatchRecord, type EntityRef, type IngestBatch } from '../store/index.ts';
import type { AccountRef, CanonicalRecord, PersonFields, Reject, RoomRef } from './types.ts';

/** What a media entity keeps of its file's record: size, type, perceptual hash and camera facts. */
const MEDIA_ENTITY_PROPS = ['file_name', 'bytes', 'mime_type', 'md5', 'sha1', 'sha256', 'width', 'height', 'pdq', 'pdq_quality', 'camera_make', 'camera_model', 'camera_serial', 'lens', 'captured_at', 'software', 'gps_latitude', 'gps_longitude'] as const;

export interface PrepareContext {
  /** Default phone region of the source. */
  region?: string;
  /** Key for card tokens. */
  secret: Buffer;
}

/** Per-type counts of identifiers found, for the ingest report. */
export type IdentifierCounts = Record<string, number>;

const lower = (value: string) => value.trim().toLowerCase();

/** NUL cannot be stored (the store replaces it in text); keys and identifier values are cleaned here, before refs are made from them. */
function clean(text: string): string {
  return text.includes('\u0000') ? text.replaceAll('\u0000', '\uFFFD') : text;
}


function accountEntity(account: AccountRef): BatchEntity {
  const scope = account.network ? lower(account.network) : '';
  const id = account.id ? `id:${account.id}` : lower(account.handle);
  const props: Properties = { platform: lower(account.platform), handle: account.handle };
  if (account.id) props['platform_id'] = account.id;
  if (account.displayName && account.displayName !== account.handle) props['display_name'] = account.displayName;
  if (account.network) props['network'] = account.network;
  return { kind: 'account', key: `${lower(account.platform)}:${scope}:${id}`, label: account.displayName ?? account.handle, props };
}

function roomEntity(room: RoomRef): BatchEntity {
  const scope = room.network ? lower(room.network) : '';
  const id = room.id ? `id:${room.id}` : lower(room.name);
  const props: Properties = { platform: lower(room.platform), name: room.name };
  if (room.network) props['network'] = room.network;
  if (room.type) props['type'] = room.type;
  return { kind: 'chat_room', key: `${lower(room.platform)}:${scope}:${id}`, label: room.name, props };
}

function personName(person: PersonFields): string | undefined {
  if (person.full_name) return person.full_name;
  const parts = [person.first_name, person.middle_name, person.last_name].filter((part): part is string => !!part && part.trim() !== '');
  return parts.length > 0 ? parts.join(' ') : undefined;
}

function personProps(person: PersonFields): Properties {
  const props: Properties = {};
  for (const [name, value] of Object.entries(person)) {
    if (name === 'key' || value === undefined || value === '') continue;
    props[name] = Array.isArray(value) ? [...(value as string[])] : value;
  }
  const full = personName(person);
  if (full) props['full_name'] = full;
  return props;
}

/** `last|first|yyyy-mm-dd`, lower-case without accents: the name+birth-date selector. */
function nameDob(person: PersonFields): string | undefined {
  if (!person.birth_date) return undefined;
  let first = person.first_name;
  let last = person.last_name;
  if ((!first || !last) && person.full_name) {
    const parts = person.full_name.trim().split(/\s+/);
    if (parts.length >= 2) {
      first ??= parts[0];
      last ??= parts[parts.length - 1];
    }
  }
  if (!first || !last) return undefined;
  const fold = (text: string) => text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
  return `${fold(last)}|${fold(first)}|${person.birth_date}`;
}

/** Replaces every card number in `text` with its BIN…last4 rendering. */
function maskCards(text: string, found: readonly { type: string; start: number; end: number; display?: string }[]): string {
  const cards = found.filter((item) => item.type === 'card');
  if (cards.length === 0) return text;
  let masked = '';
  let at = 0;
  for (const card of cards) {
    masked += text.slice(at, card.start) + (card.display ?? '[card]');
    at = card.end;
  }
  return masked + text.slice(at);
}

/**
 * Accumulates parsed items into batches. `add` returns a batch when one is full; `drain` returns
 * the rest. Entities are declared once per batch; the store resolves them to ids.
 */
export class BatchBuilder {
  private batch: IngestBatch = BatchBuilder.empty(0);
  /** Index of the next parser item this builder will see. */
  private nextItem = 0;
  private declared = new Set<EntityRef>();
  /** Accounts whose handle (and host) this source has already recorded: once per source is provenance enough. */
  private readonly accountsSeen = new Set<string>();
  private textBytes = 0;
  readonly identifierCounts: IdentifierCounts = {};

  constructor(
    private readonly context: PrepareContext,
    private readonly limits = { items: 2000, mentions: 20_000, textBytes: 8 << 20 },
  ) {}

  private static empty(firstItem: number): IngestBatch {
    return { entities: [], records: [], mentions: [], rejects: [], firstItem, items: 0 };
  }

  private declare(entity: BatchEntity): EntityRef {
    const ref = entityRef(entity.kind, clean(entity.key));
    if (!this.declared.has(ref)) {
      this.declared.add(ref);
      // Props are made NUL-safe when the store serialises them.
      this.batch.entities.push({ ...entity, key: clean(entity.key) });
    }
    return ref;
  }

  private mention(identifier: NormalisedIdentifier, where: Omit<BatchMention, 'type' | 'value' | 'display'>): void {
    this.batch.mentions.push({ type: identifier.type, value: clean(identifier.value), display: identifier.display && clean(identifier.display), ...where });
    this.identifierCounts[identifier.type] = (this.identifierCounts[identifier.type] ?? 0) + 1;
    if (identifier.canonical && identifier.canonical !== identifier.value) {
      this.batch.mentions.push({ type: identifier.type, value: clean(identifier.canonical), ...where, role: `${where.role}:canonical` });
    }
  }

  private extractContext(platform?: string): ExtractContext {
    return { region: this.context.region, platform, secret: this.context.secret };
  }

  private account(account: AccountRef, recordIndex: number | undefined, where: { line: number | null; byteOffset: number | null }, role: string): EntityRef {
    const ref = this.declare(accountEntity(account));
    const seenKey = `${ref}\u0000${account.userHost ?? ''}`;
    if (this.accountsSeen.has(seenKey)) return ref;
    this.accountsSeen.add(seenKey);
    const handle = normaliseIdentifier('handle', account.handle, this.extractContext(lower(account.platform)));
    if (handle) this.mention(handle, { entity: ref, record: recordIndex, ...where, role });
    if (account.userHost) {
      const host = account.userHost.slice(account.userHost.lastIndexOf('@') + 1);
      const ip = normaliseIdentifier('ip', host, this.extractContext());
      if (ip) this.mention(ip, { entity: ref, record: recordIndex, ...where, role: 'irc-host' });
    }
    return ref;
  }

  /**
   * Takes in an item that an interrupted run already committed, without emitting anything, so
   * the resumed run writes exactly what a clean run would have (once-per-source mentions).
   */
  replay(item: { type: 'record'; record: CanonicalRecord } | { type: 'reject'; reject: Reject }): void {
    this.nextItem++;
    if (this.batch.items === 0) this.batch.firstItem = this.nextItem;
    if (item.type !== 'record') return;
    const { record } = item;
    for (const account of [record.sender, record.target, ...(record.mentions ?? [])]) {
      if (account) this.accountsSeen.add(`${entityRef('account', accountEntity(account).key)}\u0000${account.userHost ?? ''}`);
    }
  }

  add(item: { type: 'record'; record: CanonicalRecord } | { type: 'reject'; reject: Reject }): IngestBatch | undefined {
    if (item.type === 'reject') {
      const { reject } = item;
      const found = findIdentifiers(reject.raw, this.extractContext());
      this.batch.rejects.push({ line: reject.line, reason: reject.reason, raw: maskCards(reject.raw, found) });
    } else {
      this.addRecord(item.record);
    }
    this.batch.items++;
    this.nextItem++;
    return this.full() ? this.take() : undefined;
  }

  private addRecord(record: CanonicalRecord): void {
    const index = this.batch.records.length;
    const where = { line: record.line ?? null, byteOffset: record.byteOffset ?? null };
    const platform = record.sender?.platform ?? record.room?.platform;
    const context = this.extractContext(platform ? lower(platform) : undefined);
    let actor: EntityRef | undefined;
    let room: EntityRef | undefined;
    let target: EntityRef | undefined;

    if (record.sender) actor = this.account(record.sender, index, where, 'sender');
    if (record.room) room = this.declare(roomEntity(record.room));
    if (record.target) target = this.account(record.target, index, where, 'target');
    for (const mentioned of record.mentions ?? []) {
      const ref = this.account(mentioned, index, where, 'mentioned');
      target ??= ref;
    }

    // A row's own country says more about its phone numbers than the source's default region
    // (a Canadian arrested by an Australian unit writes "(416) 555-0167").
    const country = record.person?.country?.trim().toUpperCase();
    const fieldContext = country && /^[A-Z]{2}$/.test(country) ? { ...context, region: country } : context;
    const fieldIdentifiers: NormalisedIdentifier[] = [];
    for (const field of record.identifiers ?? []) {
      const normalised = normaliseIdentifier(field.type, field.raw, fieldContext);
      if (normalised) fieldIdentifiers.push({ ...normalised, flags: [field.role] });
    }
    const card = fieldIdentifiers.find((identifier) => identifier.type === 'card');

    if (record.person) {
      const name = personName(record.person);
      const person = this.declare({ kind: 'person', key: `record:${record.key}`, label: name ?? `Person on line ${record.line ?? '?'}`, props: personProps(record.person) });
      actor ??= person;
      const selector = nameDob(record.person);
      if (selector) this.mention({ type: 'name_dob', value: selector }, { entity: person, record: index, ...where, role: 'person' });
    } else if (record.kind === 'transaction' && card) {
      // Without a name, the card holder is known only by the card: one person per card token in the case.
      actor ??= this.declare({ kind: 'person', key: `card:${card.value}`, label: `Card holder ${card.display ?? ''}`.trim(), props: {} });
    }
    if (record.kind === 'transaction' && typeof record.props['merchant'] === 'string' && record.props['merchant'].trim() !== '') {
      const name = record.props['merchant'].trim();
      const props: Properties = { name };
      if (typeof record.props['mcc'] === 'string') props['mcc'] = record.props['mcc'];
      if (typeof record.props['merchant_country'] === 'string') props['country'] = record.props['merchant_country'];
      target ??= this.declare({ kind: 'merchant', key: lower(name), label: name, props });
    }
    if (record.kind === 'sighting') {
      const guid = fieldIdentifiers.find((identifier) => identifier.type === 'client_guid');
      if (guid) actor ??= this.declare({ kind: 'device', key: `p2p:${guid.value}`, label: `P2P client ${guid.value.slice(0, 8)}`, props: { client_guid: guid.value } });
    }
    if (record.kind === 'media') {
      const sha256 = fieldIdentifiers.find((identifier) => identifier.type === 'sha256');
      if (sha256) {
        const props: Properties = {};
        for (const name of MEDIA_ENTITY_PROPS) if (record.props[name] !== undefined) props[name] = record.props[name];
        actor ??= this.declare({ kind: 'media', key: `sha256:${sha256.value}`, label: String(record.props['file_name'] ?? sha256.value.slice(0, 12)), props });
      }
      // A photo's GPS position is a place: photos taken at the same spot share one location entity.
      const latitude = record.props['gps_latitude'];
      const longitude = record.props['gps_longitude'];
      if (typeof latitude === 'number' && typeof longitude === 'number') {
        const key = `gps:${latitude.toFixed(4)},${longitude.toFixed(4)}`;
        target ??= this.declare({ kind: 'location', key, label: `${latitude.toFixed(5)}, ${longitude.toFixed(5)}`, props: { latitude, longitude } });
      }
    }

    for (const identifier of fieldIdentifiers) {
      const role = identifier.flags?.[0] ?? 'field';
      this.mention({ ...identifier, flags: undefined }, { entity: actor, record: index, ...where, role });
    }

    let text = record.text ?? null;
    if (text) {
      const found = findIdentifiers(text, context);
      for (const identifier of found) this.mention(identifier, { entity: actor, record: index, ...where, role: 'in_text' });
      text = maskCards(text, found);
      this.textBytes += text.length;
    }

    const stored: BatchRecord = {
      kind: record.kind,
      key: record.key,
      line: record.line ?? null,
      byteOffset: record.byteOffset ?? null,
      occurredAt: record.occurredAt && !Number.isNaN(record.occurredAt.getTime()) ? record.occurredAt : null,
      text,
      // NUL in props is made safe when the store serialises them (one pass instead of a deep walk).
      props: record.props,
      actor,
      room,
      target,
    };
    this.batch.records.push(stored);
  }

  private full(): boolean {
    return this.batch.items >= this.limits.items || this.batch.mentions.length >= this.limits.mentions || this.textBytes >= this.limits.textBytes;
  }

  private take(): IngestBatch {
    const batch = this.batch;
    this.batch = BatchBuilder.empty(this.nextItem);
    this.declared = new Set();
    this.textBytes = 0;
    return batch;
  }

  /** The last, partly filled batch (or undefined when nothing is pending). */
  drain(): IngestBatch | undefined {
    return this.batch.items > 0 ? this.take() : undefined;
  }
}
