// The demo world's table of contents (manifest.json) and answer key (ground-truth.json),
// with a validator so a CLI can refuse a damaged or foreign folder in one clear line.
import { UserError } from '../model/index.ts';
import fs from 'node:fs';
import path from 'node:path';
import type { Scale } from './world.ts';

export type FileFormat =
  | 'irc-irssi' | 'irc-weechat' | 'telegram-json' | 'discord-json' | 'whatsapp-txt'
  | 'transactions-csv' | 'arrests-csv' | 'sightings-csv' | 'media-folder';

export const FILE_FORMATS: readonly FileFormat[] = [
  'irc-irssi', 'irc-weechat', 'telegram-json', 'discord-json', 'whatsapp-txt',
  'transactions-csv', 'arrests-csv', 'sightings-csv', 'media-folder',
];

export interface ManifestAgency {
  name: string;
  country: string;
  kind: 'city-unit' | 'national-centre' | 'task-force' | 'national-unit';
  contact: { officer: string; phone: string; email: string };
}

export interface ManifestFile {
  path: string;
  format: FileFormat;
  mapping?: string;
  region?: string;
  timezone?: string;
  locale?: string;
  network?: string;
  /** Chat messages (incl. /me actions and media messages, excl. joins and other system lines), CSV rows, or images. */
  records: number;
}

export interface ManifestCase { ref: string; agency: string; title: string; officer: string; files: ManifestFile[] }

export interface Manifest {
  version: 1;
  generator: 'crosslink-demo';
  seed: number;
  scale: Scale;
  agencies: ManifestAgency[];
  cases: ManifestCase[];
}

export type Platform = 'irc' | 'telegram' | 'discord' | 'whatsapp';

export interface GroundTruth {
  seed: number;
  scale: Scale;
  cases: { ref: string; agency: string }[];
  connectedCases: [string, string][];
  people: {
    id: string;
    name: string;
    birthDate: string;
    cases: string[];
    records: string[];
    accounts: { platform: Platform; handle: string; id?: string }[];
    identifiers: { type: 'email' | 'phone' | 'handle' | 'ip' | 'card' | 'wallet'; value: string }[];
  }[];
  nearDuplicates: [string, string][];
  rooms: { case: string; platform: string; name: string; host: string; members: string[] }[];
}

const KINDS = ['city-unit', 'national-centre', 'task-force', 'national-unit'];

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(o: Record<string, unknown>, key: string, where: string): string {
  const v = o[key];
  if (typeof v !== 'string' || v === '') throw new UserError(`${where}: expected a non-empty string "${key}"`);
  return v;
}

/** Checks shape and cross-references; throws "<file>: <what is wrong>" on the first problem. */
export function validateManifest(data: unknown, file: string): Manifest {
  if (!isObj(data)) throw new UserError(`${file}: expected a JSON object`);
  if (data.version !== 1) throw new UserError(`${file}: unsupported version ${JSON.stringify(data.version)} (expected 1)`);
  if (data.generator !== 'crosslink-demo') throw new UserError(`${file}: not written by crosslink-demo`);
  if (typeof data.seed !== 'number' || !Number.isInteger(data.seed)) throw new UserError(`${file}: "seed" must be an integer`);
  if (data.scale !== 'small' && data.scale !== 'medium' && data.scale !== 'large') throw new UserError(`${file}: "scale" must be small, medium or large`);
  if (!Array.isArray(data.agencies) || !Array.isArray(data.cases)) throw new UserError(`${file}: "agencies" and "cases" must be arrays`);
  const agencies = new Set<string>();
  data.agencies.forEach((a: unknown, i: number) => {
    const where = `${file}: agencies[${i}]`;
    if (!isObj(a)) throw new UserError(`${where}: expected an object`);
    agencies.add(str(a, 'name', where));
    if (!/^[A-Z]{2}$/.test(str(a, 'country', where))) throw new UserError(`${where}: "country" must be ISO 3166 alpha-2`);
    if (!KINDS.includes(str(a, 'kind', where))) throw new UserError(`${where}: unknown kind`);
    if (!isObj(a.contact)) throw new UserError(`${where}: missing contact`);
    for (const k of ['officer', 'phone', 'email']) str(a.contact, k, `${where}.contact`);
  });
  const refs = new Set<string>();
  data.cases.forEach((c: unknown, i: number) => {
    const where = `${file}: cases[${i}]`;
    if (!isObj(c)) throw new UserError(`${where}: expected an object`);
    const ref = str(c, 'ref', where);
    if (refs.has(ref)) throw new UserError(`${where}: duplicate ref ${ref}`);
    refs.add(ref);
    if (!agencies.has(str(c, 'agency', where))) throw new UserError(`${where}: unknown agency "${String(c.agency)}"`);
    str(c, 'title', where);
    str(c, 'officer', where);
    if (!Array.isArray(c.files)) throw new UserError(`${where}: "files" must be an array`);
    c.files.forEach((f: unknown, j: number) => {
      const fw = `${where}.files[${j}]`;
      if (!isObj(f)) throw new UserError(`${fw}: expected an object`);
      const p = str(f, 'path', fw);
      if (p.startsWith('/') || p.includes('\\') || p.split('/').includes('..')) throw new UserError(`${fw}: path must be relative with / separators`);
      if (!FILE_FORMATS.includes(str(f, 'format', fw) as FileFormat)) throw new UserError(`${fw}: unknown format "${String(f.format)}"`);
      if (typeof f.records !== 'number' || f.records < 0) throw new UserError(`${fw}: "records" must be a non-negative number`);
    });
  });
  return data as unknown as Manifest;
}

/** Reads and validates DIR/manifest.json; errors name the file. */
export async function readManifest(dir: string): Promise<Manifest> {
  const file = path.join(dir, 'manifest.json');
  let text: string;
  try {
    text = await fs.promises.readFile(file, 'utf8');
  } catch {
    throw new UserError(`${file}: not found (not a Crosslink demo world?)`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new UserError(`${file}: invalid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  return validateManifest(data, file);
}

