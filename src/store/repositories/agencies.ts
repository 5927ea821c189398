/** Agencies: the police forces and units that own cases. */
import type { Kysely } from 'kysely';
import { UserError } from '../../model/index.ts';
import { isUniqueViolation } from '../errors.ts';
import type { Agency, Database } from '../schema.ts';

export interface AgencyContact {
  officer?: string;
  phone?: string;
  email?: string;
}

export interface NewAgency {
  name: string;
  country: string;
  kind?: string;
  contact?: AgencyContact;
}

export async function addAgency(db: Kysely<Database>, agency: NewAgency): Promise<Agency> {
  const name = agency.name.trim();
  if (name === '') throw new UserError('an agency needs a name');
  const country = agency.country.trim().toUpperCase();
  if (!/^[A-Z]{2}$/.test(country)) throw new UserError(`country '${agency.country}' is not an ISO 3166 two-letter code (e.g. CA, GB, US, AU)`);
  try {
    return await db
      .insertInto('agencies')
      .values({ name, country, kind: agency.kind ?? null, contact: { ...agency.contact } })
      .returningAll()
      .executeTakeFirstOrThrow();
  } catch (error) {
    if (isUniqueViolation(error)) throw new UserError(`agency '${name}' already exists`, 'conflict');
    throw error;
  }
}

export async function findAgency(db: Kysely<Database>, name: string): Promise<Agency | undefined> {
  return db
    .selectFrom('agencies')
    .selectAll()
    .where((eb) => eb(eb.fn('lower', ['name']), '=', name.trim().toLowerCase()))
    .executeTakeFirst();
}

export async function requireAgency(db: Kysely<Database>, name: string): Promise<Agency> {
  const agency = await findAgency(db, name);
  if (!agency) throw new UserError(`no agency named '${name}' (see 'crosslink stats' or add it with 'crosslink agency add')`, 'not_found');
  return agency;
}

export async function listAgencies(db: Kysely<Database>): Promise<Agency[]> {
  return db.selectFrom('agencies').selectAll().orderBy('name').execute();
}
