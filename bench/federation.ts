/**
 * Federation: private set intersection of two nodes' selectors over loopback, end to end — two
 * stores, two peer endpoints, signed HTTP messages, ECDH over X25519 (PSI version 2) — then an incremental
 * sync of a day's new selectors, timed until their hits are stored on both nodes.
 *
 *   npm run bench -- federation [--size 1000000] [--overlap 0.1] [--delta SIZE/10] [--batch 5000] [--backend embedded|postgres]
 *
 * "Point operations" are what the protocol spends its time on: per selector pushed, one
 * hash-to-curve and one scalar multiplication on the pushing node, one check and one scalar
 * multiplication on the answering node. Pushes are pipelined (sync.ts): the next batch is blinded
 * while the last is answered and stored. `--backend postgres` runs both nodes on the local server. The peer it is measured against is the same work done in
 * one process without a network or a store (the first table).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { sql } from 'kysely';
import { buildPeerServer } from '../src/api/routes/federation.ts';
import { addPeer, openFederationNode, syncAll, type FederationNode } from '../src/federation/index.ts';
import { blindSelectors, newPsiKey, reblindPoints, scalarOf } from '../src/federation/psi.ts';
import { federationDb } from '../src/federation/tables.ts';
import { addAgency, appendMentions, ensureEntity, internIdentifiers, migrateToLatest, openCase, registerSource, type Store } from '../src/store/index.ts';
import { arg, openBenchStore } from './lib/common.ts';

const args = process.argv.slice(2);
const size = Number(arg(args, '--size', '1000000'));
const overlap = Number(arg(args, '--overlap', '0.1'));
const delta = Number(arg(args, '--delta', String(Math.max(1, Math.round(size / 10)))));
const batchSize = Number(arg(args, '--batch', '5000'));
const backend = arg(args, '--backend', 'embedded') as 'embedded' | 'postgres';

const seconds = (from: number) => (performance.now() - from) / 1000;
const rate = (count: number, time: number) => Math.round(count / time).toLocaleString('en');

/** Selector `i` of a node: the first `common` are the same on both nodes, the rest its own. */
function selectorsOf(prefix: string, from: number, count: number, common: number): [string, string][] {
  return Array.from({ length: count }, (_, k) => {
    const i = from + k;
    return i < common ? ['email', `person${i}@shared.example`] : ['email', `person${i}@${prefix}.example`];
  });
}

async function load(store: Store, agency: string, ref: string, selectors: [string, string][]): Promise<void> {
  const db = store.db;
  const owner = await addAgency(db, { name: agency, country: 'CA' }).catch(async () => (await db.selectFrom('agencies').selectAll().where('name', '=', agency).executeTakeFirstOrThrow()));
  const existing = await db.selectFrom('cases').select(['id', 'agency_id']).where('ref', '=', ref).executeTakeFirst();
  const opened = existing ?? (await openCase(db, { ref, agency }));
  const scope = { agencyId: owner.id, caseId: opened.id };
  if (!existing) await federationDb(db).insertInto('federation_case_policy').values({ case_id: opened.id, agency_id: owner.id, sharing: 'hit-only', types: null }).execute();
  const { source } = await registerSource(db, scope, { sha256: randomBytes(32).toString('hex'), bytes: selectors.length, originalName: 'bench.txt', format: 'text', ingestedBy: 'bench' });
  const entity = await ensureEntity(db, scope, { kind: 'person', key: `bench-${source.id}`, label: 'Bench person', sourceId: source.id });
  for (let start = 0; start < selectors.length; start += 5000) {
    const ids = await internIdentifiers(
      db,
      selectors.slice(start, start + 5000).map(([type, value]) => ({ type, value })),
    );
    await appendMentions(
      db,
      scope,
      [...ids.values()].map((identifierId) => ({ identifierId, sourceId: source.id, entityId: entity.id })),
    );
  }
}

async function count(store: Store, table: 'federation_matches' | 'federation_hits'): Promise<number> {
  return Number((await sql<{ n: string }>`SELECT count(*) AS n FROM ${sql.table(table)}`.execute(store.db)).rows[0]!.n);
}

function pointRates(): void {
  const n = 2000;
  const key = scalarOf(newPsiKey());
  const selectors = Array.from({ length: n }, (_, i) => `phone:+1416555${String(i).padStart(4, '0')}`);
  let started = performance.now();
  const blinded = blindSelectors(selectors, key);
  const blind = seconds(started);
  started = performance.now();
  reblindPoints(blinded, scalarOf(newPsiKey()));
  const reblind = seconds(started);
  console.log('| in one process, one core | operations/s |');
  console.log('|---|---:|');
  console.log(`| blind: hash-to-curve + scalar multiplication | ${rate(n, blind)} |`);
  console.log(`| answer: check + scalar multiplication | ${rate(n, reblind)} |`);
  console.log(`| one selector both ways (2 blinds + 2 answers) | ${rate(n, 2 * (blind + reblind))} |`);
  console.log('');
}

async function main(): Promise<void> {
  pointRates();
  const scratch = mkdtempSync(`${tmpdir()}/crosslink-bench-federation-`);
  const opened: { store: Store; drop: () => Promise<void> }[] = [];
  const servers: Awaited<ReturnType<typeof buildPeerServer>>[] = [];
  try {
    const nodes: FederationNode[] = [];
    const urls: string[] = [];
    for (const name of ['a', 'b']) {
      const bench = await openBenchStore(backend, scratch, `fed${name}`);
      opened.push(bench);
      await migrateToLatest(bench.store.db);
      const node = await openFederationNode(bench.store, { create: true, batchSize, actor: 'bench' });
      const app = await buildPeerServer(node);
      await app.listen({ port: 0, host: '127.0.0.1' });
      servers.push(app);
      nodes.push(node);
      urls.push(`http://127.0.0.1:${(app.server.address() as AddressInfo).port}`);
    }
    const [a, b] = nodes as [FederationNode, FederationNode];
    await addPeer(a.store.db, 'bench', { name: 'b', url: urls[1]!, key: b.identity.publicKey });
    await addPeer(b.store.db, 'bench', { name: 'a', url: urls[0]!, key: a.identity.publicKey });

    const common = Math.round(size * overlap);
    let started = performance.now();
    await load(a.store, 'Agency A', 'A-1', selectorsOf('a', 0, size, common));
    await load(b.store, 'Agency B', 'B-1', selectorsOf('b', 0, size, common));
    const loading = seconds(started);

    // Both nodes push everything; a last round each delivers the notices that made.
    started = performance.now();
    const reports = [...(await syncAll(a)), ...(await syncAll(b)), ...(await syncAll(a)), ...(await syncAll(b))];
    const full = seconds(started);
    const errors = reports.filter((report) => report.error);
    if (errors.length > 0) throw new Error(`sync failed: ${errors.map((report) => report.error).join('; ')}`);
    const pushed = reports.reduce((sum, report) => sum + report.pushed, 0);
    const matches = [await count(a.store, 'federation_matches'), await count(b.store, 'federation_matches')];
    const hits = [await count(a.store, 'federation_hits'), await count(b.store, 'federation_hits')];

    // A day's new selectors on A, half of them also held by B (new on B too, not yet sent).
    const newCommon = Math.round(delta / 2);
    await load(a.store, 'Agency A', 'A-1', selectorsOf('a-new', 0, delta, 0).map(([type, value], i) => (i < newCommon ? [type, `new${i}@both.example`] : [type, value])));
    await load(b.store, 'Agency B', 'B-1', Array.from({ length: newCommon }, (_, i) => ['email', `new${i}@both.example`] as [string, string]));
    started = performance.now();
    const incremental = [...(await syncAll(b)), ...(await syncAll(a)), ...(await syncAll(b))];
    const incrementalTime = seconds(started);
    const incrementalPushed = incremental.reduce((sum, report) => sum + report.pushed, 0);
    const hitsAfter = [await count(a.store, 'federation_hits'), await count(b.store, 'federation_hits')];

    console.log(`| ${backend}, loopback | selectors pushed | seconds | selectors/s | point operations/s | matches (A, B) | hits stored (A, B) |`);
    console.log('|---|---:|---:|---:|---:|---:|---:|');
    console.log(`| full sync, ${size.toLocaleString('en')} × 2 selectors, ${common.toLocaleString('en')} common | ${pushed.toLocaleString('en')} | ${full.toFixed(1)} | ${rate(pushed, full)} | ${rate(pushed * 2, full)} | ${matches.join(', ')} | ${hits.join(', ')} |`);
    console.log(
      `| incremental: ${delta.toLocaleString('en')} new on A (${newCommon.toLocaleString('en')} also new on B) until hits stored on both | ${incrementalPushed.toLocaleString('en')} | ${incrementalTime.toFixed(1)} | ${rate(incrementalPushed, incrementalTime)} | ${rate(incrementalPushed * 2, incrementalTime)} | — | +${hitsAfter[0]! - hits[0]!}, +${hitsAfter[1]! - hits[1]!} |`,
    );
    console.log(`\n(loading the selectors into the two stores, not timed above: ${loading.toFixed(1)} s; batch ${batchSize}; point operations: hash-to-curve or check, each followed by a scalar multiplication)`);
  } finally {
    for (const app of servers) await app.close();
    for (const bench of opened) {
      await bench.store.close();
      await bench.drop();
    }
    rmSync(scratch, { recursive: true, force: true });
  }
}

await main();
