/**
 * The shapes the API sends, as the web app reads them. They mirror the server's types (named in
 * each comment) rather than importing them: the server's modules pull in Node and the database.
 * Fields the app does not need are left out; optional ones are marked so, because a screen must
 * still render when a newer or older server leaves one out.
 */

export interface User {
  id: string;
  name: string;
  role: 'analyst' | 'supervisor' | 'auditor' | 'admin' | (string & {});
  agency: string | null;
}

export interface Session {
  user: User;
  csrfToken: string;
}

/** A case as listed (store/repositories/stats.ts CaseStats, plus whatever the API adds). */
export interface CaseSummary {
  ref: string;
  agency: string;
  title?: string | null;
  officer?: string | null;
  status?: string | null;
  openedAt?: string | null;
  sources?: number;
  records?: number;
  entities?: number;
  links?: number;
}

/** One source with its chain of custody. */
export interface SourceView {
  id: string;
  file?: string;
  originalName?: string;
  format?: string | null;
  sha256?: string | null;
  size?: number | null;
  addedBy?: string | null;
  addedAt?: string | null;
  from?: string | null;
  status?: string | null;
  records?: number | null;
  rejects?: number | null;
  [key: string]: unknown;
}

export interface CaseDetail extends Omit<CaseSummary, 'sources'> {
  sources?: SourceView[] | number;
}

export interface RejectView {
  line?: number | null;
  reason: string;
  raw?: string | null;
  file?: string | null;
}

export interface Job {
  id: string;
  state?: string;
  status?: string;
  phase?: string;
  done?: number;
  total?: number | null;
  records?: number;
  rejects?: number;
  error?: string | null;
  detail?: string | null;
  source?: string | null;
  [key: string]: unknown;
}

/** search/search.ts RecordHit */
export interface RecordHit {
  id: string;
  case: string;
  agency: string;
  kind: string;
  occurredAt: string | null;
  actor: string | null;
  snippet: string;
  score: number;
  source: { id: string; file: string; line: number | null };
}

/** search/search.ts EntityHit */
export interface EntityHit {
  id: string;
  case: string;
  agency: string;
  kind: string;
  label: string;
  matched: string;
  score: number;
}

/** search/search.ts SearchResult */
export interface SearchResult {
  records: { total: number; more: boolean; hits: RecordHit[] };
  entities: EntityHit[];
  /** Notices for identifiers or @handles that cases you may not see also hold. */
  hits?: HitNotice[];
}

/** access/hits.ts HitNotice: another agency holds this — whom to call, nothing of its case. */
export interface HitNotice {
  reference: string;
  kind: 'identifier' | 'subject' | 'media' | (string & {});
  about: string;
  agency: string;
  country: string;
  officer: string | null;
  phone: string | null;
  email: string | null;
}

/** access/hits.ts RaisedHit */
export interface RaisedHit extends HitNotice {
  count: number;
  firstSeen: string;
  lastSeen: string;
}

/** access/hits.ts ReceivedHit: someone who may not see my case looked up what it holds. */
export interface ReceivedHit {
  reference: string;
  kind: string;
  case: string;
  what: string;
  seeker: { user: string; agency: string | null; country: string | null; phone: string | null; email: string | null };
  count: number;
  firstSeen: string;
  lastSeen: string;
}

/** federation/hits.ts FederatedHitView: another agency's node holds a selector of my case — whom to call there. */
export interface FederatedHit {
  id: string;
  case: string;
  /** The selector of my case that matched. */
  identifier: { type: string; value: string };
  node: string;
  agency: { name: string; country: string };
  contact: { officer?: string; phone?: string; email?: string };
  reference: string;
  /** The other case's reference and officer, where that case shares everything. */
  otherCase: { ref: string; officer?: string } | null;
  receivedAt: string;
}

/** access/hits.ts HitList */
export interface HitList {
  raised: RaisedHit[];
  received: ReceivedHit[];
}

/** access/deconfliction.ts Contact: the other side's point of contact, nothing more. */
export interface Contact {
  agency: string;
  officer: string | null;
  phone: string | null;
  email: string | null;
}

/** access/deconfliction.ts RegistrationView */
export interface Registration {
  id: string;
  case: string;
  kind: 'target' | 'operation';
  selector: { type: string; shown: string } | null;
  subject: string | null;
  operation: { kind: string; from: string; to: string; place: string | null; latitude: number | null; longitude: number | null; radiusM: number | null } | null;
  registeredAt: string;
}

/** access/deconfliction.ts AlertView */
export interface Alert {
  id: string;
  raisedAt: string;
  reason: 'target' | 'operation';
  case: string | null;
  registration: string | null;
  identity: string | null;
  contact: Contact;
  /** Only on an alert another agency's node raised. */
  from?: { node: string; country: string; reference: string };
}

export interface Deconfliction {
  registrations: Registration[];
  alerts: Alert[];
}

/** access/identities.ts IdentityView */
export interface Identity {
  id: string;
  type: string;
  selector: string;
  platform: string | null;
  officer: string;
  authority: string;
  from: string;
  to: string | null;
  note: string | null;
  active: boolean;
  retiredAt: string | null;
  addedAt: string;
}

/** analysis/graph-data.ts */
export interface GraphNode {
  id: string;
  kind: string;
  label: string;
  caseRef?: string;
  agency?: string;
  identifierType?: string;
  props: Record<string, unknown>;
}

export interface GraphEdge {
  id: string;
  source: string;
  target: string;
  kind: string;
  directed: boolean;
  weight: number;
  firstSeen: string | null;
  lastSeen: string | null;
  caseRef?: string;
  props: Record<string, unknown>;
}

/** analysis/neighbourhood.ts Neighbourhood */
export interface Neighbourhood {
  nodes: GraphNode[];
  edges: GraphEdge[];
  hubs?: { id: string; degree: number }[];
  truncated?: boolean;
}

/** analysis/paths.ts Path */
export interface GraphPath {
  nodes: GraphNode[];
  steps: { from: string; to: string; evidence: GraphEdge[] }[];
  length: number;
}

/** analysis/similarity.ts SimilarCase */
export interface SimilarCase {
  case: string;
  agency: string;
  score: number;
  reasons: string[];
  shared: { what: string; type?: string; label: string; cases?: number; weight: number }[];
}

/** analysis/timeline.ts */
export interface TimelineEntry {
  record: string;
  at: string | null;
  kind: string;
  case: string;
  actor: string | null;
  target: string | null;
  room: string | null;
  text: string | null;
  source: { file: string; line: number | null };
}

export interface Timeline {
  of: { kind: string; id: string; label: string };
  total: number;
  entries: TimelineEntry[];
}

export interface Place {
  label: string;
  latitude: number | null;
  longitude: number | null;
  from: string;
  entity: string;
  case: string;
}

/** media/case-hits.ts MediaHit / MediaHits */
export interface MediaHit {
  where: 'case' | 'hash_set';
  signal: string;
  distance: number;
  case?: string;
  agency?: string;
  entity?: string;
  file?: string;
  set?: string;
  category?: string | null;
}

export interface MediaItem {
  entity: string;
  file: string;
  sha256: string;
  md5?: string | null;
  pdq?: string | null;
  quality?: number | null;
  category?: string | null;
  size?: number | null;
  width?: number | null;
  height?: number | null;
  takenAt?: string | null;
  device?: string | null;
  [key: string]: unknown;
}

/** store/repositories/resolution.ts SubjectView; reasons as resolve/run.ts writes them. */
export interface MatchReason {
  with?: string;
  probability?: number;
  fields?: { field: string; level: string; weight: number }[];
  decision?: string;
}

export interface SubjectMember {
  entity: string;
  kind: string;
  case: string;
  source: string | null;
  key: string;
  label: string;
  score: number | null;
  reasons: MatchReason[] | null;
}

export interface Subject {
  id: string;
  label: string | null;
  members: SubjectMember[];
  /** Members in cases you may not see: who holds them, to contact. */
  hits?: HitNotice[];
}

export interface CommunitySummary {
  id: number;
  size: number;
  leading?: { id: string; label: string; kind: string; caseRef?: string }[];
  cases?: string[];
  agencies?: string[];
}

export interface CentralNode {
  id: string;
  label: string;
  kind: string;
  caseRef?: string;
  degree: number;
  strength?: number;
  pagerank?: number;
  betweenness?: number;
  score?: number;
}

export interface AuditEntry {
  id?: string;
  at?: string;
  actor?: string;
  action: string;
  target?: string | null;
  case?: string | null;
  details?: unknown;
  [key: string]: unknown;
}

/** One record of a pair in the match review queue (GET /api/match-review). */
export interface ReviewSide {
  entity: string;
  label: string;
  key: string;
  case: string;
  agency: string;
  source: string | null;
  attributes: { name: string; label: string; value: string }[];
  identifiers: { type: string; value: string }[];
  identifierTotal: number;
}

export interface ReviewPair {
  a: ReviewSide;
  b: ReviewSide;
  probability: number;
  fields: { field: string; level: string; weight: number }[];
}

export interface ReviewPage {
  threshold: number | null;
  status: 'open' | 'unsure';
  case: string | null;
  total: number;
  limit: number;
  offset: number;
  cases: { ref: string; agency: string; pairs: number }[];
  items: ReviewPair[];
}

/** api/routes/records.ts: an entity that took part in a record (e<id>). */
export interface RecordParty {
  id: string;
  kind: string;
  label: string;
}

/** api/routes/records.ts RecordIdentifier: `entity` is the entity of the case that holds it in its own right. */
export interface RecordIdentifier {
  id: string;
  type: string;
  value: string;
  display: string | null;
  role: string | null;
  entity: string | null;
}

/** api/routes/records.ts RecordSummary */
export interface RecordSummary {
  id: string;
  kind: string;
  occurredAt: string | null;
  actor: string | null;
  /** The first 500 characters; `truncated` says when there is more (GET /api/records/:id). */
  text: string | null;
  truncated: boolean;
  props: Record<string, unknown>;
  parties: { actor: RecordParty | null; target: RecordParty | null; room: RecordParty | null };
  identifiers: RecordIdentifier[];
  source: { id: string; file: string; line: number | null };
}

/** api/routes/records.ts RecordPage */
export interface RecordPage {
  case: string;
  total: number;
  limit: number;
  offset: number;
  sort: string;
  desc: boolean;
  items: RecordSummary[];
}

/** api/routes/records.ts RecordView */
export interface RecordView {
  id: string;
  kind: string;
  key: string;
  case: string;
  agency: string;
  occurredAt: string | null;
  text: string | null;
  props: Record<string, unknown>;
  source: { id: string; file: string; line: number | null };
  actor: RecordParty | null;
  target: RecordParty | null;
  room: RecordParty | null;
  identifiers: RecordIdentifier[];
  supersedes: string | null;
  superseded: boolean;
}

/** api/routes/records.ts SourceOverview */
export interface SourceOverview {
  case: string;
  source: { id: string; file: string; format: string; status: string };
  records: number;
  kinds: { kind: string; records: number }[];
  rooms: { total: number; items: { room: RecordParty | null; records: number; first: string | null; last: string | null }[] };
  participants: { total: number; items: { entity: RecordParty; records: number }[] };
}

/** A call on a review pair (api/routes/match-review-decisions.ts): same / different are match decisions, unsure a mark of your own. */
export type ReviewDecision = 'same' | 'different' | 'unsure';

/** One pair and the call on it, as POST /api/match-review/decisions and .../withdraw take and answer them. */
export interface ReviewCall {
  a: string;
  b: string;
  decision: ReviewDecision;
}

/** POST /api/match-review/decisions: the batch stored, named in the audit log. */
export interface ReviewBatch {
  batch: string;
  decidedBy: string;
  decisions: ReviewCall[];
}

/** POST /api/match-review/decisions/withdraw: the calls taken back. */
export interface ReviewWithdrawal {
  batch: string;
  withdrawnBy: string;
  decisions: ReviewCall[];
}
