// Identifiers from reserved or fictional ranges only (555-01XX, Ofcom drama, ACMA fictional,
// RFC 5737/3849 addresses, example.* domains, test card BINs), allocated uniquely per person
// so the only shared identifiers are the deliberate carrier-NAT decoys.
import type { Rng } from './rng.ts';

export type Country = 'CA' | 'US' | 'GB' | 'AU';

export interface Phone { e164: string; country: Country }

const NANP_AREAS: Readonly<Record<'CA' | 'US', readonly string[]>> = {
  CA: ['416', '647', '604', '514', '613', '778', '905', '403'],
  US: ['212', '312', '415', '202', '617', '305', '773', '646', '206', '512'],
};

const AU_FICTIONAL = [
  '570006', '570156', '570157', '570158', '570159', '570110', '570313', '570737', '571266', '571491',
  '571804', '572549', '572665', '572983', '573770', '573087', '574118', '574632', '575254', '575789',
  '576398', '576801', '577426', '577644', '578957', '578148', '578888', '579212', '579760', '579455',
];

/** Hands out each fictional number at most once; a person simply has no phone when a pool runs dry. */
export class PhoneBook {
  private pools = new Map<Country, string[]>();

  constructor(rng: Rng) {
    for (const c of ['CA', 'US'] as const) {
      const all: string[] = [];
      for (const area of NANP_AREAS[c]) for (let n = 100; n <= 199; n++) all.push(`+1${area}5550${n}`);
      this.pools.set(c, rng.shuffle(all));
    }
    const uk: string[] = [];
    for (let n = 0; n <= 999; n++) uk.push(`+447700900${String(n).padStart(3, '0')}`);
    this.pools.set('GB', rng.shuffle(uk));
    this.pools.set('AU', rng.shuffle(AU_FICTIONAL.map((d) => `+61491${d}`)));
  }

  take(country: Country): Phone | undefined {
    const e164 = this.pools.get(country)?.pop();
    return e164 ? { e164, country } : undefined;
  }
}

/** How a person would type their own number in a chat message. */
export function localPhone(p: Phone, rng: Rng): string {
  const d = p.e164;
  if (p.country === 'CA' || p.country === 'US') {
    const a = d.slice(2, 5), b = d.slice(5, 8), c = d.slice(8);
    return rng.pick([`(${a}) ${b}-${c}`, `${a}-${b}-${c}`, `${a}.${b}.${c}`, `+1 ${a} ${b} ${c}`]);
  }
  if (p.country === 'GB') return rng.pick([`0${d.slice(3, 7)} ${d.slice(7)}`, `+44 ${d.slice(3, 7)} ${d.slice(7)}`]);
  return rng.pick([`0${d.slice(3, 6)} ${d.slice(6, 9)} ${d.slice(9)}`, `+61 ${d.slice(3, 6)} ${d.slice(6, 9)} ${d.slice(9)}`]);
}

/** The international display WhatsApp uses for an unsaved contact. */
export function whatsappPhone(p: Phone): string {
  const d = p.e164;
  if (p.country === 'CA' || p.country === 'US') return `+1 (${d.slice(2, 5)}) ${d.slice(5, 8)}-${d.slice(8)}`;
  if (p.country === 'GB') return `+44 ${d.slice(3, 7)} ${d.slice(7)}`;
  return `+61 ${d.slice(3, 6)} ${d.slice(6, 9)} ${d.slice(9)}`;
}

export const EMAIL_DOMAINS = ['example.com', 'example.org', 'example.net', 'mail.example.com', 'post.example.net', 'inbox.example.org'];

/** Carrier-NAT style IPv4: a handful of addresses per country, shared by many unrelated people. */
export function natPool(country: Country): string[] {
  const base = { CA: '192.0.2.', US: '198.51.100.', GB: '203.0.113.', AU: '192.0.2.' }[country];
  const start = { CA: 10, US: 20, GB: 30, AU: 120 }[country];
  const out: string[] = [];
  for (let i = 0; i < 12; i++) out.push(`${base}${start + i * 7}`);
  return out;
}

export function ipv6(rng: Rng, used: Set<string>): string {
  for (;;) {
    const v = `2001:db8:${rng.int(1, 0xffff).toString(16)}:${rng.int(0, 0xffff).toString(16)}::${rng.int(1, 0xfff).toString(16)}`;
    if (!used.has(v)) {
      used.add(v);
      return v;
    }
  }
}

export const TEST_BINS = ['411111', '400000', '555555', '510510', '222300', '378282', '601111'];

export function luhnValid(pan: string): boolean {
  let sum = 0;
  for (let i = 0; i < pan.length; i++) {
    let d = pan.charCodeAt(pan.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

export function card(rng: Rng, used: Set<string>): string {
  for (;;) {
    const bin = rng.pick(TEST_BINS);
    const len = bin === '378282' ? 15 : 16;
    const body = bin + rng.digits(len - bin.length - 1);
    for (let check = 0; check <= 9; check++) {
      const pan = body + String(check);
      if (luhnValid(pan) && !used.has(pan)) {
        used.add(pan);
        return pan;
      }
    }
  }
}

const DISCORD_EPOCH = 1420070400000n;

/** Discord snowflake for a given time, so ids sort like the real ones. */
export function snowflake(ms: number, rng: Rng): string {
  return (((BigInt(Math.floor(ms)) - DISCORD_EPOCH) << 22n) | BigInt(rng.next() & 0x3fffff)).toString();
}
