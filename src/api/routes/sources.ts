/**
 * Sources of a case: uploading one (streamed to disk, then ingested as a background job whose
 * progress arrives as server-sent events) and reading what it rejected.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { formatByName, ingestSource, loadMapping, type IngestReport, type Mapping } from '../../ingest/index.ts';
import { isUserError } from '../../model/index.ts';
import { findCase } from '../../store/index.ts';
import { principalOf } from '../auth.ts';
import { caseScope, type ApiContext } from '../context.ts';
import { badRequest, forbidden, notFound } from '../problem.ts';
import { sourceRejects } from '../reads.ts';
import { receiveUpload } from '../upload.ts';
import { object, paging, problems, ref } from '../schemas.ts';
import { caseParams } from './cases.ts';

const UPLOAD_FIELDS = ['format', 'timezone', 'region', 'network', 'locale', 'mapping'] as const;

/** What a failed job tells its owner: the user's error as it is; anything else with its first line. */
export function describeJobError(error: unknown): string {
  if (isUserError(error)) return error.message;
  const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
  return `the ingest failed: ${message}`;
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export default async function sourceRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  app.get<{ Params: { ref: string; id: string }; Querystring: { limit: number; offset: number } }>(
    '/api/cases/:ref/sources/:id/rejects',
    {
      schema: {
        tags: ['cases'],
        summary: "A source's rejected lines (the rows that could not be read), by page",
        params: object({ ref: { type: 'string', minLength: 1, maxLength: 64 }, id: { type: 'string', pattern: '^[0-9]{1,18}$' } }),
        querystring: object(paging(1000, 100), ['limit', 'offset']),
        response: { 200: ref('RejectPage'), ...problems(400, 401, 404) },
      },
    },
    async (request) =>
      ctx.asUser(request, async (db, acting) => {
        const page = await sourceRejects(db, request.params.ref, request.params.id, request.query);
        acting.auditRead('source.rejects', { source: page.source, offset: page.offset }, await caseScope(db, request.params.ref));
        return page;
      }),
  );

  app.post<{ Params: { ref: string } }>(
    '/api/cases/:ref/sources',
    {
      schema: {
        tags: ['cases'],
        summary: 'Upload a source into a case; it is ingested as a background job',
        description:
          'multipart/form-data: `file` (the source; streamed to disk, limited in size), and optionally `format` (skip detection), `timezone` (IANA, for local times), `region` (phone region), `network`, `locale`, `mapping` (column mapping JSON for CSV sources). Answers 202 with the job at once; follow it at /api/jobs/{id} or on /api/events (event `ingest`). The same file again adds nothing; an interrupted ingest resumes when the file is sent again.',
        params: caseParams,
        response: { 202: ref('JobAccepted'), ...problems(400, 401, 403, 404, 413, 415) },
      },
      config: {
        multipart: {
          file: { type: 'string', format: 'binary', description: 'the source file' },
          format: { type: 'string', description: 'a format name (skips detection)' },
          timezone: { type: 'string', description: 'IANA time zone of local times in the source' },
          region: { type: 'string', description: 'phone region for numbers without a country code' },
          network: { type: 'string', description: 'IRC network name' },
          locale: { type: 'string', description: 'locale of dates in the source' },
          mapping: { type: 'string', description: 'column mapping (JSON) for CSV and JSON Lines sources' },
        },
      },
    },
    async (request, reply) => {
      const user = principalOf(request);
      if (user.role === 'auditor') throw forbidden('auditors read and verify the audit log; they do not add evidence');
      // Before accepting any bytes: the case must be one the user may see.
      const target = await ctx.asUser(request, async (db) => findCase(db, request.params.ref));
      if (!target) throw notFound(`no case '${request.params.ref}' that you may see`);
      const upload = await receiveUpload(request, { uploadDir: ctx.settings.uploadDir, maxBytes: ctx.settings.uploadBytes, fileField: 'file', fields: UPLOAD_FIELDS });
      let mapping: Mapping | undefined;
      const { fields } = upload;
      try {
        if (fields['format']) formatByName(fields['format']);
        if (fields['timezone'] && !isTimeZone(fields['timezone'])) throw badRequest(`timezone '${fields['timezone']}' is not an IANA time zone (e.g. Europe/London)`);
        if (fields['region'] && !/^[A-Za-z]{2}$/.test(fields['region'])) throw badRequest(`region '${fields['region']}' is not a two-letter country code`);
        if (fields['mapping']) {
          const file = join(upload.dir, 'mapping.json');
          await writeFile(file, fields['mapping'], { mode: 0o600 });
          mapping = await loadMapping(file).catch((error: unknown) => {
            throw badRequest(`mapping: ${error instanceof Error ? error.message.replace(file, 'the mapping') : String(error)}`);
          });
        }
        await ctx.asUser(request, (db, acting) => acting.audit('source.upload', { file: upload.name, bytes: upload.bytes, format: fields['format'] ?? null }, { agencyId: target.agency_id, caseId: target.id, target: target.ref }));
      } catch (error) {
        await upload.discard();
        throw error;
      }
      const job = ctx.jobs.start(
        user.id,
        { kind: 'ingest', case: target.ref, file: upload.name, format: fields['format'] || null, total: upload.bytes },
        async (progress) => {
          try {
            // The ingest writes many transactions (each batch commits, so an interrupted one resumes),
            // which one `withUser` transaction cannot hold: it runs on the node's connection, for a
            // user whose access to the case was checked above, with custody and audit in their name.
            const report: IngestReport = await ingestSource(ctx.store, upload.path, {
              caseRef: target.ref,
              format: fields['format'] || undefined,
              mapping,
              region: fields['region']?.toUpperCase() || ctx.settings.region,
              timezone: fields['timezone'] || undefined,
              network: fields['network'] || undefined,
              locale: fields['locale'] || undefined,
              actor: user.name,
              secret: ctx.cardSecret(),
              onProgress: (update) => progress({ phase: update.phase, format: update.format, done: update.bytesDone, total: update.bytesTotal, records: update.records, rejects: update.rejects }),
            });
            const { file: _file, ...result } = report;
            return {
              result: { ...result, file: upload.name },
              progress: { phase: null, source: report.source, format: report.format, records: report.records, rejects: report.rejects, done: report.bytes, total: report.bytes },
            };
          } finally {
            // Custody keeps the file's hash, size, name, who and when; the copy itself is not kept.
            await upload.discard();
          }
        },
        describeJobError,
      );
      return reply.code(202).send({ job });
    },
  );
}
