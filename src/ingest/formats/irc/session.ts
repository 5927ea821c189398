/**
 * State of one IRC log being read (date, room, network) and the builders that turn a parsed
 * line into a canonical record, so each client's grammar only says what a line means.
 */
import type { Line } from '../../lines.ts';
import type { AccountRef, CanonicalRecord, ParseOptions, RoomRef } from '../../types.ts';
import { DayClock } from './clock.ts';
import { isChannelName, stripModePrefix } from './grammar.ts';
import { pathFacts, type IrcLayout } from './location.ts';

export type RoomEvent = 'join' | 'part' | 'quit' | 'kick' | 'nick' | 'topic' | 'mode' | 'notice' | 'system';

export interface EventFields {
  /** Who did it (nick as shown; the mode prefix is removed). */
  readonly actor?: string;
  readonly actorUserHost?: string;
  /** Whom it was done to: the new nick of a nick change, the kicked nick. */
  readonly target?: string;
  readonly reason?: string;
  /** Topic text, notice text, mode change, or the whole line of a system event. */
  readonly text?: string;
}

/** What a client's grammar makes of a line: a record, nothing (header, day change, client chatter), or a reject reason. */
export type LineResult = CanonicalRecord | string | null;

/** Distinct nicks kept as shared AccountRef objects; cleared past this so a hostile file cannot grow memory. */
const ACCOUNT_CACHE_LIMIT = 10_000;

export class IrcSession {
  readonly clock: DayClock;
  readonly network: string | undefined;
  private room: RoomRef;
  /** True while the room name came from a file name without a channel sigil (may be a channel or a query). */
  private roomGuessed: boolean;
  private readonly accounts = new Map<string, AccountRef>();
  private readonly fileStem: string;

  constructor(path: string, layout: IrcLayout, options: ParseOptions) {
    this.clock = DayClock.forZone(options.timezone, path);
    const facts = pathFacts(path, layout);
    this.network = facts.network ?? options.network;
    const stem = facts.room ?? (path.split(/[\\/]/).pop() ?? path).replace(/\.[^.]*$/, '');
    this.fileStem = stem;
    this.roomGuessed = !isChannelName(stem);
    this.room = this.makeRoom(stem, isChannelName(stem) ? 'channel' : 'direct');
    if (facts.date) this.clock.setDate(facts.date.year, facts.date.month, facts.date.day);
  }

  private makeRoom(name: string, type: 'channel' | 'direct'): RoomRef {
    return this.network === undefined ? { platform: 'irc', name, type } : { platform: 'irc', name, network: this.network, type };
  }

  /**
   * A line names a channel. When the file name carried none (`gardening.log`), the log's
   * own channel is the better room name; a query log named after a nick never names one
   * that matches it, so it stays direct.
   */
  learnChannel(channel: string, authoritative = false): void {
    if (!this.roomGuessed || !isChannelName(channel)) return;
    const bare = channel.slice(1).toLowerCase();
    if (authoritative || bare === this.fileStem.toLowerCase()) {
      this.room = this.makeRoom(channel, 'channel');
      this.roomGuessed = false;
    }
  }

  /** The account for a nick as shown (mode prefix removed), shared between records. */
  account(shown: string): AccountRef {
    const handle = stripModePrefix(shown);
    let found = this.accounts.get(handle);
    if (!found) {
      if (this.accounts.size >= ACCOUNT_CACHE_LIMIT) this.accounts.clear();
      found = this.network === undefined ? { platform: 'irc', handle } : { platform: 'irc', handle, network: this.network };
      this.accounts.set(handle, found);
    }
    return found;
  }

  private accountWithHost(shown: string, userHost: string | undefined): AccountRef {
    const base = this.account(shown);
    return userHost ? { ...base, userHost } : base;
  }

  message(line: Line, nick: string, text: string, occurredAt: Date | null, action = false): CanonicalRecord {
    const props = action ? { platform: 'irc', room: this.room.name, action: true } : { platform: 'irc', room: this.room.name };
    return {
      kind: 'message',
      key: `line:${line.number}`,
      line: line.number,
      byteOffset: line.offset,
      occurredAt,
      text,
      props,
      sender: this.account(nick),
      room: this.room,
    };
  }

  event(line: Line, event: RoomEvent, occurredAt: Date | null, fields: EventFields): CanonicalRecord {
    const actor = fields.actor === undefined ? undefined : stripModePrefix(fields.actor);
    const target = fields.target === undefined ? undefined : stripModePrefix(fields.target);
    const props: Record<string, unknown> = { platform: 'irc', room: this.room.name, event };
    if (actor !== undefined) props.actor = actor;
    if (target !== undefined) props.target = target;
    if (fields.reason !== undefined) props.reason = fields.reason;
    const record: { -readonly [K in keyof CanonicalRecord]: CanonicalRecord[K] } = {
      kind: 'room_event',
      key: `line:${line.number}`,
      line: line.number,
      byteOffset: line.offset,
      occurredAt,
      text: fields.text ?? null,
      props,
      room: this.room,
    };
    if (actor !== undefined) record.sender = this.accountWithHost(actor, fields.actorUserHost);
    if (target !== undefined) record.target = this.account(target);
    return record;
  }
}
