// The world plan: agencies, cases, who is in which case, chat rooms and media, decided up front
// in memory (small: thousands of people at most) so the writers can then stream every file.
import { fork } from './rng.ts';
import { AGENCIES, type AgencyDef, type WaLocale } from './agencies.ts';
import { PeopleFactory, PLATFORMS, type Person, type Platform } from './people.ts';
import { MALE_FIRST, FEMALE_FIRST, LAST_NAMES, OPERATION_WORDS, CASE_KINDS } from './vocab.ts';
import { TOPIC_ROOMS } from './text.ts';
import { EPOCH_START, EPOCH_END } from './time.ts';

export type Scale = 'small' | 'medium' | 'large';

interface ScaleParams { cases: number; people: [number, number]; messagesPerCase: number; originals: [number, number] }

export const SCALES: Readonly<Record<Scale, ScaleParams>> = {
  small: { cases: 10, people: [4, 7], messagesPerCase: 1200, originals: [3, 3] },
  medium: { cases: 100, people: [5, 10], messagesPerCase: 10_000, originals: [3, 6] },
  large: { cases: 1000, people: [5, 10], messagesPerCase: 10_000, originals: [3, 6] },
};

export type IrcStyle = 'irssi' | 'weechat';
export type Transform = 'resize' | 'quality' | 'crop' | 'mirror';

export interface Room {
  platform: Platform;
  name: string;
  topic: string;
  host: Person;
  members: Person[];
  messages: number;
  start: number;
  span: number;
  ircStyle: IrcStyle;
  waLocale: WaLocale;
  /** Narrow no-break space before AM/PM, as newer phones write it. */
  waNarrowSpace: boolean;
  /** Stable per-room seed label. */
  label: string;
}

export interface ImageSpec { w: number; h: number; pattern: 'gradient' | 'checker' | 'circles' | 'stripes'; colors: [string, string, string]; word: string; params: number[] }

export interface MediaItem {
  caseRef: string;
  path: string;
  fileName: string;
  format: 'png' | 'jpeg';
  spec: ImageSpec;
  variantOf?: MediaItem;
  transform?: Transform;
  time: number;
}

export interface CasePlan {
  index: number;
  ref: string;
  agency: AgencyDef;
  dir: string;
  title: string;
  officer: string;
  people: Person[];
  platforms: Platform[];
  rooms: Room[];
  media: MediaItem[];
  start: number;
  withSightings: boolean;
}

export interface World {
  seed: number;
  scale: Scale;
  cases: CasePlan[];
  people: Person[];
}

const WORDS = ['tomato', 'garden', 'sunset', 'kickoff', 'recipe', 'engine', 'melody', 'harbour', 'picnic', 'meadow', 'chess', 'rainy'];
const DAY = 86_400_000;

export function planWorld(seed: number, scale: Scale): World {
  const params = SCALES[scale];
  const rng = fork(seed, 'world');
  const factory = new PeopleFactory(fork(seed, 'people'));

  // Case counts per agency: proportional, at least two each.
  const counts = AGENCIES.map((a) => Math.max(2, Math.round(a.weight * params.cases)));
  const cases: CasePlan[] = [];
  const usedTitles = new Set<string>();
  AGENCIES.forEach((agency, ai) => {
    for (let i = 0; i < (counts[ai] ?? 2); i++) {
      const start = EPOCH_START + Math.floor(rng.float() * (EPOCH_END - EPOCH_START - 200 * DAY));
      const year = new Date(start).getUTCFullYear();
      // The sequence runs per agency across years, so refs stay unique whatever the year.
      const ref = `${agency.prefix}-${year}-${String(i + 1).padStart(4, '0')}`;
      let word = rng.pick(OPERATION_WORDS);
      for (let k = 2; usedTitles.has(word); k++) word = `${rng.pick(OPERATION_WORDS)} ${k}`;
      usedTitles.add(word);
      const officerFirst = rng.pick(rng.chance(0.5) ? MALE_FIRST : FEMALE_FIRST);
      cases.push({
        index: cases.length, ref, agency, dir: `${agency.slug}/${ref}`,
        title: `Operation ${word}: ${rng.pick(CASE_KINDS)}`,
        officer: `${rng.pick(['Det.', 'DC', 'Sgt.', 'Agent', 'Cst.'])} ${officerFirst} ${rng.pick(LAST_NAMES)}`,
        people: [], platforms: [], rooms: [], media: [], start, withSightings: false,
      });
    }
  });
  assignPeople(cases, factory, params, rng);
  planRooms(cases, factory, params, seed);
  planMedia(cases, params, seed);
  cases.forEach((c, i) => { c.withSightings = i % 2 === 0 || rng.chance(0.3); });
  return { seed, scale, cases, people: factory.all };
}

function assignPeople(cases: CasePlan[], factory: PeopleFactory, params: ScaleParams, rng: ReturnType<typeof fork>): void {
  // Visit cases in a shuffled order so reuse crosses agencies in both directions.
  const order = rng.shuffle(cases.map((c) => c));
  for (const c of order) {
    const n = rng.int(params.people[0], params.people[1]);
    while (c.people.length < n) {
      const pool = factory.all.filter((p) => p.cases.length < 3 && !c.people.includes(p));
      let person: Person | undefined;
      if (pool.length > 0 && rng.chance(0.1)) {
        const other = pool.filter((p) => !p.cases.some((r) => r.startsWith(c.agency.prefix)));
        person = rng.pick(other.length > 0 && rng.chance(0.6) ? other : pool);
      } else {
        const country = rng.chance(0.9) ? c.agency.country : rng.pick(['CA', 'US', 'GB', 'AU'] as const);
        const others = factory.all.filter((p) => !c.people.includes(p));
        // Decoy: a different person who happens to share a common name with someone elsewhere.
        const decoyOf = others.length > 0 && rng.chance(0.04) ? rng.pick(others) : undefined;
        person = factory.create(country, decoyOf);
      }
      c.people.push(person);
      person.cases.push(c.ref);
    }
  }
}

function planRooms(cases: CasePlan[], factory: PeopleFactory, params: ScaleParams, seed: number): void {
  const rng = fork(seed, 'rooms');
  for (const c of cases) {
    // Rotate two platforms per case so every format shows up even in the small world.
    const set = new Set<Platform>([PLATFORMS[c.index % 4] as Platform, PLATFORMS[(c.index + 1) % 4] as Platform]);
    for (const p of PLATFORMS) if (rng.chance(0.5)) set.add(p);
    c.platforms = PLATFORMS.filter((p) => set.has(p));
  }
  const byRef = new Map(cases.map((c) => [c.ref, c]));
  for (const p of factory.all) {
    const cand = new Set<Platform>();
    for (const r of p.cases) for (const pl of byRef.get(r)?.platforms ?? []) cand.add(pl);
    const k = rng.weighted([[1, 35], [2, 35], [3, 20], [4, 10]] as const);
    for (const pl of rng.sample([...cand], k)) factory.addAccount(p, pl);
  }
  let ircCount = 0;
  let waCount = 0;
  for (const c of cases) {
    const topic = rng.pick(TOPIC_ROOMS);
    const weights = c.platforms.map(() => 0.5 + rng.float());
    const total = weights.reduce((a, b) => a + b, 0);
    c.platforms.forEach((platform, i) => {
      let members = c.people.filter((p) => p.accounts[platform]);
      for (const p of rng.shuffle(c.people.filter((q) => !q.accounts[platform]))) {
        if (members.length >= 2) break;
        factory.addAccount(p, platform);
      }
      members = c.people.filter((p) => p.accounts[platform]);
      const messages = Math.max(20, Math.round((params.messagesPerCase * (weights[i] ?? 1)) / total));
      const span = (20 + rng.int(0, 160)) * DAY;
      const name = platform === 'irc' ? topic.irc : topic.group;
      c.rooms.push({
        platform, name, topic: topic.topic, host: rng.pick(members), members, messages,
        start: c.start + rng.int(0, 20) * DAY, span,
        ircStyle: platform === 'irc' ? (ircCount++ % 2 === 0 ? 'irssi' : 'weechat') : 'irssi',
        waLocale: platform === 'whatsapp' ? (['en-US', 'en-GB', 'de-DE'] as const)[waCount++ % 3] ?? 'en-US' : 'en-US',
        waNarrowSpace: rng.chance(0.3),
        label: `room:${c.ref}:${platform}`,
      });
    });
  }
  // Accounts on platforms none of the person's cases use would never appear in a file.
  const usedOn = new Map<Person, Set<Platform>>();
  for (const c of cases) for (const r of c.rooms) for (const m of r.members) {
    const s = usedOn.get(m) ?? new Set<Platform>();
    s.add(r.platform);
    usedOn.set(m, s);
  }
  for (const p of factory.all) {
    for (const pl of PLATFORMS) if (p.accounts[pl] && !usedOn.get(p)?.has(pl)) delete p.accounts[pl];
  }
}

function planMedia(cases: CasePlan[], params: ScaleParams, seed: number): void {
  const rng = fork(seed, 'media');
  const counters = new Map<string, number>();
  const nameFor = (c: CasePlan, fmt: 'png' | 'jpeg', t: number): string => {
    const n = (counters.get(c.ref) ?? 0) + 1;
    counters.set(c.ref, n);
    const d = new Date(t).toISOString();
    const stamp = `${d.slice(0, 4)}${d.slice(5, 7)}${d.slice(8, 10)}`;
    const seq = String(40 + n * 3).padStart(4, '0');
    if (fmt === 'png') return rng.chance(0.5) ? `Screenshot_${stamp}-${d.slice(11, 13)}${d.slice(14, 16)}${String(n).padStart(2, '0')}.png` : `image${n}.png`;
    return rng.pick([`IMG_${seq}.jpg`, `DSC_${seq}.JPG`, `photo_${d.slice(0, 10)}_${String(n).padStart(3, '0')}.jpg`, `IMG-${stamp}-WA${seq}.jpg`]);
  };
  const originals: MediaItem[] = [];
  for (const c of cases) {
    const k = rng.int(params.originals[0], params.originals[1]);
    for (let i = 0; i < k; i++) {
      const format = rng.chance(0.6) ? 'jpeg' : 'png';
      const time = c.start + rng.int(0, 150) * DAY + rng.int(0, DAY - 1);
      const fileName = nameFor(c, format, time);
      const w = 256 + 32 * rng.int(0, 8);
      const spec: ImageSpec = {
        w, h: rng.chance(0.5) ? w : 256 + 32 * rng.int(0, 8),
        pattern: rng.pick(['gradient', 'checker', 'circles', 'stripes'] as const),
        colors: [randColor(rng), randColor(rng), randColor(rng)],
        word: rng.pick(WORDS),
        params: [rng.int(4, 14), rng.int(0, 359), rng.int(3, 9), rng.int(0, 1000)],
      };
      const item: MediaItem = { caseRef: c.ref, path: `${c.dir}/media/${fileName}`, fileName, format, spec, time };
      c.media.push(item);
      originals.push(item);
    }
  }
  const byRef = new Map(cases.map((c) => [c.ref, c]));
  originals.forEach((orig, i) => {
    // The first original always gets a copy in another agency's case, so even the small world has a cross-case image.
    const forced = i === 0;
    if (!forced && !rng.chance(0.3)) return;
    const home = byRef.get(orig.caseRef);
    if (!home) return;
    const elsewhere = forced || rng.chance(0.3);
    const candidates = cases.filter((c) => c.ref !== home.ref && (!forced || c.agency !== home.agency));
    const target = elsewhere && candidates.length > 0 ? rng.pick(candidates) : home;
    const transform = rng.pick(['resize', 'quality', 'crop', 'mirror'] as const);
    const format = transform === 'quality' || rng.chance(0.5) ? 'jpeg' : orig.format;
    const time = orig.time + rng.int(1, 40) * DAY;
    const fileName = nameFor(target, format, time);
    target.media.push({ caseRef: target.ref, path: `${target.dir}/media/${fileName}`, fileName, format, spec: orig.spec, variantOf: orig, transform, time });
  });
}

function randColor(rng: ReturnType<typeof fork>): string {
  return `#${rng.hex(6)}`;
}
