/** Counts of what a store holds, overall and per case: the `crosslink stats` view. */
import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';

const TABLES = ['agencies', 'cases', 'sources', 'records', 'entities', 'identifiers', 'mentions', 'links', 'subjects', 'audit_log'] as const;
type Counted = (typeof TABLES)[number];

export interface CaseStats {
  ref: string;
  agency: string;
  title: string | null;
  sources: number;
  records: number;
  entities: number;
  links: number;
}

export interface StoreStats {
  totals: Record<Counted, number>;
  cases: CaseStats[];
}

export async function storeStats(db: Kysely<Database>): Promise<StoreStats> {
  const totals = {} as Record<Counted, number>;
  for (const table of TABLES) {
    const row = await db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    totals[table] = Number(row.n);
  }
  const countBy = async (table: 'sources' | 'records' | 'entities' | 'links') => {
    const rows = await db
      .selectFrom(table)
      .select(['case_id', (eb) => eb.fn.countAll<string>().as('n')])
      .groupBy('case_id')
      .execute();
    return new Map(rows.map((row) => [row.case_id, Number(row.n)]));
  };
  const [sources, records, entities, links] = await Promise.all([countBy('sources'), countBy('records'), countBy('entities'), countBy('links')]);
  const caseRows = await db
    .selectFrom('cases')
    .innerJoin('agencies', 'agencies.id', 'cases.agency_id')
    .select(['cases.id', 'cases.ref', 'cases.title', 'agencies.name as agency'])
    .orderBy('cases.ref')
    .execute();
  return {
    totals,
    cases: caseRows.map((row) => ({
      ref: row.ref,
      agency: row.agency,
      title: row.title,
      sources: sources.get(row.id) ?? 0,
      records: records.get(row.id) ?? 0,
      entities: entities.get(row.id) ?? 0,
      links: links.get(row.id) ?? 0,
    })),
  };
}
