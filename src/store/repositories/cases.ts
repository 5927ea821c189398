/** Cases: investigations owned by one agency, the need-to-know boundary. */
import type { Kysely } from 'kysely';
import { UserError } from '../../model/index.ts';
import { isUniqueViolation } from '../errors.ts';
import type { Case, Database } from '../schema.ts';
import { requireAgency } from './agencies.ts';

export interface NewCase {
  ref: string;
  agency: string;
  title?: string;
  officer?: string;
}

const REF = /^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$/;

export async function openCase(db: Kysely<Database>, input: NewCase): Promise<Case> {
  const ref = input.ref.trim();
  if (!REF.test(ref)) {
    throw new UserError(`case reference '${input.ref}' must be 1–64 letters, digits, '.', '_', '/' or '-', starting with a letter or digit`);
  }
  const agency = await requireAgency(db, input.agency);
  // A reference in use by a case the caller may see is named as such; one held by a case it may
  // not see must not be confirmed to exist (row-level security decides which this lookup finds).
  if (await findCase(db, ref)) throw new UserError(`case '${ref}' already exists`, 'conflict');
  try {
    return await db
      .insertInto('cases')
      .values({ ref, agency_id: agency.id, title: input.title ?? null, officer: input.officer ?? null })
      .returningAll()
      .executeTakeFirstOrThrow();
  } catch (error) {
    if (isUniqueViolation(error)) throw new UserError(`case reference '${ref}' is not available: choose another`, 'conflict');
    throw error;
  }
}

export async function findCase(db: Kysely<Database>, ref: string): Promise<Case | undefined> {
  return db
    .selectFrom('cases')
    .selectAll()
    .where((eb) => eb(eb.fn('lower', ['ref']), '=', ref.trim().toLowerCase()))
    .executeTakeFirst();
}

export async function requireCase(db: Kysely<Database>, ref: string): Promise<Case> {
  const found = await findCase(db, ref);
  if (!found) throw new UserError(`no case '${ref}' (open it with 'crosslink case open')`, 'not_found');
  return found;
}

export async function listCases(db: Kysely<Database>): Promise<(Case & { agency: string })[]> {
  return db
    .selectFrom('cases')
    .innerJoin('agencies', 'agencies.id', 'cases.agency_id')
    .selectAll('cases')
    .select('agencies.name as agency')
    .orderBy('cases.ref')
    .execute();
}
