// Arrest, card-transaction and P2P-sighting CSVs with per-agency columns and date formats, plus
// the mapping JSON beside each. Booking rows carry the name and birth-date noise real records have.
import type { Rng } from './rng.ts';
import { fork } from './rng.ts';
import type { CsvScheme } from './agencies.ts';
import { MERCHANTS, NICKNAMES } from './vocab.ts';
import { localPhone } from './ids.ts';
import { type Person, useId } from './people.ts';
import { Zone, formatDate, utcParts } from './time.ts';
import { BufWriter } from './writer.ts';
import type { CasePlan } from './world.ts';

export type CsvKind = 'arrests' | 'transactions' | 'sightings';

export interface CsvOut { kind: CsvKind; path: string; mapping: string; records: number; bytes: number }

const DAY = 86_400_000;

function cell(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

class CsvFile {
  private out: BufWriter;
  rows = 0;
  constructor(file: string, private scheme: CsvScheme, private eol: string) {
    this.out = new BufWriter(file);
    this.out.write(scheme.columns.map(([, col]) => cell(col)).join(',') + eol);
  }

  row(values: Readonly<Record<string, string>>): void {
    this.out.write(this.scheme.columns.map(([field]) => cell(values[field] ?? '')).join(',') + this.eol);
    this.rows++;
  }

  close(): number {
    return this.out.close();
  }
}

function mappingJson(kind: CsvKind, scheme: CsvScheme): string {
  const fields: Record<string, string> = {};
  for (const [field, col] of scheme.columns) fields[field] = col;
  return `${JSON.stringify({ kind, fields, dateFormat: scheme.dateFormat, timeFormat: scheme.timeFormat }, null, 2)}\n`;
}

function typo(rng: Rng, s: string): string {
  if (s.length < 4) return s;
  const i = rng.int(1, s.length - 2);
  switch (rng.int(0, 2)) {
    case 0: return s.slice(0, i) + (s[i + 1] ?? '') + (s[i] ?? '') + s.slice(i + 2);
    case 1: return s.slice(0, i) + s.slice(i + 1);
    default: return s.slice(0, i) + (s[i] ?? '') + s.slice(i);
  }
}

/** A birth date as a clerk might have typed it: mostly right, sometimes a swapped day/month or an off-by-one. */
function noisyBirth(rng: Rng, p: Person): { y: number; mo: number; d: number } {
  const b = { ...p.birth };
  const r = rng.float();
  if (r < 0.06 && b.d <= 12 && b.d !== b.mo) return { y: b.y, mo: b.d, d: b.mo };
  if (r < 0.1) return { ...b, d: b.d === 1 ? 2 : b.d - 1 };
  if (r < 0.12) return { ...b, y: b.y + (rng.chance(0.5) ? 1 : -1) };
  return b;
}

interface Ctx { c: CasePlan; rng: Rng; zone: Zone; dir: string }

function time(ctx: Ctx, pattern: string, offsetDays: number): string {
  const t = ctx.c.start + offsetDays * DAY + ctx.rng.int(0, DAY - 1);
  return formatDate(ctx.zone.local(t), pattern);
}

function writeArrests(ctx: Ctx, people: Person[], out: CsvOut[]): void {
  const { c, rng } = ctx;
  const scheme = c.agency.arrests;
  const path = `${c.dir}/arrests.csv`;
  const csv = new CsvFile(`${ctx.dir}/${path}`, scheme, c.agency.country === 'AU' || c.agency.country === 'GB' ? '\r\n' : '\n');
  for (const p of people) {
    const bookings = rng.chance(0.15) ? 2 : 1;
    for (let b = 0; b < bookings; b++) {
      const key = `AR-${c.ref}-${String(csv.rows + 1).padStart(5, '0')}`;
      p.records.push(key);
      let first = p.first;
      const nick = NICKNAMES[p.first];
      if (nick && rng.chance(0.25)) first = rng.pick(nick);
      else if (rng.chance(0.07)) first = typo(rng, first);
      let last = rng.chance(0.07) ? typo(rng, p.last) : p.last;
      if (rng.chance(0.05)) [first, last] = [last, first];
      const middle = p.middle && rng.chance(0.7) ? (rng.chance(0.3) ? p.middle.charAt(0) : p.middle) : '';
      const birth = noisyBirth(rng, p);
      const phone = p.phones[0] && rng.chance(0.6) ? p.phones[0] : undefined;
      if (phone) useId(p, 'phone', phone.e164);
      const email = rng.chance(0.5) ? rng.pick(p.emails) : '';
      if (email) useId(p, 'email', email);
      const aliases: string[] = [];
      const accts = Object.values(p.accounts);
      if (accts.length > 0 && rng.chance(0.4)) {
        const a = rng.pick(accts);
        aliases.push(a.handle);
        useId(p, 'handle', a.handle);
      }
      if (nick && rng.chance(0.2)) aliases.push(rng.pick(nick));
      const upper = c.agency.country === 'CA';
      const fullName = rng.chance(0.3) ? `${last.toUpperCase()}, ${first}${middle ? ` ${middle}` : ''}` : [first, middle, last].filter(Boolean).join(' ');
      csv.row({
        key,
        first_name: upper ? first.toUpperCase() : first,
        middle_name: upper ? middle.toUpperCase() : middle,
        last_name: upper ? last.toUpperCase() : last,
        full_name: fullName,
        birth_date: formatDate({ ...utcParts(0), y: birth.y, mo: birth.mo, d: birth.d }, scheme.dateFormat),
        sex: c.agency.country === 'AU' ? (p.sex === 'M' ? 'Male' : 'Female') : p.sex,
        street: p.street, city: p.place.city, postcode: p.postcode, region: p.place.region, country: p.country,
        phone: phone ? (rng.chance(0.5) ? phone.e164 : localPhone(phone, rng)) : '',
        email,
        aliases: aliases.join('; '),
        booking_time: time(ctx, scheme.timeFormat, rng.int(30, 200)),
        charges: rng.sample(c.agency.charges, rng.int(1, 2)).join('; '),
        agency_ref: c.ref,
      });
    }
  }
  finish(ctx, csv, 'arrests', path, scheme, out);
}

function finish(ctx: Ctx, csv: CsvFile, kind: CsvKind, path: string, scheme: CsvScheme, out: CsvOut[]): void {
  let bytes = csv.close();
  const mapping = path.replace(/\.csv$/, '.mapping.json');
  const m = new BufWriter(`${ctx.dir}/${mapping}`);
  m.write(mappingJson(kind, scheme));
  bytes += m.close();
  out.push({ kind, path, mapping, records: csv.rows, bytes });
}

function writeTransactions(ctx: Ctx, people: Person[], perPerson: [number, number], out: CsvOut[]): void {
  const { c, rng } = ctx;
  const scheme = c.agency.transactions;
  const path = `${c.dir}/transactions.csv`;
  const csv = new CsvFile(`${ctx.dir}/${path}`, scheme, c.agency.country === 'GB' ? '\r\n' : '\n');
  for (const p of people) {
    const n = rng.int(perPerson[0], perPerson[1]);
    for (let i = 0; i < n; i++) {
      const key = `TX-${c.ref}-${String(csv.rows + 1).padStart(5, '0')}`;
      p.records.push(key);
      const pan = rng.pick(p.cards);
      useId(p, 'card', pan);
      const merchant = rng.pick(MERCHANTS);
      const ip = rng.chance(0.5) ? (rng.chance(0.6) ? p.ipv4 : p.ipv6) : '';
      if (ip) useId(p, 'ip', ip);
      const email = rng.chance(0.4) ? rng.pick(p.emails) : '';
      if (email) useId(p, 'email', email);
      const phone = p.phones[0] && rng.chance(0.2) ? p.phones[0].e164 : '';
      if (phone) useId(p, 'phone', phone);
      const cents = rng.chance(0.5) ? rng.int(199, 4999) : rng.int(500, 25000);
      csv.row({
        key, card_number: pan, time: time(ctx, scheme.timeFormat, rng.int(0, 180)),
        amount: `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`, currency: c.agency.currency,
        merchant: merchant.name, mcc: merchant.mcc, merchant_country: merchant.country, ip, email, phone,
      });
    }
  }
  finish(ctx, csv, 'transactions', path, scheme, out);
}

function writeSightings(ctx: Ctx, people: Person[], perPerson: [number, number], hashes: readonly { sha1: string; fileName: string }[], out: CsvOut[]): void {
  const { c, rng } = ctx;
  const scheme = c.agency.sightings;
  const path = `${c.dir}/sightings.csv`;
  const csv = new CsvFile(`${ctx.dir}/${path}`, scheme, '\n');
  for (const p of people) {
    const network = rng.chance(0.5) ? 'gnutella' : 'bittorrent';
    const port = network === 'gnutella' ? 6346 : rng.int(6881, 6889);
    const n = rng.int(perPerson[0], perPerson[1]);
    for (let i = 0; i < n; i++) {
      const key = `SG-${c.ref}-${String(csv.rows + 1).padStart(5, '0')}`;
      p.records.push(key);
      const ip = rng.chance(0.6) ? p.ipv4 : p.ipv6;
      useId(p, 'ip', ip);
      const known = hashes.length > 0 && rng.chance(0.6) ? rng.pick(hashes) : undefined;
      csv.row({
        key, time: time(ctx, scheme.timeFormat, rng.int(0, 120)), ip, port: String(rng.chance(0.85) ? port : rng.int(20000, 60000)),
        client_guid: p.guid, network,
        file_hash: known?.sha1 ?? rng.hex(40), file_name: known?.fileName ?? `IMG_${String(rng.int(1, 9999)).padStart(4, '0')}.jpg`,
      });
    }
  }
  finish(ctx, csv, 'sightings', path, scheme, out);
}

export interface RecordOptions { seed: number; dir: string; big: boolean; hashes: readonly { sha1: string; fileName: string }[]; inRooms: ReadonlySet<Person> }

/** Writes the case's CSVs; people never seen in a chat of this case always get a booking row so every case member shows up. */
export function writeRecords(c: CasePlan, opts: RecordOptions): CsvOut[] {
  const rng = fork(opts.seed, `records:${c.ref}`);
  const ctx: Ctx = { c, rng, zone: new Zone(c.agency.timezone), dir: opts.dir };
  const out: CsvOut[] = [];
  const arrested = c.people.filter((p) => !opts.inRooms.has(p) || rng.chance(0.5));
  if (arrested.length === 0 && c.people[0]) arrested.push(c.people[0]);
  writeArrests(ctx, arrested, out);
  const payers = c.people.filter((p) => p.cards.length > 0 && rng.chance(0.8));
  if (payers.length > 0) writeTransactions(ctx, payers, opts.big ? [5, 30] : [2, 8], out);
  if (c.withSightings) writeSightings(ctx, rng.sample(c.people, rng.int(1, 2)), opts.big ? [10, 60] : [3, 10], opts.hashes, out);
  return out;
}
