/**
 * The tag lookups of an exchange stay index probes on tables without statistics (PGlite has no
 * autovacuum; a server may run without it): written as a join, PostgreSQL hashed the peer's whole
 * tag table for every batch, a cost that grew with the table (docs/benchmarks.md, stop 17). The
 * statements are captured as they run and explained afterwards, on both backends.
 */
import { createHash } from 'node:crypto';
import { CompiledQuery, createQueryId, sql, type KyselyPlugin, type RootOperationNode } from 'kysely';
import { describe, expect, it } from 'vitest';
import { recordOwnExchange } from '../../src/federation/matching.ts';
import { internIdentifiers } from '../../src/store/index.ts';
import { BACKENDS } from '../backends.ts';

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

function* nodesOf(plan: PlanNode): Generator<PlanNode> {
  yield plan;
  for (const child of plan.Plans ?? []) yield* nodesOf(child);
}

const tag = (i: number) => createHash('sha256').update(`tag ${i}`).digest().subarray(0, 16);

describe.each(BACKENDS)('tag lookups on $name', (backend) => {
  it('probe the peer’s tags by key, not by reading the whole table, when nothing was analyzed', async () => {
    const store = await backend.open();
    try {
      const peer = '1';
      await sql`INSERT INTO federation_theirs (peer_id, tag) SELECT ${peer}, substring(sha256(g::text::bytea) FROM 1 FOR 16) FROM generate_series(1, 20000) g`.execute(store.db);
      // A batch as a sync sends it: thousands of selectors at once.
      const batch = Array.from({ length: 5000 }, (_, i) => i);
      const ids = await internIdentifiers(store.db, batch.map((i) => ({ type: 'email', value: `person${i}@example.org` })));

      const captured: RootOperationNode[] = [];
      const capture: KyselyPlugin = {
        transformQuery: ({ node }) => (captured.push(node), node),
        transformResult: async ({ result }) => result,
      };
      const matches = await store.db
        .withPlugin(capture)
        .transaction()
        .execute((trx) => recordOwnExchange(trx, peer, [...ids.values()], batch.map(tag)));
      expect(matches).toEqual([]);

      const statement = captured.map((node) => store.db.getExecutor().compileQuery(node, createQueryId())).find((query) => query.sql.includes('federation_theirs'));
      expect(statement).toBeDefined();
      const explained = await store.db.executeQuery<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(CompiledQuery.raw(`EXPLAIN (FORMAT JSON) ${statement!.sql}`, [...statement!.parameters]));
      const plan = [...nodesOf(explained.rows[0]!['QUERY PLAN'][0].Plan)];
      const onTheirs = plan.filter((node) => node['Relation Name'] === 'federation_theirs');
      expect(onTheirs.length).toBeGreaterThan(0);
      expect(onTheirs.map((node) => node['Node Type'])).not.toContain('Seq Scan');
      expect(plan.map((node) => node['Index Name'])).toContain('federation_theirs_pkey');
      expect(plan.map((node) => node['Node Type'])).not.toContain('Hash Join');
      // Each selector is checked to be still there (no foreign key does it: migration 0023) by key too.
      const onIdentifiers = plan.filter((node) => node['Relation Name'] === 'identifiers');
      expect(onIdentifiers.length).toBeGreaterThan(0);
      expect(onIdentifiers.map((node) => node['Node Type'])).not.toContain('Seq Scan');
    } finally {
      await store.close();
    }
  });

  it('records only selectors whose identifier is still there (one a purge removed since it was read is skipped)', async () => {
    const store = await backend.open();
    try {
      const ids = [...(await internIdentifiers(store.db, [{ type: 'email', value: 'kept@example.org' }])).values()];
      const removed = String(Number(ids[0]) + 1000);
      const theirs = [tag(1), tag(2)];
      await sql`INSERT INTO federation_theirs (peer_id, tag) VALUES (1, ${theirs[0]}), (1, ${theirs[1]})`.execute(store.db);
      const matches = await store.db.transaction().execute((trx) => recordOwnExchange(trx, '1', [ids[0]!, removed], theirs));
      expect(matches.map((match) => match.identifierId)).toEqual([ids[0]]);
      const mine = await sql<{ identifier_id: string }>`SELECT identifier_id FROM federation_mine`.execute(store.db);
      expect(mine.rows.map((row) => row.identifier_id)).toEqual([ids[0]]);
    } finally {
      await store.close();
    }
  });
});
