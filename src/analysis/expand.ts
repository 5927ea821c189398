/**
 * The n-hop neighbourhood found in the store, hop by hop with indexed lookups, so that expanding
 * one person in a chart costs milliseconds however large the data is (loading the whole
 * projection would cost seconds). The same rules as `neighbourhood()`: identifiers used by more
 * than `hubDegree` entities are shown but not expanded through.
 */
import { sql, type Kysely } from 'kysely';
import { visibleCases as visible, type Database } from '../store/index.ts';
import type { Neighbourhood, NeighbourhoodOptions } from './neighbourhood.ts';
import { loadProjection, type ProjectionOptions } from './projection.ts';

const ids = (prefix: string, nodes: Iterable<string>) => [...nodes].filter((node) => node.startsWith(prefix)).map((node) => node.slice(prefix.length));

export async function expandFromStore(
  db: Kysely<Database>,
  start: readonly string[],
  options: NeighbourhoodOptions & Pick<ProjectionOptions, 'visibleCaseIds' | 'from' | 'to'> = {},
): Promise<Neighbourhood> {
  const hops = options.hops ?? 2;
  const hubDegree = options.hubDegree ?? 200;
  const maxNodes = options.maxNodes ?? 5000;
  const scope = options.visibleCaseIds;
  const included = new Set(start);
  const identifierDegree = new Map<string, number>();
  const hubs: Neighbourhood['hubs'] = [];
  let frontier = new Set(start);
  let truncated = false;

  const degreesOf = async (identifiers: string[]) => {
    const unknown = identifiers.filter((id) => !identifierDegree.has(`i${id}`));
    if (unknown.length === 0) return;
    const rows = await sql<{ identifier_id: string; entities: string }>`
      SELECT identifier_id, count(DISTINCT entity_id) AS entities FROM mentions m
      WHERE identifier_id = ANY(${unknown}::bigint[]) AND entity_id IS NOT NULL AND ${visible('m.case_id', scope)}
      GROUP BY identifier_id`.execute(db);
    for (const row of rows.rows) identifierDegree.set(`i${row.identifier_id}`, Number(row.entities));
  };

  for (let hop = 0; hop < hops && frontier.size > 0 && !truncated; hop++) {
    const entities = ids('e', frontier);
    const identifiers = ids('i', frontier);
    const subjects = ids('s', frontier);
    await degreesOf(identifiers);
    const expandable = identifiers.filter((id) => {
      const degree = identifierDegree.get(`i${id}`) ?? 0;
      if (degree > hubDegree && !start.includes(`i${id}`)) {
        hubs.push({ id: `i${id}`, degree });
        return false;
      }
      return true;
    });
    const found = await sql<{ node: string }>`
      SELECT 'e' || l.to_entity_id AS node FROM links l WHERE l.from_entity_id = ANY(${entities}::bigint[]) AND l.supersedes IS NULL AND ${visible('l.case_id', scope)}
      UNION SELECT 'e' || l.from_entity_id FROM links l WHERE l.to_entity_id = ANY(${entities}::bigint[]) AND l.supersedes IS NULL AND ${visible('l.case_id', scope)}
      UNION SELECT 'i' || m.identifier_id FROM mentions m JOIN identifiers i ON i.id = m.identifier_id
        WHERE m.entity_id = ANY(${entities}::bigint[]) AND i.type NOT IN ('url', 'domain') AND ${visible('m.case_id', scope)}
      UNION SELECT 'e' || m.entity_id FROM mentions m WHERE m.identifier_id = ANY(${expandable}::bigint[]) AND m.entity_id IS NOT NULL AND ${visible('m.case_id', scope)}
      UNION SELECT 'e' || mm.entity_b FROM media_matches mm WHERE mm.entity_a = ANY(${entities}::bigint[]) AND ${visible('mm.case_b', scope)}
      UNION SELECT 'e' || mm.entity_a FROM media_matches mm WHERE mm.entity_b = ANY(${entities}::bigint[]) AND ${visible('mm.case_a', scope)}
      UNION SELECT 's' || sm.subject_id FROM subject_members sm WHERE sm.entity_id = ANY(${entities}::bigint[]) AND ${visible('sm.case_id', scope)}
      UNION SELECT 'e' || sm.entity_id FROM subject_members sm WHERE sm.subject_id = ANY(${subjects}::bigint[]) AND ${visible('sm.case_id', scope)}`.execute(db);
    const next = new Set<string>();
    for (const { node } of found.rows) {
      if (included.has(node)) continue;
      if (included.size >= maxNodes) {
        truncated = true;
        break;
      }
      included.add(node);
      next.add(node);
    }
    frontier = next;
  }
  await degreesOf(ids('i', included));
  const projection = await loadProjection(db, {
    visibleCaseIds: scope,
    from: options.from,
    to: options.to,
    only: { entities: ids('e', included), identifiers: ids('i', included), subjects: ids('s', included), identifierDegree },
  });
  // Kind and case filters apply to what is shown, as in the in-memory neighbourhood.
  const kinds = options.kinds && options.kinds.length > 0 ? new Set(options.kinds) : undefined;
  const cases = options.caseRefs && options.caseRefs.length > 0 ? new Set(options.caseRefs.map((ref) => ref.toLowerCase())) : undefined;
  const shown = projection.data.nodes.filter(
    (node) => start.includes(node.id) || ((!kinds || kinds.has(node.kind)) && (!cases || node.caseRef === undefined || cases.has(node.caseRef.toLowerCase()))),
  );
  const shownIds = new Set(shown.map((node) => node.id));
  return { nodes: shown, edges: projection.data.edges.filter((edge) => shownIds.has(edge.source) && shownIds.has(edge.target)), hubs, truncated };
}
