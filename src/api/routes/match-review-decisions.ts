/**
 * The calls an analyst makes on the match review screen, stored and taken back in batches: same /
 * different as match decisions (appended; the latest on a pair counts, and resolution respects it),
 * unsure as a mark of their own in the audit log. Undo withdraws: it appends a `withdrawn` decision
 * or an unmarking entry, never deletes, so the history of every call stays readable.
 *
 * A batch is all or nothing: every pair is checked (two different person records the user may see,
 * each pair once) before anything is written, and the writes and one audit entry per pair commit
 * together in the caller's transaction.
 */
import { randomUUID } from 'node:crypto';
import { sql, type RawBuilder, type Transaction } from 'kysely';
import { UserError } from '../../model/index.ts';
import type { Database } from '../../store/index.ts';
import type { Acting } from '../context.ts';
import { arrayOf, object } from '../schemas.ts';
import { bareId, entityIdParam } from './entities.ts';

/** The most pairs one batch decides or withdraws: the largest page of the queue. */
export const MAX_BATCH = 200;
export const UNSURE = 'match.unsure';
/** Taking a call back; `details.withdrawn` says which (confirm, reject or unsure). */
export const WITHDRAW = 'match.withdraw';

export type ReviewDecision = 'same' | 'different' | 'unsure';
const VERDICT_OF = { same: 'confirm', different: 'reject' } as const;

export interface PairDecision {
  a: string;
  b: string;
  decision: ReviewDecision;
}

const idText = { type: 'string', pattern: '^[0-9]+$' };
const decisionSchema = { type: 'string', enum: ['same', 'different', 'unsure'] };
export const batchBody = object({
  decisions: {
    type: 'array',
    minItems: 1,
    maxItems: MAX_BATCH,
    items: object({ a: entityIdParam, b: entityIdParam, decision: decisionSchema }),
    description: `the pairs and the call on each, at most ${MAX_BATCH}, each pair once`,
  },
});
const storedPairs = arrayOf(object({ a: idText, b: idText, decision: decisionSchema }));
export const decidedBatch = object({ batch: { type: 'string', description: 'names this batch in the audit entries of its pairs' }, decidedBy: { type: 'string' }, decisions: storedPairs });
export const withdrawnBatch = object({ batch: { type: 'string' }, withdrawnBy: { type: 'string' }, decisions: storedPairs });

/** "low,high": how a pair is named in the audit log (as match decisions store it). */
export const pairKey = (a: string, b: string) => (BigInt(a) < BigInt(b) ? `${a},${b}` : `${b},${a}`);

/**
 * Whether `actor`'s unsure mark on the pair named `key` (low,high) stands: marks live in the audit
 * log, so it stands while their latest mark or unmarking of that pair there is a mark.
 */
export function unsureMarked(actor: string, key: RawBuilder<unknown>) {
  return sql<boolean>`coalesce((
    SELECT l.action = ${UNSURE} FROM audit_log l
    WHERE l.actor = ${actor} AND l.target = ${key}
      AND (l.action = ${UNSURE} OR (l.action = ${WITHDRAW} AND l.details ->> 'withdrawn' = 'unsure'))
    ORDER BY l.id DESC LIMIT 1), false)`;
}

/** Whether the pair low < high has a decision that counts: its latest, unless that is a withdrawal (as resolution reads them). */
export function decided(low: RawBuilder<unknown>, high: RawBuilder<unknown>) {
  return sql<boolean>`coalesce((SELECT d.verdict <> 'withdrawn' FROM match_decisions d WHERE d.entity_a = ${low} AND d.entity_b = ${high} ORDER BY d.id DESC LIMIT 1), false)`;
}

interface CheckedPair extends PairDecision {
  low: string;
  high: string;
  key: string;
}

/** Every pair of the batch, or the reason none of it may be stored: 400 for a malformed batch, 404 for a record the user may not see. */
export async function checkBatch(db: Transaction<Database>, decisions: readonly PairDecision[]): Promise<CheckedPair[]> {
  const seen = new Set<string>();
  const pairs = decisions.map((item) => {
    const a = bareId(item.a);
    const b = bareId(item.b);
    if (a === b) throw new UserError(`a match decision needs two different entities (e${a} twice)`);
    const key = pairKey(a, b);
    if (seen.has(key)) throw new UserError(`the pair e${a} / e${b} is in the batch twice`);
    seen.add(key);
    const [low, high] = key.split(',') as [string, string];
    return { a, b, decision: item.decision, low, high, key };
  });
  const ids = [...new Set(pairs.flatMap((pair) => [pair.a, pair.b]))];
  // Row-level security decides what exists: a record in a case the user may not see is not found.
  const found = await db.selectFrom('entities').select('id').where('id', 'in', ids).where('kind', '=', 'person').execute();
  if (found.length !== ids.length) {
    const present = new Set(found.map((row) => row.id));
    throw new UserError(`no person entity e${ids.find((id) => !present.has(id))} that you may see: nothing in the batch was stored`, 'not_found');
  }
  return pairs;
}

/** Stores a batch of calls in the user's name, each pair audited. */
export async function decideBatch(db: Transaction<Database>, acting: Acting, decisions: readonly PairDecision[]) {
  const pairs = await checkBatch(db, decisions);
  const batch = randomUUID();
  const verdicts = pairs.flatMap((pair) => (pair.decision === 'unsure' ? [] : [{ entity_a: pair.low, entity_b: pair.high, verdict: VERDICT_OF[pair.decision], decided_by: acting.user.name }]));
  if (verdicts.length > 0) await db.insertInto('match_decisions').values(verdicts).execute();
  for (const pair of pairs) {
    const action = pair.decision === 'unsure' ? UNSURE : `match.${VERDICT_OF[pair.decision]}`;
    await acting.audit(action, { batch, size: pairs.length }, { target: pair.key });
  }
  return { batch, decidedBy: acting.user.name, decisions: pairs.map(({ a, b, decision }) => ({ a, b, decision })) };
}

/**
 * Takes back the user's own calls: each same / different must still be the decision that counts on
 * its pair and be theirs, each unsure mark must stand; otherwise (decided again since, by them or
 * another analyst, or never) 409 and nothing is withdrawn.
 */
export async function withdrawBatch(db: Transaction<Database>, acting: Acting, decisions: readonly PairDecision[]) {
  const pairs = await checkBatch(db, decisions);
  const actor = acting.user.name;
  const decisive = pairs.filter((pair) => pair.decision !== 'unsure');
  const latest = new Map<string, { verdict: string; decided_by: string }>();
  if (decisive.length > 0) {
    const rows = await sql<{ key: string; verdict: string; decided_by: string }>`
      SELECT DISTINCT ON (d.entity_a, d.entity_b) d.entity_a::text || ',' || d.entity_b::text AS key, d.verdict, d.decided_by
      FROM match_decisions d
      JOIN unnest(${decisive.map((pair) => pair.low)}::bigint[], ${decisive.map((pair) => pair.high)}::bigint[]) AS w(low, high)
        ON d.entity_a = w.low AND d.entity_b = w.high
      ORDER BY d.entity_a, d.entity_b, d.id DESC`.execute(db);
    for (const row of rows.rows) latest.set(row.key, row);
  }
  const unsure = pairs.filter((pair) => pair.decision === 'unsure');
  const marked = new Set<string>();
  if (unsure.length > 0) {
    const rows = await sql<{ key: string }>`
      SELECT w.key FROM unnest(${unsure.map((pair) => pair.key)}::text[]) AS w(key) WHERE ${unsureMarked(actor, sql`w.key`)}`.execute(db);
    for (const row of rows.rows) marked.add(row.key);
  }
  for (const pair of pairs) {
    const standing = pair.decision === 'unsure' ? marked.has(pair.key) : latest.get(pair.key)?.verdict === VERDICT_OF[pair.decision] && latest.get(pair.key)?.decided_by === actor;
    if (!standing) {
      throw new UserError(`you have no '${pair.decision}' call standing on e${pair.a} / e${pair.b} to take back (it was decided again since, or never): nothing was withdrawn`, 'conflict');
    }
  }
  const batch = randomUUID();
  if (decisive.length > 0) await db.insertInto('match_decisions').values(decisive.map((pair) => ({ entity_a: pair.low, entity_b: pair.high, verdict: 'withdrawn' as const, decided_by: actor }))).execute();
  for (const pair of pairs) {
    await acting.audit(WITHDRAW, { withdrawn: pair.decision === 'unsure' ? 'unsure' : VERDICT_OF[pair.decision], batch, size: pairs.length }, { target: pair.key });
  }
  return { batch, withdrawnBy: actor, decisions: pairs.map(({ a, b, decision }) => ({ a, b, decision })) };
}
