// Synthetic people and their accounts: one true identity each, seen through handle variants,
// nicknames and typos, with only deliberate decoys (common names, carrier-NAT IPv4) shared.
import type { Rng } from './rng.ts';
import { type Country, type Phone, PhoneBook, whatsappPhone, EMAIL_DOMAINS, natPool, ipv6, card, snowflake } from './ids.ts';
import { MALE_FIRST, FEMALE_FIRST, LAST_NAMES, HANDLE_ADJ, HANDLE_NOUN, PLACES, type Place } from './vocab.ts';

export type Platform = 'irc' | 'telegram' | 'discord' | 'whatsapp';
export const PLATFORMS: readonly Platform[] = ['irc', 'telegram', 'discord', 'whatsapp'];

export interface Account {
  platform: Platform;
  /** The name as written in the files: IRC nick, Discord username, Telegram/WhatsApp display name. */
  handle: string;
  id?: string;
  /** Discord server nickname. */
  nickname?: string;
  discriminator?: string;
}

export type IdType = 'email' | 'phone' | 'handle' | 'ip' | 'card' | 'wallet';

export interface Person {
  id: string;
  first: string;
  middle?: string;
  last: string;
  sex: 'M' | 'F';
  birth: { y: number; mo: number; d: number };
  country: Country;
  place: Place;
  street: string;
  postcode: string;
  handleParts: { a: string; b: string; n: string };
  phones: Phone[];
  emails: string[];
  ipv4: string;
  ipv6: string;
  cards: string[];
  guid: string;
  cases: string[];
  accounts: Partial<Record<Platform, Account>>;
  records: string[];
  /** Identifiers actually written somewhere, keyed by type:value, in first-use order. */
  used: Map<string, { type: IdType; value: string }>;
}

export function useId(p: Person, type: IdType, value: string): void {
  const k = `${type}:${value}`;
  if (!p.used.has(k)) p.used.set(k, { type, value });
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export class PeopleFactory {
  private phones: PhoneBook;
  private emails = new Set<string>();
  private v6 = new Set<string>();
  private cards = new Set<string>();
  private handles = new Map<Platform, Set<string>>();
  private tgIds = new Set<string>();
  readonly all: Person[] = [];

  constructor(private rng: Rng) {
    this.phones = new PhoneBook(rng);
    for (const p of PLATFORMS) this.handles.set(p, new Set());
  }

  create(country: Country, decoyOf?: Person): Person {
    const rng = this.rng;
    const sex: 'M' | 'F' = decoyOf?.sex ?? (rng.chance(0.5) ? 'M' : 'F');
    const first = decoyOf?.first ?? rng.pick(sex === 'M' ? MALE_FIRST : FEMALE_FIRST);
    const last = decoyOf?.last ?? rng.pick(LAST_NAMES);
    const middle = rng.chance(0.45) ? rng.pick(sex === 'M' ? MALE_FIRST : FEMALE_FIRST) : undefined;
    const mo = rng.int(1, 12);
    const birth = { y: rng.int(1962, 2004), mo, d: rng.int(1, DAYS_IN_MONTH[mo - 1] ?? 28) };
    const place = rng.pick(PLACES[country] ?? []);
    const nameBased = rng.chance(0.4);
    const handleParts = nameBased
      ? { a: first.toLowerCase(), b: last.toLowerCase().replace(/[^a-z]/g, ''), n: rng.chance(0.5) ? String(birth.y % 100).padStart(2, '0') : '' }
      : { a: rng.pick(HANDLE_ADJ), b: rng.pick(HANDLE_NOUN), n: rng.chance(0.7) ? String(rng.int(1, 99)) : '' };
    const p: Person = {
      id: `P${String(this.all.length + 1).padStart(5, '0')}`,
      first, last, sex, birth, country, place,
      ...(middle ? { middle } : {}),
      street: `${rng.int(1, 250)} ${rng.pick(place.streets)}`,
      postcode: rng.pick(place.postcodes),
      handleParts,
      phones: [], emails: [], cards: [],
      ipv4: rng.pick(natPool(country)),
      ipv6: ipv6(rng, this.v6),
      guid: rng.hex(32).toUpperCase(),
      cases: [], accounts: {}, records: [], used: new Map(),
    };
    const nPhones = rng.chance(0.15) ? 2 : rng.chance(0.9) ? 1 : 0;
    for (let i = 0; i < nPhones; i++) {
      const ph = this.phones.take(i === 0 ? country : rng.pick(['CA', 'US', 'GB'] as const));
      if (ph) p.phones.push(ph);
    }
    const nEmails = rng.chance(0.3) ? 2 : 1;
    for (let i = 0; i < nEmails; i++) p.emails.push(this.email(p));
    if (rng.chance(0.45)) {
      const nCards = rng.chance(0.3) ? 2 : 1;
      for (let i = 0; i < nCards; i++) p.cards.push(card(rng, this.cards));
    }
    this.all.push(p);
    return p;
  }

  private email(p: Person): string {
    const rng = this.rng;
    for (let attempt = 0; ; attempt++) {
      const local = rng.pick([
        `${p.first}.${p.last}`.toLowerCase(),
        `${p.first.charAt(0)}${p.last}`.toLowerCase(),
        this.handleVariant(p, 0),
        `${p.handleParts.a}${p.handleParts.b}`,
      ]).replace(/[^a-z0-9._]/g, '') + (attempt > 0 || rng.chance(0.3) ? String(rng.int(1, 999)) : '');
      const e = `${local}@${rng.pick(EMAIL_DOMAINS)}`;
      if (!this.emails.has(e)) {
        this.emails.add(e);
        return e;
      }
    }
  }

  /** Handle variants: dark_falcon77 / darkfalcon77 / dark.falc0n / DarkFalcon77 ... */
  handleVariant(p: Person, which: number): string {
    const { a, b, n } = p.handleParts;
    const leet = (s: string): string => {
      const i = s.search(/[oaei]/);
      if (i < 0) return s;
      const map: Record<string, string> = { o: '0', a: '4', e: '3', i: '1' };
      return s.slice(0, i) + (map[s.charAt(i)] ?? '') + s.slice(i + 1);
    };
    switch (which % 7) {
      case 0: return `${a}_${b}${n}`;
      case 1: return `${a}${b}${n}`;
      case 2: return `${a}.${leet(b)}`;
      case 3: return `${a.charAt(0).toUpperCase()}${a.slice(1)}${b.charAt(0).toUpperCase()}${b.slice(1)}${n}`;
      case 4: return `${a}_${b}_${n || 'x'}`;
      case 5: return `${a}${b}${n ? n.charAt(0) : '1'}`;
      default: return `${b}_${a}${n}`;
    }
  }

  /** Adds an account on the platform, with a name unique on that platform where the platform enforces it. */
  addAccount(p: Person, platform: Platform): Account {
    const existing = p.accounts[platform];
    if (existing) return existing;
    const rng = this.rng;
    const taken = this.handles.get(platform) ?? new Set<string>();
    const variant = Object.keys(p.accounts).length === 0 ? 0 : rng.int(0, 6);
    let acct: Account;
    if (platform === 'irc' || platform === 'discord') {
      let h = this.handleVariant(p, variant);
      h = platform === 'irc' ? h.replace(/\./g, '_').slice(0, 16) : h.toLowerCase().slice(0, 32);
      // IRC caps nicks at 16 characters, so a clash replaces the tail rather than growing it.
      while (taken.has(h.toLowerCase())) h = platform === 'irc' ? `${h.slice(0, 13)}${rng.int(0, 99)}_` : `${h}${rng.int(0, 9)}`;
      taken.add(h.toLowerCase());
      acct = platform === 'irc'
        ? { platform, handle: h }
        : {
            platform, handle: h,
            id: snowflake(Date.UTC(2017 + rng.int(0, 7), rng.int(0, 11), rng.int(1, 28)), rng),
            nickname: rng.pick([p.first, `${p.first} ${p.last.charAt(0)}.`, this.handleVariant(p, 3)]),
            discriminator: rng.chance(0.8) ? '0000' : String(rng.int(1, 9999)).padStart(4, '0'),
          };
    } else if (platform === 'telegram') {
      let id: string;
      do id = `user${rng.int(1, 7)}${rng.digits(rng.int(8, 9))}`; while (this.tgIds.has(id));
      this.tgIds.add(id);
      const handle = rng.pick([`${p.first} ${p.last}`, `${p.first} ${p.last.charAt(0)}.`, this.handleVariant(p, 3), p.first]);
      acct = { platform, handle, id };
    } else {
      const phone = p.phones[0];
      // An unsaved contact shows as a number; a saved one as whatever the exporter typed.
      const handle = phone && rng.chance(0.3)
        ? whatsappPhone(phone)
        : rng.pick([`${p.first} ${p.last}`, p.first, `${p.first} ${p.last.charAt(0)}`, `${p.first} (${p.place.city})`]);
      acct = { platform, handle, ...(phone ? { id: phone.e164 } : {}) };
      if (phone && handle.startsWith('+')) useId(p, 'phone', phone.e164);
    }
    p.accounts[platform] = acct;
    return acct;
  }
}

export function fullName(p: Person): string {
  return p.middle ? `${p.first} ${p.middle} ${p.last}` : `${p.first} ${p.last}`;
}

export function birthIso(p: Person): string {
  const { y, mo, d } = p.birth;
  return `${y}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}
