/**
 * The contract between source-format parsers and the rest of ingestion. A parser turns bytes
 * into canonical records (or rejects, with file:line and the raw text); it never touches the
 * store. Everything here is plain data, so parsing can run in a worker thread.
 */
import type { Readable } from 'node:stream';
import type { IdentifierType, Properties, RecordKind } from '../model/index.ts';

/** An account on a platform, as a record names it (sender, actor, mentioned user). */
export interface AccountRef {
  /** 'irc' | 'telegram' | 'discord' | 'whatsapp' | …; lower case. */
  readonly platform: string;
  /** The name shown in the source (IRC nick, Telegram display name, Discord user name, WhatsApp author). */
  readonly handle: string;
  /** A stable platform user id where the format has one (Telegram `user123`, Discord snowflake). */
  readonly id?: string;
  readonly displayName?: string;
  /** IRC network or Discord guild, where accounts are scoped to one. */
  readonly network?: string;
  /** `user@host` from IRC join lines, where given. */
  readonly userHost?: string;
}

/** A chat room, channel, group or one-to-one conversation. */
export interface RoomRef {
  readonly platform: string;
  readonly name: string;
  readonly id?: string;
  readonly network?: string;
  readonly type?: 'channel' | 'group' | 'direct';
}

/** An identifier taken from a structured field (a column, a JSON property), before normalisation. */
export interface FieldIdentifier {
  readonly type: IdentifierType;
  /** As written in the source. For cards: the PAN, which ingestion tokenises and never stores. */
  readonly raw: string;
  /** Where it came from, e.g. 'column:EMAIL' or 'sender'. */
  readonly role: string;
}

/** Person fields (arrest/booking rows, card holders), using the mapping's canonical names. */
export interface PersonFields {
  readonly key?: string;
  readonly first_name?: string;
  readonly middle_name?: string;
  readonly last_name?: string;
  readonly full_name?: string;
  readonly aliases?: readonly string[];
  /** ISO date, yyyy-mm-dd (parsed with the mapping's dateFormat). */
  readonly birth_date?: string;
  readonly sex?: string;
  readonly street?: string;
  readonly city?: string;
  readonly postcode?: string;
  readonly region?: string;
  readonly country?: string;
  readonly national_id?: string;
}

/** One canonical event from a source. */
export interface CanonicalRecord {
  readonly kind: RecordKind;
  /** Unique within the source and stable across re-runs (platform message id, CSV key column, or `line:N`). */
  readonly key: string;
  /** 1-based line where the record starts in the file (for JSON: the line of the object's opening brace). */
  readonly line?: number;
  /** Byte offset of the record's start in the file. */
  readonly byteOffset?: number;
  readonly occurredAt?: Date | null;
  /** Free text: searched, and scanned for identifiers by extract/. */
  readonly text?: string | null;
  /** Kind-specific properties (see RECORD_KINDS in src/model/records.ts) plus unmapped columns. */
  readonly props: Properties;
  /** Message author, event actor. */
  readonly sender?: AccountRef;
  readonly room?: RoomRef;
  /** The other side: the new account of a nick change, the recipient of a direct message. */
  readonly target?: AccountRef;
  /** Accounts mentioned by the record (Discord mentions, reply targets). */
  readonly mentions?: readonly AccountRef[];
  /** The person a row describes (arrests) or names (card holder). */
  readonly person?: PersonFields;
  /** Identifiers from structured fields. Identifiers inside `text` are found by extract/, not here. */
  readonly identifiers?: readonly FieldIdentifier[];
}

/** A line or element that could not be read: it goes to the rejects report, the rest still loads. */
export interface Reject {
  readonly line: number;
  readonly reason: string;
  /** The raw text (truncated to 2,000 characters). */
  readonly raw: string;
}

export type ParsedItem = { readonly type: 'record'; readonly record: CanonicalRecord } | { readonly type: 'reject'; readonly reject: Reject };

/** Column mapping for CSV and JSON Lines sources (see docs/formats.md). */
export interface Mapping {
  readonly kind: 'arrests' | 'transactions' | 'sightings' | 'chat';
  /** canonical field → column name in the file. */
  readonly fields: Readonly<Record<string, string>>;
  /** How dates are written, e.g. 'yyyyMMdd', 'dd/MM/yyyy', 'yyyy-MM-dd HH:mm:ss'; ISO 8601 when absent. */
  readonly dateFormat?: string;
  /** How date-times are written (booking, transaction, sighting times) when it differs from dateFormat, e.g. 'yyyyMMdd HH:mm'. */
  readonly timeFormat?: string;
  /** Chat sources: the platform the rows come from, when no column says. */
  readonly platform?: string;
}

export interface ParseOptions {
  /** IANA zone for local times without an offset (IRC, WhatsApp, Telegram `date`); default UTC. */
  readonly timezone?: string;
  /** Default region for phone numbers without a country code, e.g. 'CA'. */
  readonly region?: string;
  readonly mapping?: Mapping;
  /** IRC network when the path or header does not say. */
  readonly network?: string;
  /** WhatsApp locale hint ('en-US', 'en-GB', 'de-DE') when dates are ambiguous. */
  readonly locale?: string;
}

/** What a parser gets: the file, a way to read it from the start, and the options. */
export interface ParseInput {
  /** Absolute path (for folder formats: the folder). */
  readonly path: string;
  /** A fresh byte stream of the whole file (not used by folder formats). */
  open(): Readable;
  readonly options: ParseOptions;
}

/** The first bytes of a file (up to 64 KiB) and its name, for detection. */
export interface Sample {
  readonly path: string;
  readonly name: string;
  readonly isDirectory: boolean;
  readonly head: Buffer;
  /** `head` decoded as UTF-8 with any BOM removed. */
  readonly text: string;
}

/** A source-format plug-in: one file in src/ingest/formats/, one line in the registry. */
export interface SourceFormat {
  readonly name: string;
  readonly label: string;
  /** 0 = not this format; 1 = certainly this format. The registry picks the highest. */
  detect(sample: Sample): number;
  parse(input: ParseInput): AsyncIterable<ParsedItem>;
}
