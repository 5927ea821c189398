/**
 * Federation latency (issue 10): a node learns of new data when it is written, not at its next
 * periodic round. Triggers send a notification on `crosslink_new_data` (store/notify.ts) when a
 * source completes — the end of every ingest, by the CLI, the API or a media folder, in whatever
 * process — when a case's sharing policy is set or changed, and when a deconfliction registration
 * is added or changed. Statement-level where a statement may touch many rows; PostgreSQL folds the
 * identical notifications of one transaction into one, sent at commit (none on a rollback).
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE FUNCTION crosslink_notify_new_data() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('crosslink_new_data', '');
      RETURN NULL;
    END $$`.execute(db);
  await sql`CREATE TRIGGER sources_completed_notify AFTER UPDATE OF status ON sources
    FOR EACH ROW WHEN (NEW.status = 'complete' AND OLD.status IS DISTINCT FROM 'complete')
    EXECUTE FUNCTION crosslink_notify_new_data()`.execute(db);
  await sql`CREATE TRIGGER federation_case_policy_notify AFTER INSERT OR UPDATE ON federation_case_policy
    FOR EACH STATEMENT EXECUTE FUNCTION crosslink_notify_new_data()`.execute(db);
  await sql`CREATE TRIGGER deconfliction_registrations_notify AFTER INSERT OR UPDATE ON deconfliction_registrations
    FOR EACH STATEMENT EXECUTE FUNCTION crosslink_notify_new_data()`.execute(db);
}
