/**
 * Identifiers (one row per normalised value, shared by all cases) and mentions (who holds
 * one, where: the provenance that lets an officer open the source at the right line).
 */
import { sql, type Kysely } from 'kysely';
import { identifierType } from '../../model/index.ts';
import type { Database, Mention } from '../schema.ts';
import type { CaseScope } from './sources.ts';

export interface IdentifierValue {
  type: string;
  /** The normalised value (E.164 phone, lower-case email, card token, …). */
  value: string;
  /** A safe human rendering (e.g. `411111…1111` for a card); never the secret itself. */
  display?: string;
}

export const identifierKey = (type: string, value: string): string => `${type}\u0000${value}`;

/** Returns the ids of these identifiers, inserting the ones not yet known. Keyed by identifierKey. */
export async function internIdentifiers(db: Kysely<Database>, values: IdentifierValue[]): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  const unique = new Map<string, IdentifierValue>();
  for (const value of values) {
    identifierType(value.type);
    unique.set(identifierKey(value.type, value.value), value);
  }
  if (unique.size === 0) return ids;
  const rows = [...unique.values()];
  // Through the definer function of migration 0009: an acting user cannot read a value that no
  // case it may see mentions yet, so it cannot look up the ids of the ones already known itself.
  const interned = await sql<{ id: string; type: string; value: string }>`
    SELECT id::text AS id, type, value
    FROM crosslink_intern_identifiers(${rows.map((row) => row.type)}::text[], ${rows.map((row) => row.value)}::text[], ${rows.map((row) => row.display ?? null)}::text[])`.execute(db);
  for (const row of interned.rows) ids.set(identifierKey(row.type, row.value), row.id);
  return ids;
}

export interface NewMentionInput {
  identifierId: string;
  sourceId: string;
  entityId?: string | null;
  recordId?: string | null;
  line?: number | null;
  byteOffset?: number | null;
  role?: string | null;
}

export async function appendMentions(db: Kysely<Database>, scope: CaseScope, mentions: NewMentionInput[]): Promise<Mention[]> {
  if (mentions.length === 0) return [];
  return db
    .insertInto('mentions')
    .values(
      mentions.map((mention) => ({
        agency_id: scope.agencyId,
        case_id: scope.caseId,
        identifier_id: mention.identifierId,
        source_id: mention.sourceId,
        entity_id: mention.entityId ?? null,
        record_id: mention.recordId ?? null,
        line: mention.line ?? null,
        byte_offset: mention.byteOffset ?? null,
        role: mention.role ?? null,
      })),
    )
    .returningAll()
    .execute();
}

/** The cases that hold an identifier (by normalised value), with how often. */
export async function casesHolding(db: Kysely<Database>, type: string, value: string): Promise<{ case_id: string; mentions: number }[]> {
  const rows = await db
    .selectFrom('mentions')
    .innerJoin('identifiers', 'identifiers.id', 'mentions.identifier_id')
    .where('identifiers.type', '=', type)
    .where('identifiers.value', '=', value)
    .groupBy('mentions.case_id')
    .select(['mentions.case_id', (eb) => eb.fn.countAll<string>().as('mentions')])
    .orderBy('mentions.case_id')
    .execute();
  return rows.map((row) => ({ case_id: row.case_id, mentions: Number(row.mentions) }));
}
