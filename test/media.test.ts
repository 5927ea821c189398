/**
 * Media through the store on every backend: PDQ and EXIF at ingest, near-duplicate matching that
 * misses no pair within the threshold (turned and mirrored too), exact copies across cases, hash
 * sets (categorised hits, known-good exclusion), idempotent re-runs, and `crosslink hash` against
 * the PDQ reference vectors.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { similarCases } from '../src/analysis/index.ts';
import { generateWorld, loadWorld, type GroundTruth } from '../src/demo/index.ts';
import { ingestSource } from '../src/ingest/index.ts';
import { hammingDistance, importHashSet, matchPendingMedia, mediaHits, pdqDihedralFromFile, PDQ_MATCH_THRESHOLD, PDQ_MIN_QUALITY } from '../src/media/index.ts';
import type { Store } from '../src/store/index.ts';
import { BACKENDS } from './backends.ts';
import { parseJson, runCli } from './cli.ts';

const secret = Buffer.alloc(32, 9);
const shared = fileURLToPath(new URL('../../shared/testdata/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'crosslink-media-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.each(BACKENDS)('media on $name', (backend) => {
  let store: Store;
  let truth: GroundTruth;
  let world: string;

  beforeAll(async () => {
    world = join(dir, backend.name);
    await generateWorld({ seed: 3, scale: 'small', out: world });
    truth = JSON.parse(readFileSync(join(world, 'ground-truth.json'), 'utf8')) as GroundTruth;
    store = await backend.open();
    await loadWorld(store, world, { actor: 'test', secret });
  }, 300_000);
  afterAll(async () => {
    await store?.close();
  });

  it('matches every near-duplicate pair within the threshold, turned or mirrored, and nothing beyond it', async () => {
    const stored = await sql<{ a: string; b: string; distance: number }>`
      SELECT ea.label AS a, eb.label AS b, m.distance
      FROM media_matches m JOIN entities ea ON ea.id = m.entity_a JOIN entities eb ON eb.id = m.entity_b`.execute(store.db);
    // The answer computed independently: each pair's nearest dihedral distance from the pixels.
    let expected = 0;
    for (const [pathA, pathB] of truth.nearDuplicates) {
      const a = await pdqDihedralFromFile(join(world, pathA));
      const b = await pdqDihedralFromFile(join(world, pathB));
      const nearest = Math.min(...Object.values(b.hashes).map((hash) => hammingDistance(a.hashes.orig, hash)));
      // 4 bits of slack: the matcher turns a stored hash itself (approximate dihedral variants, a few bits off).
      const matchable = a.quality >= PDQ_MIN_QUALITY && b.quality >= PDQ_MIN_QUALITY && nearest <= PDQ_MATCH_THRESHOLD - 4;
      if (!matchable) continue;
      expected++;
      const nameA = pathA.split('/').pop()!;
      const nameB = pathB.split('/').pop()!;
      expect(stored.rows.some((row) => (row.a === nameA && row.b === nameB) || (row.a === nameB && row.b === nameA))).toBe(true);
    }
    expect(expected).toBeGreaterThan(2);
    for (const row of stored.rows) expect(row.distance).toBeLessThanOrEqual(PDQ_MATCH_THRESHOLD);
    const again = await matchPendingMedia(store.db);
    expect(again).toEqual({ signals: 0, matches: 0, skipped: 0 });
  });

  it('stores EXIF facts, the camera serial as an identifier and the GPS position as a place, and links two cases through one camera', async () => {
    const cases = await store.db.selectFrom('cases').select(['ref']).orderBy('id').limit(2).execute();
    for (const [index, { ref }] of cases.entries()) {
      const folder = join(dir, `${backend.name}-photos-${index}`);
      mkdirSync(folder, { recursive: true });
      copyFileSync(join(shared, 'exif/metadata-extractor-images/jpg/Canon EOS REBEL T3i.jpg'), join(folder, 'canon.jpg'));
      copyFileSync(join(shared, 'exif/metadata-extractor-images/jpg/Apple iPhone 4.jpg'), join(folder, `iphone-${index}.jpg`));
      const report = await ingestSource(store, folder, { caseRef: ref, actor: 'test', secret });
      expect(report.rejects).toBe(0);
      expect(report.identifiers['camera_serial']).toBe(1);
    }
    const canon = await sql<{ props: Record<string, unknown> }>`SELECT props FROM entities WHERE kind = 'media' AND label = 'canon.jpg' LIMIT 1`.execute(store.db);
    expect(canon.rows[0]!.props).toMatchObject({ camera_make: 'Canon', camera_model: 'Canon EOS REBEL T3i', camera_serial: '142066080698' });
    const place = await sql<{ n: string }>`
      SELECT count(*) AS n FROM links l JOIN entities loc ON loc.id = l.to_entity_id
      WHERE l.kind = 'located_at' AND loc.kind = 'location' AND abs((loc.props->>'latitude')::float8 - 41.853) < 1e-6`.execute(store.db);
    expect(Number(place.rows[0]!.n)).toBe(2);
    const similar = await similarCases(store.db, cases[0]!.ref, { limit: 50 });
    const other = similar.find((result) => result.case === cases[1]!.ref);
    expect(other?.reasons.some((reason) => reason.includes('shared camera'))).toBe(true);
    const hits = await mediaHits(store.db, cases[0]!.ref);
    const copy = hits.find((hit) => hit.media.file === 'canon.jpg');
    expect(copy?.hits.some((hit) => hit.where === 'case' && hit.signal === 'sha256' && hit.case === cases[1]!.ref)).toBe(true);
  });

  it('reports hash-set hits with their category, and leaves known-good files out', async () => {
    const media = await sql<{ sha256: string; md5: string; case_ref: string }>`
      SELECT e.props->>'sha256' AS sha256, e.props->>'md5' AS md5, c.ref AS case_ref FROM entities e JOIN cases c ON c.id = e.case_id
      WHERE e.kind = 'media' AND e.props ? 'sha256' ORDER BY e.id LIMIT 2`.execute(store.db);
    const [listed, known] = media.rows;
    const setFile = join(dir, `${backend.name}-set.csv`);
    writeFileSync(setFile, `sha256,category,series\n${listed!.sha256},2,Series A\n`);
    const imported = await importHashSet(store.db, setFile, { actor: 'test' });
    expect(imported).toMatchObject({ kind: 'categorised', entries: 1, skipped: false });
    expect((await importHashSet(store.db, setFile, { actor: 'test' })).skipped).toBe(true);
    const goodFile = join(dir, `${backend.name}-good.txt`);
    writeFileSync(goodFile, `${known!.md5}\n`);
    expect((await importHashSet(store.db, goodFile, { actor: 'test', knownGood: true })).kind).toBe('known_good');

    const hits = await mediaHits(store.db, listed!.case_ref);
    const hit = hits.flatMap((item) => item.hits).find((h) => h.where === 'hash_set');
    expect(hit).toMatchObject({ signal: 'sha256', category: '2', series: 'Series A' });
    const knownHits = await mediaHits(store.db, known!.case_ref);
    expect(knownHits.some((item) => item.media.sha256 === known!.sha256)).toBe(false);
  });
});

describe('crosslink hash', () => {
  it('gives the reference PDQ (full resolution) and quality for the reference images', async () => {
    const rows = readFileSync(join(shared, 'pdq/expected.tsv'), 'utf8').trim().split('\n').slice(1).map((line) => line.split('\t'));
    // More than four files: hashed on worker threads (fewer go one by one in this thread).
    const sample = rows.filter((row) => /bridge-|q0003|pen-and-coaster/.test(row[0]!));
    const result = await runCli(['hash', ...sample.map((row) => join(shared, 'pdq', row[0]!)), '--json']);
    expect(result.code).toBe(0);
    const hashes = parseJson<{ file: string; pdq: string; quality: number; sha256: string }[]>(result);
    sample.forEach((row, index) => {
      expect(hashes[index]).toMatchObject({ pdq: row[5], quality: Number(row[6]), sha256: row[9] });
    });
  });

  it('names a file it cannot read', async () => {
    const result = await runCli(['hash', join(dir, 'missing.jpg')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/missing\.jpg: cannot read/);
  });
});
