// Orchestrates one world: plan in memory, render media, then stream each case's chats and CSVs,
// and finally write manifest.json and ground-truth.json.
import fs from 'node:fs';
import path from 'node:path';
import { fork } from './rng.ts';
import { AGENCIES } from './agencies.ts';
import { snowflake } from './ids.ts';
import { Zone, isoDate } from './time.ts';
import { BufWriter } from './writer.ts';
import { planWorld, type CasePlan, type Room, type Scale, type World } from './world.ts';
import type { Person } from './people.ts';
import { writeMedia, type MediaInfo } from './media.ts';
import { RoomScript } from './chat/script.ts';
import { writeIrc, type WriteStats } from './chat/irc.ts';
import { writeTelegram } from './chat/telegram.ts';
import { writeDiscord } from './chat/discord.ts';
import { writeWhatsApp, whatsappFileName } from './chat/whatsapp.ts';
import { writeRecords } from './records.ts';
import { buildTruth } from './truth.ts';
import type { Manifest, ManifestCase, ManifestFile } from './manifest.ts';

export interface GenerateOptions { seed: number; scale: Scale; out: string; onProgress?: (p: { phase: string; done: number; total: number }) => void }
export interface GenerateResult { out: string; seed: number; scale: Scale; agencies: number; cases: number; files: number; messages: number; records: number; media: number; bytes: number }

const CHANNELS = ['general', 'chat', 'off-topic', 'lounge', 'banter'];

interface Tally { files: number; messages: number; records: number; media: number; bytes: number }

function safeName(s: string): string {
  return s.replace(/[/\\:*?"<>|]/g, '_');
}

function writeRoom(world: World, c: CasePlan, room: Room, media: ReadonlyMap<string, MediaInfo>, dir: string, zone: Zone): { file: ManifestFile; stats: WriteStats } {
  const script = new RoomScript(world.seed, room, c.media, true);
  const region = c.agency.country;
  const timezone = c.agency.timezone;
  switch (room.platform) {
    case 'irc': {
      const network = c.agency.ircNetwork;
      const rel = room.ircStyle === 'irssi' ? `${c.dir}/irc/${network}/${room.name}.log` : `${c.dir}/irc/irc.${network}.${room.name}.weechatlog`;
      const stats = writeIrc(path.join(dir, rel), script, zone);
      return { file: { path: rel, format: room.ircStyle === 'irssi' ? 'irc-irssi' : 'irc-weechat', region, timezone, network, records: stats.records }, stats };
    }
    case 'telegram': {
      const rel = `${c.dir}/telegram/ChatExport_${isoDate(zone.local(room.start + room.span))}/result.json`;
      const sizes = new Map([...media].map(([k, v]) => [k, [v.width, v.height] as [number, number]]));
      const stats = writeTelegram(path.join(dir, rel), script, zone, sizes);
      return { file: { path: rel, format: 'telegram-json', region, timezone, records: stats.records }, stats };
    }
    case 'discord': {
      const ids = fork(world.seed, `discord:${c.ref}`);
      const guildId = snowflake(room.start - 200 * 86_400_000, ids);
      const channelId = snowflake(room.start - 100 * 86_400_000, ids);
      const channel = ids.pick(CHANNELS);
      const rel = `${c.dir}/discord/${safeName(room.name)} - Text Channels - ${channel} [${channelId}].json`;
      const sizes = new Map([...media].map(([k, v]) => [k, v.bytes]));
      const stats = writeDiscord(path.join(dir, rel), script, sizes, channelId, guildId, room.name, channel);
      return { file: { path: rel, format: 'discord-json', region, records: stats.records }, stats };
    }
    default: {
      const rel = `${c.dir}/whatsapp/${whatsappFileName(room.waLocale, safeName(room.name))}`;
      const stats = writeWhatsApp(path.join(dir, rel), script, zone);
      return { file: { path: rel, format: 'whatsapp-txt', region, timezone, locale: room.waLocale, records: stats.records }, stats };
    }
  }
}

function writeCase(world: World, c: CasePlan, media: ReadonlyMap<string, MediaInfo>, dir: string, zone: Zone, tally: Tally): ManifestCase {
  const files: ManifestFile[] = [];
  const inRooms = new Set<Person>();
  for (const room of c.rooms) {
    for (const m of room.members) inRooms.add(m);
    const { file, stats } = writeRoom(world, c, room, media, dir, zone);
    files.push(file);
    tally.files++;
    tally.messages += stats.records;
    tally.bytes += stats.bytes;
  }
  const hashes = c.media.map((m) => ({ sha1: media.get(m.path)?.sha1 ?? '', fileName: m.fileName }));
  for (const csv of writeRecords(c, { seed: world.seed, dir, big: world.scale !== 'small', hashes, inRooms })) {
    files.push({ path: csv.path, format: `${csv.kind}-csv`, mapping: csv.mapping, region: c.agency.country, timezone: c.agency.timezone, records: csv.records });
    tally.files += 2;
    tally.records += csv.records;
    tally.bytes += csv.bytes;
  }
  if (c.media.length > 0) files.push({ path: `${c.dir}/media`, format: 'media-folder', records: c.media.length });
  return { ref: c.ref, agency: c.agency.name, title: c.title, officer: c.officer, files };
}

function writeJson(file: string, data: unknown): number {
  const w = new BufWriter(file);
  w.write(`${JSON.stringify(data, null, 2)}\n`);
  return w.close();
}

export async function runGeneration(opts: GenerateOptions, out: string): Promise<GenerateResult> {
  const progress = opts.onProgress ?? (() => undefined);
  progress({ phase: 'plan', done: 0, total: 1 });
  const world = planWorld(opts.seed, opts.scale);
  progress({ phase: 'plan', done: 1, total: 1 });
  const items = world.cases.flatMap((c) => c.media);
  const media = await writeMedia(out, items, (n) => progress({ phase: 'media', done: n, total: items.length }));
  const tally: Tally = { files: items.length, messages: 0, records: 0, media: items.length, bytes: 0 };
  for (const m of media.values()) tally.bytes += m.bytes;
  const zones = new Map(AGENCIES.map((a) => [a.name, new Zone(a.timezone)]));
  const cases: ManifestCase[] = [];
  for (const [i, c] of world.cases.entries()) {
    const zone = zones.get(c.agency.name) ?? new Zone(c.agency.timezone);
    cases.push(writeCase(world, c, media, out, zone, tally));
    progress({ phase: 'cases', done: i + 1, total: world.cases.length });
    // Writing is synchronous; yielding between cases lets progress bars and samplers run.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  const manifest: Manifest = {
    version: 1, generator: 'crosslink-demo', seed: opts.seed, scale: opts.scale,
    agencies: AGENCIES.map((a) => ({ name: a.name, country: a.country, kind: a.kind, contact: { ...a.contact } })),
    cases,
  };
  tally.bytes += writeJson(path.join(out, 'ground-truth.json'), buildTruth(world));
  tally.bytes += writeJson(path.join(out, 'manifest.json'), manifest);
  tally.files += 2;
  progress({ phase: 'done', done: 1, total: 1 });
  return { out, seed: opts.seed, scale: opts.scale, agencies: AGENCIES.length, cases: world.cases.length, ...tally };
}

/** Makes `out` ready: created if missing, refused if foreign, emptied of a previous world's files. */
export function prepareOut(out: string, previous: Manifest | undefined): void {
  if (!fs.existsSync(out)) {
    fs.mkdirSync(out, { recursive: true });
    return;
  }
  if (!previous) return;
  const tops = new Set<string>(AGENCIES.map((a) => a.slug));
  for (const c of previous.cases) for (const f of c.files) tops.add(f.path.split('/')[0] ?? '');
  for (const t of tops) if (t) fs.rmSync(path.join(out, t), { recursive: true, force: true });
  fs.rmSync(path.join(out, 'manifest.json'), { force: true });
  fs.rmSync(path.join(out, 'ground-truth.json'), { force: true });
}
