/**
 * Federation for the people it concerns (issue 10).
 *
 * What other nodes send — a hit notice, a conflict with a
 * registration of theirs — is written by whichever process serves the peer endpoint (the API
 * server, or `crosslink federation serve` beside it). A notification on
 * `crosslink_federation_arrivals` (store/notify.ts) tells every API server on the store to look for
 * what is new and to tell the members of the cases concerned over their event streams
 * (api/arrivals.ts). Statement-level: a message of 5,000 notices is one notification.
 *
 * The references of conflict notices sent (`federation_dx_sent`) become readable, under row-level
 * security, by whoever may see the registration they are about: when the other unit calls quoting
 * one, `crosslink federation reference` finds the case and registration, as it does for hits.
 */
import { sql, type Kysely } from 'kysely';

const APP_ROLE = 'crosslink_app';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE FUNCTION crosslink_notify_federation_arrivals() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('crosslink_federation_arrivals', '');
      RETURN NULL;
    END $$`.execute(db);
  for (const table of ['federation_hits', 'federation_dx_received']) {
    await sql`CREATE TRIGGER ${sql.id(`${table}_arrivals_notify`)} AFTER INSERT ON ${sql.table(table)}
      FOR EACH STATEMENT EXECUTE FUNCTION crosslink_notify_federation_arrivals()`.execute(db);
  }
  const app = sql.id(APP_ROLE);
  for (const statement of [
    sql`ALTER TABLE federation_dx_sent ENABLE ROW LEVEL SECURITY`,
    sql`ALTER TABLE federation_dx_sent FORCE ROW LEVEL SECURITY`,
    sql`CREATE POLICY crosslink_owner ON federation_dx_sent FOR ALL TO CURRENT_USER USING (true) WITH CHECK (true)`,
    // deconfliction_registrations is itself under row-level security: the registrations one may see.
    sql`CREATE POLICY crosslink_read ON federation_dx_sent FOR SELECT TO ${app} USING (registration_id IN (SELECT id FROM deconfliction_registrations))`,
    sql`GRANT SELECT ON federation_dx_sent TO ${app}`,
  ]) {
    await statement.execute(db);
  }
}
