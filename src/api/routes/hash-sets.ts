/**
 * Hash sets: Project VIC (VICS) and categorised CSV sets, and known-good lists whose files leave
 * review and matching. They hold hashes, numbers and categories — no case content — so every user
 * may list them; importing one is an upload run as a background job, like a source.
 */
import type { FastifyInstance } from 'fastify';
import { withUser } from '../../access/index.ts';
import { importHashSet, type HashSetFormat } from '../../media/index.ts';
import { appendAuditIn } from '../../store/index.ts';
import { principalOf } from '../auth.ts';
import type { ApiContext } from '../context.ts';
import { badRequest, forbidden } from '../problem.ts';
import { hashSets } from '../reads.ts';
import { arrayOf, problems, ref } from '../schemas.ts';
import { receiveUpload } from '../upload.ts';
import { describeJobError } from './sources.ts';

const FORMATS: Record<string, HashSetFormat> = { vics: 'vics', csv: 'csv', 'known-good': 'known-good', nsrl: 'known-good' };

export default async function hashSetRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  app.get(
    '/api/hash-sets',
    { schema: { tags: ['media'], summary: 'Imported hash sets', response: { 200: arrayOf(ref('HashSet')), ...problems(401) } } },
    async (request) =>
      ctx.asUser(request, async (db, acting) => {
        const sets = await hashSets(db);
        acting.auditRead('hashset.list', { sets: sets.length });
        return sets;
      }),
  );

  app.post(
    '/api/hash-sets',
    {
      schema: {
        tags: ['media'],
        summary: 'Import a hash set (VICS JSON, a CSV with hash columns and categories, or a known-good/NSRL list) as a background job',
        description:
          'multipart/form-data: `file`, and optionally `format` (vics, csv, known-good or nsrl; default: detected), `name`, `knownGood` (true: leave its files out of review and matching). Answers 202 with the job; its progress arrives on /api/events as `job` events. The same file again adds nothing.',
        response: { 202: ref('JobAccepted'), ...problems(400, 401, 403, 413, 415) },
      },
      config: {
        multipart: {
          file: { type: 'string', format: 'binary', description: 'the hash-set file' },
          format: { type: 'string', enum: Object.keys(FORMATS) },
          name: { type: 'string', description: 'a name for the set (default: the file name)' },
          knownGood: { type: 'string', enum: ['true', 'false'] },
        },
      },
    },
    async (request, reply) => {
      const user = principalOf(request);
      if (user.role === 'auditor') throw forbidden('auditors read and verify the audit log; they do not import hash sets');
      const upload = await receiveUpload(request, { uploadDir: ctx.settings.uploadDir, maxBytes: ctx.settings.uploadBytes, fileField: 'file', fields: ['format', 'name', 'knownGood'], fieldBytes: 1024 });
      const { fields } = upload;
      const format = fields['format'] ? FORMATS[fields['format'].toLowerCase()] : undefined;
      if (fields['format'] && !format) {
        await upload.discard();
        throw badRequest(`format '${fields['format']}' must be one of: ${Object.keys(FORMATS).join(', ')}`);
      }
      const knownGood = fields['knownGood'] === 'true' || fields['knownGood'] === '1';
      const job = ctx.jobs.start(
        user.id,
        { kind: 'hashset', case: null, file: upload.name, format: format ?? null, total: upload.bytes },
        async (progress) => {
          try {
            progress({ phase: 'import' });
            // One transaction of its own (a crash leaves no half set); hash sets hold no case data,
            // so it runs on the node's connection, with the audit entry in the user's name.
            const imported = await importHashSet(ctx.store.db, upload.path, { format, knownGood, name: fields['name'] || upload.name, actor: user.name });
            if (!imported.skipped) {
              await withUser(ctx.store, user, (trx) =>
                appendAuditIn(trx, { actor: user.name, action: 'hashset.import', details: { set: imported.set, name: imported.name, kind: imported.kind, entries: imported.entries, rejects: imported.rejects.length } }),
              );
            }
            return {
              result: { set: imported.set, name: imported.name, kind: imported.kind, format: imported.format, entries: imported.entries, skipped: imported.skipped, rejects: imported.rejects.slice(0, 100), rejectCount: imported.rejects.length },
              progress: { phase: null, format: imported.format, records: imported.entries, rejects: imported.rejects.length, done: upload.bytes },
            };
          } finally {
            await upload.discard();
          }
        },
        describeJobError,
      );
      return reply.code(202).send({ job });
    },
  );
}
