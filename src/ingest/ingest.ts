/**
 * Ingests one source into a case: detect, fingerprint, register (chain of custody), parse in
 * batches that commit with the source's progress, derive links, mark complete. The same file
 * again adds nothing; a re-run after a crash resumes after the last committed batch.
 */
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { sql, type Kysely } from 'kysely';
import { matchPendingMedia, type MatchReport } from '../media/index.ts';
import { UserError } from '../model/index.ts';
import {
  appendBatch,
  committedRanges,
  finaliseSource,
  IdCache,
  registerSource,
  requireCase,
  type CaseScope,
  type Database,
  type IngestBatch,
  type Source,
  type Store,
} from '../store/index.ts';
import { fingerprintFile, fingerprintFolder, readSample } from './files.ts';
import type { IdentifierCounts } from './prepare.ts';
import { produceBatches, type ProduceJob } from './produce.ts';
import { detectFormat, formatByName, FORMATS } from './registry.ts';
import type { Mapping, ParseOptions } from './types.ts';

export interface IngestOptions {
  caseRef: string;
  /** Skip detection and read as this format. */
  format?: string;
  mapping?: Mapping;
  region?: string;
  timezone?: string;
  network?: string;
  locale?: string;
  /** Who is ingesting (for custody and audit). */
  actor: string;
  /** Key for card-number tokens. */
  secret: Buffer;
  onProgress?: (progress: IngestProgress) => void;
  /** Parser items per committed batch. */
  batchItems?: number;
}

export interface IngestProgress {
  file: string;
  format: string;
  phase: 'fingerprint' | 'parse' | 'links';
  /** Bytes of the file read so far (from the records' offsets) and in all. */
  bytesDone: number;
  bytesTotal: number;
  records: number;
  rejects: number;
}

export interface IngestReport {
  file: string;
  format: string;
  sha256: string;
  bytes: number;
  source: string;
  records: number;
  rejects: number;
  /** Records whose key repeated within the source (kept once). */
  duplicates: number;
  identifiers: IdentifierCounts;
  links: number;
  /** True when this file was already ingested into the case: nothing was added. */
  skipped: boolean;
  /** True when this run finished a source that an earlier, interrupted run had started. */
  resumed: boolean;
  /** Media folders: PDQ signals recorded and matches found across everything stored. */
  media?: MatchReport;
  seconds: number;
}

function parseOptions(options: IngestOptions): ParseOptions {
  return { timezone: options.timezone, region: options.region, mapping: options.mapping, network: options.network, locale: options.locale };
}

async function identifierCountsOf(db: Kysely<Database>, sourceId: string): Promise<IdentifierCounts> {
  const rows = await db
    .selectFrom('mentions')
    .innerJoin('identifiers', 'identifiers.id', 'mentions.identifier_id')
    .where('mentions.source_id', '=', sourceId)
    .where('mentions.role', 'not like', '%:canonical')
    .groupBy('identifiers.type')
    .select(['identifiers.type', (eb) => eb.fn.countAll<string>().as('n')])
    .execute();
  return Object.fromEntries(rows.map((row) => [row.type, Number(row.n)]));
}

/**
 * Ingests one file or folder into a case. A media folder's images are then matched against every
 * stored image (this also finishes any matching an interrupted earlier run left undone).
 */
export async function ingestSource(store: Store, path: string, options: IngestOptions): Promise<IngestReport> {
  const result = await ingestFile(store, path, options);
  if (result.format !== 'media-folder') return result;
  const media = await matchPendingMedia(store.db);
  return { ...result, media };
}

async function ingestFile(store: Store, path: string, options: IngestOptions): Promise<IngestReport> {
  const started = performance.now();
  const file = resolve(path);
  const sample = await readSample(file).catch((error: NodeJS.ErrnoException) => {
    throw new UserError(`${path}: cannot read (${error.code ?? error.message})`);
  });
  const format = options.format ? formatByName(options.format) : detectFormat(sample)?.format;
  if (!format) {
    throw new UserError(`${path}: not a format Crosslink recognises (known: ${[...FORMATS.keys()].join(', ')}; name one with --format)`);
  }
  const target = await requireCase(store.db, options.caseRef);
  const scope: CaseScope = { agencyId: target.agency_id, caseId: target.id };

  const progress = (update: Omit<IngestProgress, 'file' | 'format'>) => options.onProgress?.({ file: path, format: format.name, ...update });
  progress({ phase: 'fingerprint', bytesDone: 0, bytesTotal: 0, records: 0, rejects: 0 });
  const print = sample.isDirectory ? await fingerprintFolder(file) : await fingerprintFile(file);

  const { source, created } = await registerSource(store.db, scope, {
    sha256: print.sha256,
    bytes: print.bytes,
    originalName: sample.name,
    format: format.name,
    origin: `${hostname()}:${file}`,
    ingestedBy: options.actor,
  });
  const report = (current: Source, extra: { duplicates: number; identifiers: IdentifierCounts; links: number; resumed: boolean; skipped: boolean }): IngestReport => ({
    file: path,
    format: current.format,
    sha256: current.sha256,
    bytes: Number(current.bytes),
    source: current.id,
    records: current.record_count,
    rejects: current.reject_count,
    ...extra,
    seconds: Math.round((performance.now() - started) / 10) / 100,
  });
  if (!created && source.status === 'complete') {
    return report(source, { duplicates: 0, identifiers: await identifierCountsOf(store.db, source.id), links: 0, resumed: false, skipped: true });
  }

  const ingest = async (): Promise<IngestReport> => {
    // A source registered just now has nothing committed; only a re-run needs to look.
    const current = created ? source : await store.db.selectFrom('sources').selectAll().where('id', '=', source.id).executeTakeFirstOrThrow();
    if (current.status === 'complete') {
      return report(current, { duplicates: 0, identifiers: await identifierCountsOf(store.db, source.id), links: 0, resumed: false, skipped: true });
    }
    const committed = created ? [] : await committedRanges(store.db, source.id);
    const resumed = committed.length > 0;
    const caches = { entities: new IdCache(), identifiers: new IdCache() };
    let records = current.record_count;
    let rejects = current.reject_count;
    let duplicates = 0;
    let bytesDone = 0;

    // On a server, two batches are written at once (the database has its own cores); the
    // embedded database runs in this process, so one at a time.
    const writers = new Set<Promise<void>>();
    const maxWriters = store.backend === 'postgres' ? 2 : 1;
    let failure: { error: unknown } | undefined;
    const submit = async (batch: IngestBatch) => {
      while (writers.size >= maxWriters) await Promise.race(writers);
      if (failure) throw failure.error;
      const write = appendBatch(store.db, scope, source.id, batch, caches)
        .then((outcome) => {
          records += outcome.records;
          rejects += outcome.rejects;
          duplicates += outcome.duplicates;
          progress({ phase: 'parse', bytesDone, bytesTotal: print.bytes, records, rejects });
        })
        .catch((error: unknown) => {
          failure ??= { error };
        })
        .finally(() => writers.delete(write));
      writers.add(write);
    };

    const job: ProduceJob = {
      file,
      format: format.name,
      options: parseOptions(options),
      region: options.region,
      secret: new Uint8Array(options.secret),
      batchItems: options.batchItems ?? 2000,
      committed,
    };
    // Parsing stays in this thread: a worker thread was measured slower (copying the batches
    // between threads cost more than the parsing it moved; docs/benchmarks.md).
    const batches = produceBatches(job);
    let identifierCounts: IdentifierCounts = {};
    try {
      for (;;) {
        const next = await batches.next();
        if (next.done) {
          identifierCounts = next.value;
          break;
        }
        bytesDone = next.value.bytesDone;
        await submit(next.value.batch);
      }
    } finally {
      // Whatever stopped the loop, no write may outlive this ingest (the caller may close the store).
      await Promise.all(writers);
    }
    bytesDone = print.bytes;
    if (failure) throw failure.error;

    progress({ phase: 'links', bytesDone, bytesTotal: print.bytes, records, rejects });
    // The audit entry commits with the source's completion: an ingest is recorded if and only if it finished.
    const { links } = await finaliseSource(store.db, scope, source.id, {
      actor: options.actor,
      action: 'source.ingest',
      agencyId: scope.agencyId,
      caseId: scope.caseId,
      target: source.id,
      details: { file: sample.name, sha256: print.sha256, format: format.name, records, rejects, resumed },
    });
    const finished = { ...current, status: 'complete', record_count: records, reject_count: rejects };
    const identifiers = resumed ? await identifierCountsOf(store.db, source.id) : identifierCounts;
    return report(finished, { duplicates, identifiers, links, resumed, skipped: false });
  };

  // The embedded store is one process's already (its directory lock). On a server, a session lock
  // on the source keeps two processes from writing the same source at once.
  if (store.backend === 'embedded') return ingest();
  return store.db.connection().execute(async (lockConnection) => {
    const lockKey = Number(source.id) % 2147483647;
    const locked = await sql<{ ok: boolean }>`SELECT pg_try_advisory_lock(hashtext('crosslink.source'), ${lockKey}::int) AS ok`.execute(lockConnection);
    if (!locked.rows[0]?.ok) throw new UserError(`${path}: another process is ingesting this file into ${target.ref} right now`, 'conflict');
    try {
      return await ingest();
    } finally {
      await sql`SELECT pg_advisory_unlock(hashtext('crosslink.source'), ${lockKey}::int)`.execute(lockConnection);
    }
  });
}
