/**
 * What every route module is given: the store, the jobs and event stream, settings, and `asUser`
 * — the one way a route reads or writes case data: a transaction acting as the signed-in user,
 * where PostgreSQL's row-level security decides what exists, and where the audit entry of what
 * the user read or did commits with the work.
 */
import type { FastifyRequest } from 'fastify';
import type { Transaction } from 'kysely';
import { withUser, type Principal } from '../access/index.ts';
import { UserError } from '../model/index.ts';
import { appendAuditIn, findCase, type AuditEvent, type Database, type Store } from '../store/index.ts';
import type { AuditQueue } from './audit-queue.ts';
import { principalOf } from './auth.ts';
import type { EventHub } from './events.ts';
import type { Jobs } from './jobs.ts';

export interface AuditScope {
  agencyId?: string | null;
  caseId?: string | null;
  target?: string | null;
}

export interface Acting {
  user: Principal;
  /** Appends to the audit log in the same transaction, in the user's name: for work that changes something. */
  audit(action: string, details?: Record<string, unknown>, scope?: AuditScope): Promise<void>;
  /**
   * Audits a read, in the user's name: the entry is appended once the read's transaction has
   * ended, batched with other requests' (audit-queue.ts), and the request answers only once it
   * has committed — a read whose entry failed is never answered. Nothing is appended when the
   * work fails.
   */
  auditRead(action: string, details?: Record<string, unknown>, scope?: AuditScope): void;
}

export interface ApiSettings {
  /** Largest upload (source or hash set), in bytes. */
  uploadBytes: number;
  /** Where uploads are written before they are ingested. */
  uploadDir: string;
  /** Phone region for numbers typed without a country code. */
  region: string;
  /** Sign-in attempts per client address per minute. */
  loginsPerMinute: number;
  /** Mark the session cookie Secure (behind TLS). */
  secureCookies: boolean;
}

export interface ApiContext {
  store: Store;
  jobs: Jobs;
  events: EventHub;
  settings: ApiSettings;
  /** The key for card-number tokens (search and ingest need the same one the store was loaded with). */
  cardSecret(): Buffer;
  asUser<T>(request: FastifyRequest, work: (db: Transaction<Database>, acting: Acting) => Promise<T>): Promise<T>;
  /** Where reads' audit entries wait to be written together (closing the server waits for it). */
  auditQueue: AuditQueue;
  /** Every route the server has, and whether the API description lists it (tests check that it does). */
  routes: { method: string; url: string; documented: boolean }[];
}

export function actingFor(store: Store, queue: AuditQueue) {
  return async function asUser<T>(request: FastifyRequest, work: (db: Transaction<Database>, acting: Acting) => Promise<T>): Promise<T> {
    const user = principalOf(request);
    const event = (action: string, details: Record<string, unknown>, scope: AuditScope) => ({
      actor: user.name,
      action,
      details,
      agencyId: scope.agencyId ?? null,
      caseId: scope.caseId ?? null,
      target: scope.target ?? null,
    });
    const reads: AuditEvent[] = [];
    const result = await withUser(store, { id: user.id, name: user.name }, (trx) =>
      work(trx, {
        user,
        audit: async (action, details = {}, scope = {}) => {
          await appendAuditIn(trx, event(action, details, scope));
        },
        auditRead: (action, details = {}, scope = {}) => {
          reads.push({ ...event(action, details, scope), at: new Date() });
        },
      }),
    );
    await Promise.all(reads.map((read) => queue.append(read)));
    return result;
  };
}

/** The audit scope of a case the user may see (for entries an auditor can find by case). */
export async function caseScope(db: Transaction<Database>, ref: string): Promise<{ agencyId: string; caseId: string; target: string }> {
  const found = await findCase(db, ref);
  if (!found) throw new UserError(`no case '${ref}' that you may see`, 'not_found');
  return { agencyId: found.agency_id, caseId: found.id, target: found.ref };
}
