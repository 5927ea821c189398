/**
 * Roles and what each may do, as data: the CLI, the API and the tests read this one table. Case
 * data is never a matter of role: it takes membership of the case (see membership.ts).
 */
import { UserError } from '../model/index.ts';

export const ROLES = {
  analyst: { label: 'Analyst', does: 'works the cases they are a member of' },
  supervisor: { label: 'Supervisor', does: "also grants other users access to their agency's cases" },
  auditor: { label: 'Auditor', does: 'reads and verifies the whole audit log; no case data without a grant' },
  admin: { label: 'Administrator', does: 'manages agencies, users and tokens (of their agency, or of every agency without one)' },
} as const;

export type Role = keyof typeof ROLES;

/** The name of the local administrator that `crosslink init` creates: a node administrator (no agency). */
export const LOCAL_ADMIN = 'admin';

/** An authenticated user, as access decisions need them. */
export interface Principal {
  id: string;
  name: string;
  role: Role;
  /** Undefined/null for a node administrator. */
  agencyId: string | null;
}

export function parseRole(value: string): Role {
  const role = value.trim().toLowerCase();
  if (!(role in ROLES)) throw new UserError(`role '${value}' must be one of: ${Object.keys(ROLES).join(', ')}`);
  return role as Role;
}

export function isNodeAdmin(actor: Principal): boolean {
  return actor.role === 'admin' && actor.agencyId === null;
}

/** Supervisors and administrators of the owning agency grant its cases; a node administrator any. */
export function mayGrantCasesOf(actor: Principal, agencyId: string): boolean {
  return isNodeAdmin(actor) || ((actor.role === 'supervisor' || actor.role === 'admin') && actor.agencyId === agencyId);
}

/** Administrators manage the users of their agency; a node administrator everyone's. */
export function mayManageUsersOf(actor: Principal, agencyId: string | null): boolean {
  return isNodeAdmin(actor) || (actor.role === 'admin' && agencyId !== null && actor.agencyId === agencyId);
}

/** Auditors and administrators read the whole audit log; everyone else the entries they wrote. */
export function readsWholeAuditLog(actor: Principal): boolean {
  return actor.role === 'auditor' || actor.role === 'admin';
}
