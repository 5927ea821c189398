/**
 * The migration list, explicit and in order (no directory scanning, so it works the same
 * under tsx, a bundle or a test runner). Append new migrations; never edit a landed one.
 */
import type { Migration, MigrationProvider } from 'kysely';
import * as foundation from './0001_foundation.ts';
import * as ingest from './0002_ingest.ts';
import * as search from './0003_search.ts';
import * as decisions from './0004_decisions.ts';
import * as resolutionIncremental from './0005_resolution_incremental.ts';
import * as media from './0006_media.ts';
import * as access from './0007_access.ts';
import * as hashSetAccess from './0008_hash_set_access.ts';
import * as hits from './0009_hits.ts';
import * as deconfliction from './0010_deconfliction.ts';
import * as retention from './0011_retention.ts';
import * as federation from './0012_federation.ts';
import * as entityRecords from './0013_entity_records.ts';
import * as federationExchange from './0014_federation_exchange.ts';
import * as decisionWithdrawal from './0015_decision_withdrawal.ts';
import * as visibleCasesPlpgsql from './0016_visible_cases_plpgsql.ts';
import * as recordsSourceLine from './0017_records_source_line.ts';
import * as identifierHitsByKey from './0018_identifier_hits_by_key.ts';
import * as auditAppendFunction from './0019_audit_append_function.ts';
import * as federationTagsWithoutPeerKeys from './0020_federation_tags_without_peer_keys.ts';
import * as federationNoticeKeys from './0021_federation_notice_keys.ts';
import * as newDataNotify from './0022_new_data_notify.ts';
import * as federationWithoutIdentifierKeys from './0023_federation_without_identifier_keys.ts';
import * as federationArrivalsNotify from './0024_federation_arrivals_notify.ts';

const MIGRATIONS: Record<string, Migration> = {
  '0001_foundation': foundation,
  '0002_ingest': ingest,
  '0003_search': search,
  '0004_decisions': decisions,
  '0005_resolution_incremental': resolutionIncremental,
  '0006_media': media,
  '0007_access': access,
  '0008_hash_set_access': hashSetAccess,
  '0009_hits': hits,
  '0010_deconfliction': deconfliction,
  '0011_retention': retention,
  '0012_federation': federation,
  '0013_entity_records': entityRecords,
  '0014_federation_exchange': federationExchange,
  '0015_decision_withdrawal': decisionWithdrawal,
  '0016_visible_cases_plpgsql': visibleCasesPlpgsql,
  '0017_records_source_line': recordsSourceLine,
  '0018_identifier_hits_by_key': identifierHitsByKey,
  '0019_audit_append_function': auditAppendFunction,
  '0020_federation_tags_without_peer_keys': federationTagsWithoutPeerKeys,
  '0021_federation_notice_keys': federationNoticeKeys,
  '0022_new_data_notify': newDataNotify,
  '0023_federation_without_identifier_keys': federationWithoutIdentifierKeys,
  '0024_federation_arrivals_notify': federationArrivalsNotify,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => MIGRATIONS,
};
