import { describe, expect, it } from 'vitest';
import { isNodeAdmin, mayGrantCasesOf, mayManageUsersOf, parseRole, readsWholeAuditLog, ROLES, type Principal, type Role } from './roles.ts';

const user = (role: Role, agencyId: string | null): Principal => ({ id: '1', name: `${role}-${agencyId ?? 'node'}`, role, agencyId });

describe('roles', () => {
  it('parses the four roles in any case and refuses others with the list', () => {
    for (const role of Object.keys(ROLES)) expect(parseRole(role.toUpperCase())).toBe(role);
    expect(() => parseRole('superuser')).toThrow(/role 'superuser' must be one of: analyst, supervisor, auditor, admin/);
  });

  it('lets only supervisors and administrators of the owning agency, or a node administrator, grant its cases', () => {
    expect(mayGrantCasesOf(user('supervisor', '7'), '7')).toBe(true);
    expect(mayGrantCasesOf(user('admin', '7'), '7')).toBe(true);
    expect(mayGrantCasesOf(user('admin', null), '7')).toBe(true);
    expect(mayGrantCasesOf(user('supervisor', '8'), '7')).toBe(false);
    expect(mayGrantCasesOf(user('admin', '8'), '7')).toBe(false);
    expect(mayGrantCasesOf(user('analyst', '7'), '7')).toBe(false);
    expect(mayGrantCasesOf(user('auditor', '7'), '7')).toBe(false);
  });

  it('lets administrators manage their own agency’s users, and only a node administrator another node administrator', () => {
    expect(mayManageUsersOf(user('admin', '7'), '7')).toBe(true);
    expect(mayManageUsersOf(user('admin', '7'), '8')).toBe(false);
    expect(mayManageUsersOf(user('admin', '7'), null)).toBe(false);
    expect(mayManageUsersOf(user('admin', null), null)).toBe(true);
    expect(mayManageUsersOf(user('supervisor', '7'), '7')).toBe(false);
    expect(isNodeAdmin(user('admin', null))).toBe(true);
    expect(isNodeAdmin(user('admin', '7'))).toBe(false);
  });

  it('gives the whole audit log to auditors and administrators only', () => {
    expect(readsWholeAuditLog(user('auditor', '7'))).toBe(true);
    expect(readsWholeAuditLog(user('admin', '7'))).toBe(true);
    expect(readsWholeAuditLog(user('supervisor', '7'))).toBe(false);
    expect(readsWholeAuditLog(user('analyst', '7'))).toBe(false);
  });
});
