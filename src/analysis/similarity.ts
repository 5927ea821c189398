/**
 * "Trace similarities between cases": for one case, every other visible case ranked by what they
 * share — subjects, identifiers, chat rooms, merchants, near-identical media, and time — each
 * weighted by rarity, and explained in words a sergeant reads.
 *
 * Rarity: a shared item held by `df` of `N` visible cases is worth log(N/df) / log(N/2) of its
 * type's weight (1 when only the two cases hold it, falling towards 0 as everyone does).
 * Carrier-NAT addresses are capped so that shared IPs alone never reach MIN_SCORE: the ground
 * truth says a shared NAT address does not connect two cases, and neither should we.
 */
import { sql, type Kysely } from 'kysely';
import { UserError } from '../model/index.ts';
import { visibleCases as visible, type Database } from '../store/index.ts';
import { round } from './centrality.ts';
import { identifierValueWeight } from './strength.ts';

export interface SimilarCase {
  case: string;
  agency: string;
  score: number;
  /** One line per kind of evidence, strongest first. */
  reasons: string[];
  /** The same evidence as data: what is shared, how rare, and what it added to the score. */
  shared: SharedItem[];
}

export interface SharedItem {
  what: 'subject' | 'identifier' | 'chat_room' | 'merchant' | 'media' | 'time';
  type?: string;
  label: string;
  /** Visible cases holding it (rarity). */
  cases?: number;
  weight: number;
}

/**
 * A case is listed only when its strong evidence — people, accounts, cards, emails, phones, cameras,
 * images — reaches this. Chat rooms, IP addresses, popular shops, first-name handles and
 * overlapping time then add to the rank, but alone are not a connection.
 */
export const MIN_SCORE = 1;
// A room of the same name can be another group's; a shared account in it is what connects.
const isStrong = (item: SharedItem) => item.what !== 'time' && item.what !== 'merchant' && item.what !== 'chat_room' && item.type !== 'ip';
const IP_CAP = 0.9;
const MERCHANT_CAP = 0.6;
const TIME_WEIGHT = 0.25;
const SUBJECT_WEIGHT = 2;
const ROOM_WEIGHT = 1.2;
const WEAK_ROOM_WEIGHT = 0.3;
const MERCHANT_WEIGHT = 0.3;

const PLURAL: Record<string, [string, string]> = {
  email: ['shared email', 'shared emails'],
  phone: ['shared phone number', 'shared phone numbers'],
  handle: ['shared handle', 'shared handles'],
  ip: ['shared IP address', 'shared IP addresses'],
  card: ['shared card token', 'shared card tokens'],
  wallet: ['shared crypto wallet', 'shared crypto wallets'],
  md5: ['identical file (MD5)', 'identical files (MD5)'],
  sha1: ['identical file (SHA-1)', 'identical files (SHA-1)'],
  sha256: ['identical file (SHA-256)', 'identical files (SHA-256)'],
  client_guid: ['shared P2P client', 'shared P2P clients'],
  camera_serial: ['shared camera', 'shared cameras'],
  name_dob: ['shared name and birth date', 'shared names and birth dates'],
  pdq: ['shared PDQ hash', 'shared PDQ hashes'],
};

function rarity(df: number, visibleCases: number): number {
  const n = Math.max(visibleCases, 3);
  return Math.max(0, Math.log(n / Math.max(df, 2)) / Math.log(n / 2));
}

function month(date: Date): string {
  return date.toLocaleString('en-GB', { month: 'short', year: 'numeric', timeZone: 'UTC' });
}

export async function similarCases(
  db: Kysely<Database>,
  caseRef: string,
  options: { visibleCaseIds?: readonly string[]; limit?: number; minScore?: number } = {},
): Promise<SimilarCase[]> {
  const found = await db.selectFrom('cases').select(['id', 'ref']).where(sql`lower(ref)`, '=', caseRef.toLowerCase()).executeTakeFirst();
  if (!found || (options.visibleCaseIds !== undefined && !options.visibleCaseIds.includes(found.id))) throw new UserError(`no case '${caseRef}' that you may see`, 'not_found');
  const caseId = found.id;
  const others = await sql<{ id: string; ref: string; agency: string }>`
    SELECT c.id, c.ref, a.name AS agency FROM cases c JOIN agencies a ON a.id = c.agency_id WHERE ${visible('c.id', options.visibleCaseIds)}`.execute(db);
  const visibleCount = others.rows.length;
  const shared = new Map<string, SharedItem[]>();
  const add = (otherCase: string, item: SharedItem) => {
    if (otherCase === caseId || item.weight <= 0) return;
    const list = shared.get(otherCase);
    if (list) list.push(item);
    else shared.set(otherCase, [item]);
  };

  const identifiers = await sql<{ case_id: string; type: string; value: string; label: string; holders: string }>`
    WITH mine AS (SELECT DISTINCT identifier_id FROM mentions WHERE case_id = ${caseId}),
    holders AS (
      SELECT DISTINCT m.identifier_id, m.case_id FROM mentions m JOIN mine ON mine.identifier_id = m.identifier_id
      WHERE ${visible('m.case_id', options.visibleCaseIds)}),
    df AS (SELECT identifier_id, count(*) AS holders FROM holders GROUP BY identifier_id HAVING count(*) > 1)
    SELECT h.case_id, i.type, i.value, coalesce(i.display, i.value) AS label, df.holders
    FROM holders h JOIN df ON df.identifier_id = h.identifier_id JOIN identifiers i ON i.id = h.identifier_id
    WHERE h.case_id <> ${caseId} AND i.type NOT IN ('url', 'domain')`.execute(db);
  for (const row of identifiers.rows) {
    // A card token is opaque; show it as one, never as a value.
    const label = row.type === 'card' ? 'card token' : row.label;
    add(row.case_id, { what: 'identifier', type: row.type, label, cases: Number(row.holders), weight: identifierValueWeight(row.type, row.value) * rarity(Number(row.holders), visibleCount) });
  }

  const subjects = await sql<{ case_id: string; label: string | null; score: number }>`
    SELECT other.case_id, crosslink_subject_label(s.id) AS label, min(least(mine.score, other.score)) AS score
    FROM subject_members mine
    JOIN subject_members other ON other.subject_id = mine.subject_id AND other.case_id <> mine.case_id
    JOIN subjects s ON s.id = mine.subject_id
    WHERE mine.case_id = ${caseId} AND ${visible('other.case_id', options.visibleCaseIds)}
    GROUP BY other.case_id, s.id`.execute(db);
  for (const row of subjects.rows) add(row.case_id, { what: 'subject', label: row.label ?? 'a resolved person', weight: SUBJECT_WEIGHT * Math.min(1, row.score) });

  const places = await sql<{ case_id: string; kind: 'chat_room' | 'merchant'; key: string; label: string; holders: string }>`
    WITH mine AS (SELECT kind, key, label FROM entities WHERE case_id = ${caseId} AND kind IN ('chat_room', 'merchant') AND supersedes IS NULL),
    holders AS (
      SELECT DISTINCT e.case_id, e.kind, e.key, mine.label FROM entities e JOIN mine ON mine.kind = e.kind AND mine.key = e.key
      WHERE e.supersedes IS NULL AND ${visible('e.case_id', options.visibleCaseIds)})
    SELECT h.case_id, h.kind, h.key, h.label, count(*) OVER (PARTITION BY h.kind, h.key) AS holders FROM holders h`.execute(db);
  for (const row of places.rows) {
    // A room known only by its name ("whatsapp::weekend gardeners") may be another group of the same name.
    const base = row.kind === 'merchant' ? MERCHANT_WEIGHT : /::[^:]*$/.test(row.key) && !row.key.includes(':id:') ? WEAK_ROOM_WEIGHT : ROOM_WEIGHT;
    add(row.case_id, { what: row.kind, label: row.label, cases: Number(row.holders), weight: base * rarity(Number(row.holders), visibleCount) });
  }

  const media = await sql<{ case_id: string; label: string; distance: number }>`
    SELECT other.case_id, other.label, min(mm.distance) AS distance
    FROM media_matches mm
    JOIN entities mine ON mine.id = mm.entity_a OR mine.id = mm.entity_b
    JOIN entities other ON other.id = CASE WHEN mine.id = mm.entity_a THEN mm.entity_b ELSE mm.entity_a END
    WHERE mine.case_id = ${caseId} AND other.case_id <> ${caseId} AND ${visible('other.case_id', options.visibleCaseIds)}
    GROUP BY other.case_id, other.id, other.label`.execute(db);
  for (const row of media.rows) add(row.case_id, { what: 'media', label: row.label, weight: 1.5 * (1 - Math.min(31, row.distance) / 64) });

  const periods = await sql<{ case_id: string; first: Date | null; last: Date | null }>`
    SELECT case_id, min(occurred_at) AS first, max(occurred_at) AS last FROM records
    WHERE ${visible('case_id', options.visibleCaseIds)} GROUP BY case_id`.execute(db);
  const period = new Map(periods.rows.map((row) => [row.case_id, row]));

  const results: SimilarCase[] = [];
  for (const other of others.rows) {
    const items = shared.get(other.id);
    if (!items) continue;
    const strong = items.filter(isStrong).reduce((sum, item) => sum + item.weight, 0);
    if (strong < (options.minScore ?? MIN_SCORE)) continue;
    let score = 0;
    let ipScore = 0;
    let merchantScore = 0;
    for (const item of items) {
      if (item.type === 'ip') ipScore += item.weight;
      else if (item.what === 'merchant') merchantScore += item.weight;
      else score += item.weight;
    }
    score += Math.min(IP_CAP, ipScore) + Math.min(MERCHANT_CAP, merchantScore);
    const mine = period.get(caseId);
    const theirs = period.get(other.id);
    if (mine?.first && mine.last && theirs?.first && theirs.last) {
      const start = Math.max(new Date(mine.first).getTime(), new Date(theirs.first).getTime());
      const end = Math.min(new Date(mine.last).getTime(), new Date(theirs.last).getTime());
      if (end > start) {
        const overlap = (end - start) / Math.max(1, new Date(mine.last).getTime() - new Date(mine.first).getTime());
        const weight = TIME_WEIGHT * Math.min(1, overlap);
        score += weight;
        items.push({ what: 'time', label: `${month(new Date(start))}–${month(new Date(end))}`, weight });
      }
    }
    results.push({ case: other.ref, agency: other.agency, score: round(score), reasons: explain(items), shared: items.map((item) => ({ ...item, weight: round(item.weight) })) });
  }
  results.sort((a, b) => b.score - a.score || a.case.localeCompare(b.case));
  return results.slice(0, options.limit ?? 20);
}

/** "3 shared handles (dark_falcon@telegram, …)", strongest kind of evidence first. */
function explain(items: SharedItem[]): string[] {
  const groups = new Map<string, SharedItem[]>();
  for (const item of items) {
    const key = item.what === 'identifier' ? `identifier:${item.type}` : item.what;
    const list = groups.get(key);
    if (list) list.push(item);
    else groups.set(key, [item]);
  }
  const lines: { weight: number; text: string }[] = [];
  for (const [key, list] of groups) {
    const weight = list.reduce((sum, item) => sum + item.weight, 0);
    const labels = [...new Set(list.map((item) => item.label))];
    const shown = labels.slice(0, 3).join(', ') + (labels.length > 3 ? ', …' : '');
    const count = list.length;
    let text: string;
    if (key.startsWith('identifier:')) {
      const type = key.slice('identifier:'.length);
      const [one, many] = PLURAL[type] ?? [`shared ${type}`, `shared ${type}s`];
      text = type === 'card' ? `${count} ${count === 1 ? one : many}` : `${count} ${count === 1 ? one : many} (${shown})`;
    } else if (key === 'subject') text = `${count} shared ${count === 1 ? 'person' : 'people'} (${shown})`;
    else if (key === 'chat_room') text = `both in chat ${count === 1 ? 'room' : 'rooms'} ${shown}`;
    else if (key === 'merchant') text = `${count} shared ${count === 1 ? 'merchant' : 'merchants'} (${shown})`;
    else if (key === 'media') text = `${count} near-identical ${count === 1 ? 'image' : 'images'}`;
    else text = `active in the same period (${shown})`;
    lines.push({ weight, text });
  }
  return lines.sort((a, b) => b.weight - a.weight).map((line) => line.text);
}
