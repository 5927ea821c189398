// The ground truth must describe the files actually written, and every identifier in the output
// must come from a reserved or fictional range (the project's safety rule).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateWorld, readManifest, type GroundTruth, type Manifest } from './index.ts';
import { countRecords, listFiles, readCsv } from './testkit.ts';
import { luhnValid, TEST_BINS } from './ids.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'crosslink-demo-world-'));
const dir = path.join(root, 'world');
let manifest: Manifest;
let truth: GroundTruth;

beforeAll(async () => {
  await generateWorld({ seed: 11, scale: 'small', out: dir });
  manifest = await readManifest(dir);
  truth = JSON.parse(fs.readFileSync(path.join(dir, 'ground-truth.json'), 'utf8')) as GroundTruth;
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const CHAT = new Set(['irc-irssi', 'irc-weechat', 'telegram-json', 'discord-json', 'whatsapp-txt']);

describe('demo world ground truth', () => {
  it('has four agencies in four countries and at least two cases each', () => {
    expect(new Set(manifest.agencies.map((a) => a.country)).size).toBe(4);
    for (const a of manifest.agencies) expect(manifest.cases.filter((c) => c.agency === a.name).length).toBeGreaterThanOrEqual(2);
    const formats = new Set(manifest.cases.flatMap((c) => c.files.map((f) => f.format)));
    expect(formats.size).toBe(9);
    const locales = new Set(manifest.cases.flatMap((c) => c.files.map((f) => f.locale).filter(Boolean)));
    expect([...locales].sort()).toEqual(['de-DE', 'en-GB', 'en-US']);
  });

  it('lists files that exist with the record counts they hold', () => {
    for (const c of manifest.cases) {
      for (const f of c.files) {
        expect(fs.existsSync(path.join(dir, f.path)), f.path).toBe(true);
        if (f.mapping) expect(fs.existsSync(path.join(dir, f.mapping)), f.mapping).toBe(true);
        expect(countRecords(dir, f), f.path).toBe(f.records);
      }
    }
  });

  it('puts every record key in exactly one CSV row of one of its person\'s cases', () => {
    const where = new Map<string, string[]>();
    for (const c of manifest.cases) {
      for (const f of c.files) {
        if (!f.mapping) continue;
        const mapping = JSON.parse(fs.readFileSync(path.join(dir, f.mapping), 'utf8')) as { fields: Record<string, string> };
        const { header, rows } = readCsv(path.join(dir, f.path));
        const col = header.indexOf(mapping.fields.key ?? '');
        expect(col).toBeGreaterThanOrEqual(0);
        for (const r of rows) where.set(r[col] ?? '', [...(where.get(r[col] ?? '') ?? []), c.ref]);
      }
    }
    let keys = 0;
    for (const p of truth.people) {
      for (const k of p.records) {
        const hits = where.get(k) ?? [];
        expect(hits.length, k).toBe(1);
        expect(p.cases).toContain(hits[0]);
        keys++;
      }
    }
    expect(keys).toBe([...where.keys()].length);
  });

  it('finds every account handle in a chat file of one of the person\'s cases', () => {
    const chatText = new Map<string, string>();
    for (const c of manifest.cases) {
      chatText.set(c.ref, c.files.filter((f) => CHAT.has(f.format)).map((f) => fs.readFileSync(path.join(dir, f.path), 'utf8')).join('\n'));
    }
    for (const p of truth.people) {
      expect(p.cases.length).toBeGreaterThan(0);
      for (const a of p.accounts) expect(p.cases.some((r) => chatText.get(r)?.includes(a.handle)), `${p.id} ${a.handle}`).toBe(true);
    }
  });

  it('explains every connected pair by a shared person or a near-duplicate image', () => {
    const refs = new Set(truth.cases.map((c) => c.ref));
    const caseOfPath = (p: string): string => p.split('/')[1] ?? '';
    for (const [a, b] of truth.nearDuplicates) {
      expect(fs.existsSync(path.join(dir, a)), a).toBe(true);
      expect(fs.existsSync(path.join(dir, b)), b).toBe(true);
    }
    expect(truth.nearDuplicates.some(([a, b]) => caseOfPath(a) !== caseOfPath(b))).toBe(true);
    expect(truth.connectedCases.length).toBeGreaterThan(0);
    const seen = new Set<string>();
    for (const [a, b] of truth.connectedCases) {
      expect(a < b).toBe(true);
      expect(refs.has(a) && refs.has(b)).toBe(true);
      expect(seen.has(`${a} ${b}`)).toBe(false);
      seen.add(`${a} ${b}`);
      const byPerson = truth.people.some((p) => p.cases.includes(a) && p.cases.includes(b));
      const byImage = truth.nearDuplicates.some(([x, y]) => new Set([caseOfPath(x), caseOfPath(y)]).size === 2 && [a, b].includes(caseOfPath(x)) && [a, b].includes(caseOfPath(y)));
      expect(byPerson || byImage, `${a} ${b}`).toBe(true);
    }
  });

  it('writes phones as E.164 in fictional ranges and cards with test BINs that pass Luhn', () => {
    const fictional = /^(?:\+1\d{3}55501\d{2}|\+447700900\d{3}|\+61491(?:57\d{4}))$/;
    let phones = 0, cards = 0;
    for (const p of truth.people) {
      for (const id of p.identifiers) {
        if (id.type === 'phone') {
          expect(id.value).toMatch(/^\+[1-9]\d{7,14}$/);
          expect(id.value).toMatch(fictional);
          phones++;
        }
        if (id.type === 'card') {
          expect(luhnValid(id.value), id.value).toBe(true);
          expect(TEST_BINS.some((b) => id.value.startsWith(b))).toBe(true);
          cards++;
        }
      }
    }
    expect(phones).toBeGreaterThan(0);
    expect(cards).toBeGreaterThan(0);
  });

  it('has rooms whose host is a member', () => {
    for (const r of truth.rooms) expect(r.members).toContain(r.host);
  });
});

describe('demo world safety', () => {
  it('uses only reserved email domains and documentation IPv4 ranges', () => {
    const email = /[A-Za-z0-9._%+-]+@([A-Za-z0-9.-]+\.[A-Za-z]{2,})/g;
    const ipv4 = /(?<![\d.])(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?![\d.])/g;
    let emails = 0, ips = 0;
    for (const rel of listFiles(dir)) {
      if (/\.(png|jpe?g)$/i.test(rel)) continue;
      const text = fs.readFileSync(path.join(dir, rel), 'utf8');
      for (const m of text.matchAll(email)) {
        expect(m[1], `${rel}: ${m[0]}`).toMatch(/(^|\.)example\.(com|org|net)$/);
        emails++;
      }
      for (const m of text.matchAll(ipv4)) {
        expect(`${m[1]}.${m[2]}.${m[3]}.`, `${rel}: ${m[0]}`).toMatch(/^(192\.0\.2|198\.51\.100|203\.0\.113)\.$/);
        ips++;
      }
    }
    expect(emails).toBeGreaterThan(0);
    expect(ips).toBeGreaterThan(0);
  });
});
