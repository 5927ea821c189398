/**
 * What an analyst types to name a node: `e123` (an entity), `s12` (a subject), `i45` (an
 * identifier), an identifier in any notation (`(416) 555-0123`, an email, a card number),
 * `@handle` or `name@platform`, or an entity's or subject's exact label. Several nodes may answer
 * (the same handle in three cases); callers that need one say so.
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { ExtractContext } from '../extract/index.ts';
import { UserError } from '../model/index.ts';
import { parseQuery } from '../search/index.ts';
import { visibleCases as visible, type Database } from '../store/index.ts';

export interface FoundNode {
  id: string;
  label: string;
  caseRef?: string;
}

export async function findNodes(db: Kysely<Database>, reference: string, context: ExtractContext, visibleCaseIds?: readonly string[]): Promise<FoundNode[]> {
  const trimmed = reference.trim();
  const direct = /^([eis])(\d+)$/i.exec(trimmed);
  let rows: { rows: FoundNode[] };
  if (direct) {
    const id = direct[2]!;
    const kind = direct[1]!.toLowerCase();
    rows =
      kind === 'e'
        ? await sql<FoundNode>`SELECT 'e' || e.id AS id, e.label, c.ref AS "caseRef" FROM entities e JOIN cases c ON c.id = e.case_id WHERE e.id = ${id} AND ${visible('e.case_id', visibleCaseIds)}`.execute(db)
        : kind === 'i'
          ? await sql<FoundNode>`SELECT 'i' || i.id AS id, coalesce(i.display, i.value) AS label FROM identifiers i
              WHERE i.id = ${id} AND EXISTS (SELECT 1 FROM mentions m WHERE m.identifier_id = i.id AND ${visible('m.case_id', visibleCaseIds)})`.execute(db)
          : await sql<FoundNode>`SELECT 's' || s.id AS id, coalesce(crosslink_subject_label(s.id), 'subject ' || s.id) AS label FROM subjects s
              WHERE s.id = ${id} AND EXISTS (SELECT 1 FROM subject_members sm WHERE sm.subject_id = s.id AND ${visible('sm.case_id', visibleCaseIds)})`.execute(db);
    return rows.rows;
  }
  const identifierTerms: RawBuilder<unknown>[] = [];
  // A handle as stored, `name@platform`, is not an email (no dot after the @).
  const stored = /^([^@\s]+)@([a-z]+)$/i.exec(trimmed);
  if (stored) identifierTerms.push(sql`(i.type = 'handle' AND i.value = ${`${stored[1]!.toLowerCase()}@${stored[2]!.toLowerCase()}`})`);
  else {
    const query = parseQuery(trimmed, context);
    for (const term of query.identifiers) identifierTerms.push(sql`(i.type = ${term.type} AND i.value = ${term.value})`);
    for (const handle of query.handles) identifierTerms.push(sql`(i.type = 'handle' AND i.value LIKE ${`${handle.toLowerCase().replace(/[\\%_]/g, '\\$&')}@%`})`);
  }
  if (identifierTerms.length > 0) {
    rows = await sql<FoundNode>`SELECT 'i' || i.id AS id, coalesce(i.display, i.value) AS label FROM identifiers i
      WHERE (${sql.join(identifierTerms, sql` OR `)}) AND EXISTS (SELECT 1 FROM mentions m WHERE m.identifier_id = i.id AND ${visible('m.case_id', visibleCaseIds)})
      ORDER BY i.id`.execute(db);
    return rows.rows;
  }
  rows = await sql<FoundNode>`
    SELECT 'e' || e.id AS id, e.label, c.ref AS "caseRef" FROM entities e JOIN cases c ON c.id = e.case_id
    WHERE lower(e.label) = ${trimmed.toLowerCase()} AND e.supersedes IS NULL AND ${visible('e.case_id', visibleCaseIds)}
    UNION ALL
    SELECT 's' || s.id, crosslink_subject_label(s.id), NULL FROM subjects s
    WHERE lower(crosslink_subject_label(s.id)) = ${trimmed.toLowerCase()} AND (SELECT count(*) FROM subject_members sm WHERE sm.subject_id = s.id AND ${visible('sm.case_id', visibleCaseIds)}) > 1
    ORDER BY 1 LIMIT 100`.execute(db);
  return rows.rows;
}

export async function findOneNode(db: Kysely<Database>, reference: string, context: ExtractContext, visibleCaseIds?: readonly string[]): Promise<FoundNode> {
  const found = await findNodes(db, reference, context, visibleCaseIds);
  if (found.length === 0) throw new UserError(`nothing you may see is called '${reference}' (try e<id>, s<id>, an identifier, @handle or an exact name)`, 'not_found');
  if (found.length > 1) {
    const shown = found.slice(0, 5).map((node) => `${node.id} (${node.label}${node.caseRef ? `, ${node.caseRef}` : ''})`);
    throw new UserError(`'${reference}' names ${found.length} nodes: ${shown.join(', ')}${found.length > 5 ? ', …' : ''}; name one by its id`, 'invalid');
  }
  return found[0]!;
}
