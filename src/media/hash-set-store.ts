/**
 * Hash sets in the store: importing a VICS, known-good or categorised CSV file (hashes, numbers and
 * categories only), exporting what an agency has categorised, and recording a reviewer's category
 * for a media hash (append-only, with who and when; the latest decision counts).
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { sql, type Kysely } from 'kysely';
import { UserError } from '../model/index.ts';
import type { Database } from '../store/index.ts';
import { detectHashSetFormat, readHashSetFile, type HashSetEntry, type HashSetFormat, type HashSetReject } from './hashsets/index.ts';

/** A hash-set entry as a row of `hash_set_entries` (an import here, a set received from a peer in federation). */
export function hashSetEntryRow(setId: string, entry: HashSetEntry) {
  return {
    set_id: setId,
    md5: entry.md5 ?? null,
    sha1: entry.sha1 ?? null,
    sha256: entry.sha256 ?? null,
    pdq: entry.pdq ?? null,
    category: entry.category === undefined ? null : String(entry.category),
    series: entry.series ?? null,
    victim_identified: entry.victimIdentified ?? null,
    offender_identified: entry.offenderIdentified ?? null,
  };
}

export interface HashSetImport {
  set: string;
  name: string;
  kind: 'categorised' | 'known_good';
  format: HashSetFormat;
  entries: number;
  rejects: HashSetReject[];
  /** True when this file was imported before (same bytes, same kind): nothing was added. */
  skipped: boolean;
}

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function headOf(path: string): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(4096);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}

/**
 * Imports a hash-set file. A VICS or categorised CSV set is `categorised`; a known-good list's files
 * are left out of review and matching from then on. Bad lines are reported and the rest load; the
 * whole import is one transaction, so a crash leaves no half set behind.
 */
export async function importHashSet(
  db: Kysely<Database>,
  path: string,
  options: { format?: HashSetFormat; name?: string; knownGood?: boolean; actor: string },
): Promise<HashSetImport> {
  const head = await headOf(path).catch((error: NodeJS.ErrnoException) => {
    throw new UserError(`${path}: cannot read (${error.code ?? error.message})`);
  });
  const format = options.format ?? detectHashSetFormat(head);
  if (!format) throw new UserError(`${path}: not a hash-set format Crosslink reads (VICS JSON, known-good/NSRL CSV, or a CSV with hash columns); name one with --format`);
  const kind = options.knownGood || format === 'known-good' ? 'known_good' : 'categorised';
  const fileSha256 = await sha256Of(path);
  const name = options.name ?? basename(path);
  const existing = await db.selectFrom('hash_sets').select(['id', 'entries']).where('file_sha256', '=', fileSha256).where('kind', '=', kind).executeTakeFirst();
  if (existing) return { set: existing.id, name, kind, format, entries: existing.entries, rejects: [], skipped: true };

  return db.transaction().execute(async (trx) => {
    const set = await trx
      .insertInto('hash_sets')
      .values({ name, kind, format, file_name: basename(path), file_sha256: fileSha256, imported_by: options.actor })
      .returning('id')
      .executeTakeFirstOrThrow();
    const rejects: HashSetReject[] = [];
    let entries = 0;
    let batch: HashSetEntry[] = [];
    const flush = async () => {
      if (batch.length === 0) return;
      await trx
        .insertInto('hash_set_entries')
        .values(
          batch.map((entry) => hashSetEntryRow(set.id, entry)),
        )
        .execute();
      entries += batch.length;
      batch = [];
    };
    for await (const item of readHashSetFile(path, format, path)) {
      if (item.type === 'reject') rejects.push(item.reject);
      else if (item.entry.md5 || item.entry.sha1 || item.entry.sha256 || item.entry.pdq) batch.push(item.entry);
      if (batch.length >= 2000) await flush();
    }
    await flush();
    await trx.updateTable('hash_sets').set({ entries }).where('id', '=', set.id).execute();
    return { set: set.id, name, kind, format, entries, rejects, skipped: false };
  });
}

/** A reviewer's category for a media file (by SHA-256), stored with who and when. */
export async function categoriseMedia(db: Kysely<Database>, options: { sha256: string; category: string; agencyId: string; actor: string }): Promise<void> {
  const sha256 = options.sha256.trim().toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new UserError(`'${options.sha256}' is not a SHA-256 (64 hex digits)`);
  if (options.category.trim() === '') throw new UserError('a category must not be empty');
  await db.insertInto('media_categories').values({ agency_id: options.agencyId, sha256, category: options.category.trim(), decided_by: options.actor }).execute();
}

/**
 * The agency's categorised set, for export: the latest category per media hash, with the file's
 * other hashes (MD5, SHA-1, PDQ) where a visible media entity carries them.
 */
export async function* categorisedEntries(db: Kysely<Database>, agencyId: string): AsyncGenerator<HashSetEntry> {
  const rows = await sql<{ sha256: string; category: string; md5: string | null; sha1: string | null; pdq: string | null; decided_at: Date }>`
    SELECT c.sha256, c.category, m.md5, m.sha1, m.pdq, c.decided_at
    FROM (SELECT DISTINCT ON (sha256) sha256, category, decided_at FROM media_categories WHERE agency_id = ${agencyId} ORDER BY sha256, id DESC) c
    LEFT JOIN LATERAL (
      SELECT e.props->>'md5' AS md5, e.props->>'sha1' AS sha1, e.props->>'pdq' AS pdq FROM entities e
      WHERE e.kind = 'media' AND e.key = 'sha256:' || c.sha256 LIMIT 1) m ON true
    ORDER BY c.sha256`.execute(db);
  for (const row of rows.rows) {
    const category = /^\d+$/.test(row.category) ? Number(row.category) : row.category;
    yield { sha256: row.sha256, ...(row.md5 ? { md5: row.md5 } : {}), ...(row.sha1 ? { sha1: row.sha1 } : {}), ...(row.pdq ? { pdq: row.pdq } : {}), category, source: { file: 'crosslink', line: 0 } };
  }
}
