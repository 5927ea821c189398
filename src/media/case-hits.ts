/**
 * What a case's media match elsewhere: the same file (SHA-256) or a near-identical picture (PDQ
 * within the threshold, turned or mirrored) in another case one may see, and entries of imported
 * hash sets (exact MD5/SHA-1/SHA-256, or PDQ). Files on a known-good list are left out. Only
 * hashes and metadata come back — never an image.
 */
import { sql, type Kysely } from 'kysely';
import { UserError } from '../model/index.ts';
import { visibleCases as visible, type Database } from '../store/index.ts';
import { hexToWords, PDQ_MATCH_THRESHOLD, PDQ_MIN_QUALITY, PDQ_WORDS } from './pdq/hamming.ts';
import { approximateDihedralWords, PDQ_DIHEDRAL_NAMES } from './pdq/hash.ts';
import { PdqIndex } from './pdq/index-mih.ts';

export interface MediaHit {
  /** 'case': another case holds it; 'hash_set': an imported set lists it. */
  where: 'case' | 'hash_set';
  signal: 'sha256' | 'md5' | 'sha1' | 'pdq';
  distance: number;
  case?: string;
  agency?: string;
  entity?: string;
  file?: string;
  set?: string;
  category?: string | null;
  series?: string | null;
  victimIdentified?: boolean | null;
}

export interface MediaHits {
  media: { entity: string; file: string; sha256: string; pdq: string | null; quality: number | null; category: string | null };
  hits: MediaHit[];
}

export async function mediaHits(
  db: Kysely<Database>,
  caseRef: string,
  options: { visibleCaseIds?: readonly string[]; threshold?: number; agencyId?: string } = {},
): Promise<MediaHits[]> {
  const threshold = options.threshold ?? PDQ_MATCH_THRESHOLD;
  const found = await sql<{ id: string }>`SELECT id FROM cases c WHERE lower(ref) = ${caseRef.toLowerCase()} AND ${visible('c.id', options.visibleCaseIds)}`.execute(db);
  if (found.rows.length === 0) throw new UserError(`no case '${caseRef}' that you may see`, 'not_found');
  const caseId = found.rows[0]!.id;

  const media = await sql<{ id: string; file: string; sha256: string; md5: string | null; sha1: string | null; pdq: string | null; quality: number | null; category: string | null }>`
    SELECT e.id, e.label AS file, e.props->>'sha256' AS sha256, e.props->>'md5' AS md5, e.props->>'sha1' AS sha1,
           e.props->>'pdq' AS pdq, (e.props->>'pdq_quality')::int AS quality,
           (SELECT category FROM media_categories mc WHERE mc.sha256 = e.props->>'sha256' ${options.agencyId ? sql`AND mc.agency_id = ${options.agencyId}` : sql``} ORDER BY mc.id DESC LIMIT 1) AS category
    FROM entities e
    WHERE e.case_id = ${caseId} AND e.kind = 'media' AND e.supersedes IS NULL AND e.props ? 'sha256'
      AND NOT EXISTS (SELECT 1 FROM hash_set_entries h JOIN hash_sets s ON s.id = h.set_id AND s.kind = 'known_good'
                      WHERE h.sha256 = e.props->>'sha256' OR h.md5 = e.props->>'md5' OR h.sha1 = e.props->>'sha1')
    ORDER BY e.id`.execute(db);
  const results = new Map(media.rows.map((row) => [row.id, { media: { entity: `e${row.id}`, file: row.file, sha256: row.sha256, pdq: row.pdq, quality: row.quality, category: row.category }, hits: [] as MediaHit[] }]));
  if (results.size === 0) return [];
  const ids = [...results.keys()];

  const exact = await sql<{ mine: string; other: string; file: string; case_ref: string; agency: string }>`
    SELECT mine.id AS mine, other.id AS other, other.label AS file, c.ref AS case_ref, a.name AS agency
    FROM entities mine
    JOIN entities other ON other.kind = 'media' AND other.key = mine.key AND other.case_id <> mine.case_id AND other.supersedes IS NULL
    JOIN cases c ON c.id = other.case_id JOIN agencies a ON a.id = other.agency_id
    WHERE mine.id = ANY(${ids}::bigint[]) AND ${visible('other.case_id', options.visibleCaseIds)}`.execute(db);
  for (const row of exact.rows) results.get(row.mine)!.hits.push({ where: 'case', signal: 'sha256', distance: 0, case: row.case_ref, agency: row.agency, entity: `e${row.other}`, file: row.file });

  const near = await sql<{ mine: string; other: string; file: string; case_ref: string; agency: string; distance: number }>`
    SELECT CASE WHEN m.entity_a = ANY(${ids}::bigint[]) THEN m.entity_a ELSE m.entity_b END AS mine,
           other.id AS other, other.label AS file, c.ref AS case_ref, a.name AS agency, m.distance
    FROM media_matches m
    JOIN entities other ON other.id = CASE WHEN m.entity_a = ANY(${ids}::bigint[]) THEN m.entity_b ELSE m.entity_a END
    JOIN cases c ON c.id = other.case_id JOIN agencies a ON a.id = other.agency_id
    WHERE (m.entity_a = ANY(${ids}::bigint[]) OR m.entity_b = ANY(${ids}::bigint[])) AND m.distance <= ${threshold}
      AND other.case_id <> ${caseId} AND ${visible('other.case_id', options.visibleCaseIds)}`.execute(db);
  for (const row of near.rows) results.get(row.mine)?.hits.push({ where: 'case', signal: 'pdq', distance: row.distance, case: row.case_ref, agency: row.agency, entity: `e${row.other}`, file: row.file });

  const listed = await sql<{ mine: string; signal: 'sha256' | 'md5' | 'sha1'; set: string; category: string | null; series: string | null; victim: boolean | null }>`
    SELECT e.id AS mine, CASE WHEN h.sha256 = e.props->>'sha256' THEN 'sha256' WHEN h.md5 = e.props->>'md5' THEN 'md5' ELSE 'sha1' END AS signal,
           s.name AS set, h.category, h.series, h.victim_identified AS victim
    FROM entities e JOIN hash_set_entries h ON h.sha256 = e.props->>'sha256' OR h.md5 = e.props->>'md5' OR h.sha1 = e.props->>'sha1'
    JOIN hash_sets s ON s.id = h.set_id AND s.kind = 'categorised'
    WHERE e.id = ANY(${ids}::bigint[])`.execute(db);
  for (const row of listed.rows) {
    results.get(row.mine)!.hits.push({ where: 'hash_set', signal: row.signal, distance: 0, set: row.set, category: row.category, series: row.series, victimIdentified: row.victim });
  }

  // Hash-set PDQs: sets are far smaller than the store, so an index over them per call is cheap.
  const listedPdq = await sql<{ pdq: string; set: string; category: string | null; series: string | null; victim: boolean | null }>`
    SELECT h.pdq, s.name AS set, h.category, h.series, h.victim_identified AS victim
    FROM hash_set_entries h JOIN hash_sets s ON s.id = h.set_id AND s.kind = 'categorised' WHERE h.pdq IS NOT NULL`.execute(db);
  if (listedPdq.rows.length > 0) {
    const index = new PdqIndex(Math.max(1024, listedPdq.rows.length));
    for (const row of listedPdq.rows) index.add(row.pdq);
    index.build();
    for (const row of media.rows) {
      if (!row.pdq || (row.quality ?? 0) < PDQ_MIN_QUALITY) continue;
      const words = hexToWords(row.pdq);
      const variants = new Uint32Array(8 * PDQ_WORDS);
      PDQ_DIHEDRAL_NAMES.forEach((name, v) => variants.set(name === 'orig' ? words : approximateDihedralWords(words)[name], v * PDQ_WORDS));
      for (const match of index.queryWords(variants, threshold)) {
        const entry = listedPdq.rows[match.id]!;
        // An exact file match already says more; a PDQ hit on the same entry adds nothing.
        if (results.get(row.id)!.hits.some((hit) => hit.where === 'hash_set' && hit.set === entry.set && hit.signal !== 'pdq')) continue;
        results.get(row.id)!.hits.push({ where: 'hash_set', signal: 'pdq', distance: match.distance, set: entry.set, category: entry.category, series: entry.series, victimIdentified: entry.victim });
      }
    }
  }
  return [...results.values()].filter((result) => result.hits.length > 0).map((result) => ({ ...result, hits: result.hits.sort((a, b) => a.distance - b.distance) }));
}
