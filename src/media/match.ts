/**
 * Matching media across everything stored. New media entities' PDQ hashes become signals and are
 * matched, turned and mirrored too, against every stored signal with the multi-index (exact: nothing
 * within the threshold is missed); each pair within the threshold becomes a match row joining the two entities — and so
 * their cases. Signals and matches are written in one transaction, and the work picks up whatever
 * earlier runs left undone, so a crash loses nothing and a re-run duplicates nothing.
 *
 * Low-quality hashes (flat or featureless images, quality < 50) are stored and flagged but never
 * matched; files on a known-good list are left out of matching altogether.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../store/index.ts';
import { hexToWords, PDQ_MATCH_THRESHOLD, PDQ_MIN_QUALITY, PDQ_WORDS } from './pdq/hamming.ts';
import { approximateDihedralWords, PDQ_DIHEDRAL_NAMES } from './pdq/hash.ts';
import { PdqIndex } from './pdq/index-mih.ts';

export interface MatchReport {
  /** Media entities whose PDQ signal was recorded in this run. */
  signals: number;
  /** New match rows (pairs within the threshold). */
  matches: number;
  /** Of the new signals, how many were too low in quality or on a known-good list to match. */
  skipped: number;
}

/** Is this media entity (by its hashes) on a known-good list? As SQL over entity alias `e`. */
const KNOWN_GOOD = sql`EXISTS (
  SELECT 1 FROM hash_set_entries h JOIN hash_sets s ON s.id = h.set_id AND s.kind = 'known_good'
  WHERE h.sha256 = e.props->>'sha256' OR h.md5 = e.props->>'md5' OR h.sha1 = e.props->>'sha1')`;

export async function matchPendingMedia(db: Kysely<Database>, options: { threshold?: number } = {}): Promise<MatchReport> {
  const threshold = options.threshold ?? PDQ_MATCH_THRESHOLD;
  return db.transaction().execute(async (trx) => {
    // One matcher at a time: two concurrent runs would each miss the other's new hashes.
    await sql`SELECT pg_advisory_xact_lock(hashtext('crosslink.media-match'))`.execute(trx);
    const fresh = await sql<{ entity_id: string; value: string; quality: number | null; excluded: boolean }>`
      INSERT INTO media_signals (entity_id, agency_id, case_id, signal, value, quality)
      SELECT e.id, e.agency_id, e.case_id, 'pdq', e.props->>'pdq', (e.props->>'pdq_quality')::int FROM entities e
      WHERE e.kind = 'media' AND e.supersedes IS NULL AND e.props ? 'pdq'
        AND NOT EXISTS (SELECT 1 FROM media_signals s WHERE s.entity_id = e.id AND s.signal = 'pdq')
      RETURNING entity_id, value, quality,
        (quality IS NULL OR quality < ${PDQ_MIN_QUALITY} OR EXISTS (
          SELECT 1 FROM entities e WHERE e.id = entity_id AND ${KNOWN_GOOD})) AS excluded`.execute(trx);
    const queries = fresh.rows.filter((row) => !row.excluded);
    const report: MatchReport = { signals: fresh.rows.length, matches: 0, skipped: fresh.rows.length - queries.length };
    if (queries.length === 0) return report;

    const stored = await sql<{ entity_id: string; case_id: string; value: string }>`
      SELECT s.entity_id, s.case_id, s.value FROM media_signals s JOIN entities e ON e.id = s.entity_id
      WHERE s.signal = 'pdq' AND s.quality >= ${PDQ_MIN_QUALITY} AND NOT ${KNOWN_GOOD}
      ORDER BY s.entity_id`.execute(trx);
    const index = new PdqIndex(Math.max(1024, stored.rows.length));
    for (const row of stored.rows) index.add(row.value);
    index.build();
    const position = new Map(stored.rows.map((row, at) => [row.entity_id, at]));
    // Each new image is also looked up turned and mirrored (its 8 dihedral variants): a mirrored
    // copy is as much the same picture as a resized one.
    const variants = new Uint32Array(queries.length * 8 * PDQ_WORDS);
    queries.forEach((row, at) => {
      const words = hexToWords(row.value);
      PDQ_DIHEDRAL_NAMES.forEach((name, v) => variants.set(name === 'orig' ? words : approximateDihedralWords(words)[name], (at * 8 + v) * PDQ_WORDS));
    });

    const pairs = new Map<string, { a: number; b: number; distance: number }>();
    queries.forEach((row, at) => {
      const self = position.get(row.entity_id)!;
      for (const match of index.queryWords(variants.subarray(at * 8 * PDQ_WORDS, (at + 1) * 8 * PDQ_WORDS), threshold)) {
        if (match.id === self) continue;
        const [a, b] = self < match.id ? [self, match.id] : [match.id, self];
        pairs.set(`${a}:${b}`, { a, b, distance: match.distance });
      }
    });
    const rows = [...pairs.values()].map(({ a, b, distance }) => {
      const left = stored.rows[a]!;
      const right = stored.rows[b]!;
      // entity_a < entity_b numerically, as the table's CHECK wants.
      const [first, second] = BigInt(left.entity_id) < BigInt(right.entity_id) ? [left, right] : [right, left];
      return { signal: 'pdq', entity_a: first.entity_id, case_a: first.case_id, entity_b: second.entity_id, case_b: second.case_id, distance };
    });
    for (let start = 0; start < rows.length; start += 1000) {
      const inserted = await trx
        .insertInto('media_matches')
        .values(rows.slice(start, start + 1000))
        .onConflict((conflict) => conflict.columns(['signal', 'entity_a', 'entity_b']).doNothing())
        .returning('id')
        .execute();
      report.matches += inserted.length;
    }
    return report;
  });
}
