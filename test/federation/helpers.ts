/**
 * Reading back what federation left on a test node: its hits (case, own selector, which peer), and
 * a sync round over several nodes.
 */
import { syncAll, type SyncReport } from '../../src/federation/index.ts';
import { federationDb } from '../../src/federation/tables.ts';
import type { TestNode } from './harness.ts';

export interface HitRow {
  case: string;
  selector: string;
  from: string;
  notice: Record<string, unknown>;
}

export async function hitsOn(node: TestNode): Promise<HitRow[]> {
  const rows = await federationDb(node.store.db)
    .selectFrom('federation_hits as h')
    .innerJoin('cases as c', 'c.id', 'h.case_id')
    .innerJoin('identifiers as i', 'i.id', 'h.identifier_id')
    .innerJoin('federation_peers as p', 'p.id', 'h.peer_id')
    .select(['c.ref', 'i.type', 'i.value', 'p.name', 'h.notice'])
    .execute();
  return rows.map((row) => ({ case: row.ref, selector: `${row.type}:${row.value}`, from: row.name, notice: row.notice }));
}

export const summary = (rows: HitRow[]) => rows.map((row) => `${row.case} ${row.selector} <- ${row.from}`).sort();

/** Each node syncs with all its peers, one node after another. */
export async function round(nodes: TestNode[]): Promise<SyncReport[]> {
  const reports: SyncReport[] = [];
  for (const node of nodes) reports.push(...(await syncAll(node.node, { actor: 'test' })));
  return reports;
}

/** Polls `ready` every 25 ms until it holds or `ms` pass; returns whether it holds. */
export async function waitFor(ready: () => Promise<boolean> | boolean, ms = 30_000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!(await ready()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
  return ready();
}
