/**
 * @module access — who may see what: users and roles, authentication (argon2id passwords, hashed
 * tokens and sessions, lockout), case membership and grants, acting as a user (PostgreSQL
 * row-level security does the enforcing; see store/migrations/0007_access.ts), and the audit log
 * for auditors.
 */
export { ROLES, LOCAL_ADMIN, parseRole, isNodeAdmin, mayGrantCasesOf, mayManageUsersOf, readsWholeAuditLog, type Role, type Principal } from './roles.ts';
export { MIN_PASSWORD_LENGTH, TOKEN_PREFIX, checkPassword, hashPassword, isWellFormedToken, newToken, tokenHash, verifyPassword } from './secrets.ts';
export { addUser, disableUser, ensureLocalAdmin, findUser, listUsers, principalOf, requireUser, type NewUser, type UserView } from './users.ts';
export {
  LOCKOUT,
  SESSION_HOURS,
  authenticatePassword,
  authenticateToken,
  createToken,
  listTokens,
  login,
  logout,
  revokeToken,
  type IssuedToken,
  type TokenView,
} from './authenticate.ts';
export { actingVisibleCaseIds, caseMembers, grantCase, revokeCase, visibleCaseIds, type MemberView } from './membership.ts';
export { searchAudit, verifyAuditLog, type AuditEntryView, type AuditFilters, type AuditReport } from './audit.ts';
export { withUser } from './acting.ts';
export {
  describeNotice,
  listHits,
  raiseIdentifierHits,
  raiseMediaHits,
  raiseSubjectHits,
  selectorsOf,
  setCaseContact,
  type HitKind,
  type HitList,
  type HitNotice,
  type HitSelector,
  type RaisedHit,
  type ReceivedHit,
} from './hits.ts';
export {
  checkDeconfliction,
  alertView,
  DEFAULT_RADIUS_M,
  listDeconfliction,
  OPERATION_KINDS,
  placeKey,
  registerDeconfliction,
  type AlertOrigin,
  type AlertView,
  type Conflict,
  type Contact,
  type DeconflictionInput,
  type OperationKind,
  type RegistrationView,
} from './deconfliction.ts';
export {
  addIdentity,
  listIdentities,
  parseSelector,
  policeOperatedEntities,
  policeSelectors,
  retireIdentity,
  withinPoliceWindow,
  type IdentityView,
  type NewIdentity,
  type PoliceWindow,
  type Selector,
} from './identities.ts';
export { caseOverview, parseRetentionDate, purgeExpiredCases, setRetention, type CaseOverview, type CasePurge, type PurgeOptions, type PurgeReport, type RetentionChange } from './retention.ts';
export { accessDb, type AccessDatabase, type AccessTables } from './tables.ts';
export { actAs, APP_ROLE, type ActingUser } from '../store/connect.ts';
