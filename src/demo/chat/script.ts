// One room's conversation as a lazy stream of events, shared by all chat formats so each
// writer only decides layout; nothing is buffered, which keeps medium/large worlds in constant memory.
import type { Rng } from '../rng.ts';
import { fork } from '../rng.ts';
import { type Person, useId } from '../people.ts';
import { localPhone } from '../ids.ts';
import { chatLine, actionLine, continuation } from '../text.ts';
import type { MediaItem, Room } from '../world.ts';

export interface Segment { type: 'plain' | 'email' | 'phone' | 'link' | 'bold'; text: string }

export type ChatEvent =
  | { kind: 'msg'; t: number; who: Person; text: string; segments?: Segment[]; to?: Person; replyBack?: number; media?: MediaItem }
  | { kind: 'action'; t: number; who: Person; text: string }
  | { kind: 'join' | 'part' | 'quit'; t: number; who: Person; reason: string }
  | { kind: 'nick'; t: number; who: Person; away: boolean };

const QUIT_REASONS = ['Quit: lunch', 'Ping timeout: 240 seconds', 'Quit: bbl', 'Remote host closed the connection', 'Quit: Leaving'];
const DAY = 86_400_000;

export class RoomScript {
  readonly rng: Rng;
  private cum: number[] = [];
  private total = 0;
  private t: number;
  private gap: number;
  private emitted = 0;
  private queue: ChatEvent[] = [];
  private away = new Set<Person>();
  private offline = new Set<Person>();

  constructor(seed: number, readonly room: Room, private media: readonly MediaItem[], private withMedia: boolean) {
    this.rng = fork(seed, room.label);
    for (const m of room.members) {
      this.total += m === room.host ? 3 : 0.5 + this.rng.float() * 1.5;
      this.cum.push(this.total);
    }
    this.t = room.start;
    this.gap = room.span / Math.max(1, room.messages);
  }

  private speaker(): Person {
    const r = this.rng.float() * this.total;
    for (let i = 0; i < this.cum.length; i++) if (r < (this.cum[i] ?? 0)) return this.room.members[i] as Person;
    return this.room.members[this.room.members.length - 1] as Person;
  }

  /** Next event, or undefined once the room's message quota is written. */
  next(): ChatEvent | undefined {
    const queued = this.queue.shift();
    if (queued) return queued;
    if (this.emitted >= this.room.messages) return undefined;
    const rng = this.rng;
    this.t += Math.max(1000, Math.round(rng.exp(this.gap)));
    if (rng.chance(0.002)) this.t += rng.int(1, 3) * DAY;
    const who = this.speaker();
    // Someone who dropped off comes back before speaking.
    if (this.offline.has(who)) {
      this.offline.delete(who);
      this.queue.push(this.makeMsg(who));
      return { kind: 'join', t: this.t - 1000, who, reason: '' };
    }
    const r = rng.float();
    if (r < 0.004 && this.room.members.length > 2 && who !== this.room.host) {
      this.offline.add(who);
      return { kind: rng.chance(0.7) ? 'quit' : 'part', t: this.t, who, reason: rng.pick(QUIT_REASONS) };
    }
    if (r < 0.005) {
      const away = !this.away.has(who);
      if (away) this.away.add(who);
      else this.away.delete(who);
      return { kind: 'nick', t: this.t, who, away };
    }
    if (r < 0.03) {
      this.emitted++;
      return { kind: 'action', t: this.t, who, text: actionLine(rng) };
    }
    return this.makeMsg(who);
  }

  private makeMsg(who: Person): ChatEvent {
    const rng = this.rng;
    this.emitted++;
    const t = this.t;
    const r = rng.float();
    if (r < 0.004) return this.identifierMsg(who, t);
    if (this.withMedia && this.media.length > 0 && r < 0.015) {
      return { kind: 'msg', t, who, text: rng.pick(['', 'look at this', 'from the weekend', 'ha']), media: rng.pick(this.media) };
    }
    let text = chatLine(rng);
    if (rng.chance(0.03)) text += `\n${continuation(rng)}`;
    const to = rng.chance(0.05) ? this.room.members[rng.int(0, this.room.members.length - 1)] : undefined;
    const msg: ChatEvent = { kind: 'msg', t, who, text, ...(to && to !== who ? { to } : {}) };
    if (rng.chance(0.05)) msg.replyBack = rng.int(1, 5);
    if (rng.chance(0.01)) msg.segments = [{ type: 'bold', text: text.split(' ')[0] ?? text }, { type: 'plain', text: text.slice((text.split(' ')[0] ?? '').length) }];
    return msg;
  }

  /** A speaker shares one of their own identifiers; it goes into the ground truth. */
  private identifierMsg(who: Person, t: number): ChatEvent {
    const rng = this.rng;
    const phone = who.phones.length > 0 ? rng.pick(who.phones) : undefined;
    const kind = rng.float();
    if (kind < 0.4 && phone) {
      const local = localPhone(phone, rng);
      useId(who, 'phone', phone.e164);
      const lead = rng.pick(['text me on ', 'my number is ', 'call me at ', 'new number: ']);
      return { kind: 'msg', t, who, text: `${lead}${local}`, segments: [{ type: 'plain', text: lead }, { type: 'phone', text: local }] };
    }
    if (kind < 0.8) {
      const email = rng.pick(who.emails);
      useId(who, 'email', email);
      const lead = rng.pick(['drop me a line at ', 'email me: ', 'send the photos to ', 'my email is ']);
      return { kind: 'msg', t, who, text: `${lead}${email}`, segments: [{ type: 'plain', text: lead }, { type: 'email', text: email }] };
    }
    const url = `https://example.com/${who.handleParts.a}${who.handleParts.b}/${rng.pick(['recipes', 'garden', 'album', 'setlist'])}`;
    const lead = rng.pick(['pics are up at ', 'my blog: ', 'see ']);
    return { kind: 'msg', t, who, text: `${lead}${url}`, segments: [{ type: 'plain', text: lead }, { type: 'link', text: url }] };
  }
}
