/**
 * The visible-case condition every read of case data adds beside row-level security: `column`
 * limited to the caller's cases, or true when all are visible (the node's own work).
 */
import { sql, type RawBuilder } from 'kysely';

export function visibleCases(column: string, visibleCaseIds: readonly string[] | undefined): RawBuilder<unknown> {
  return visibleCaseIds === undefined ? sql`true` : sql`${sql.ref(column)} = ANY(${[...visibleCaseIds]}::bigint[])`;
}
