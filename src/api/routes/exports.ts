/** Exports of the link chart of what the user may see, in other tools' formats: streamed, and audited. */
import { PassThrough } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { loadProjection } from '../../analysis/index.ts';
import { EXPORT_FORMAT_NAMES, EXPORT_FORMATS, exportFormat } from '../../export/index.ts';
import type { ApiContext } from '../context.ts';
import { arrayOf, object, problems, ref } from '../schemas.ts';

export default async function exportRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  app.get(
    '/api/exports/formats',
    { schema: { tags: ['exports'], summary: 'The export formats', response: { 200: arrayOf(ref('ExportFormat')), ...problems(401) } } },
    async () => [...EXPORT_FORMATS.values()].map((format) => ({ name: format.name, extension: format.extension, mediaType: format.mediaType, description: format.description })),
  );

  const mediaTypes = [...new Set([...EXPORT_FORMATS.values()].map((format) => format.mediaType.split(';')[0]!.trim()))];
  app.get<{ Querystring: { case?: string[]; format: string } }>(
    '/api/exports',
    {
      schema: {
        tags: ['exports'],
        summary: 'Download the link chart of cases you may see (all of them, or `case`) for another tool',
        description: 'Formats: GraphML and GEXF (Gephi, Cytoscape, yEd), i2 Analyst\'s Notebook CSV, followthemoney JSON lines (Aleph), CSV. Streamed as an attachment; every export is written to the audit log. Media are never exported as pictures.',
        querystring: object(
          { case: arrayOf({ type: 'string', maxLength: 64 }, 'only these cases (repeat the parameter)'), format: { type: 'string', enum: EXPORT_FORMAT_NAMES } },
          ['case'],
        ),
        response: {
          200: { description: 'the export, as an attachment', content: Object.fromEntries(mediaTypes.map((type) => [type, { schema: { type: 'string', format: 'binary' } }])) },
          ...problems(400, 401, 404),
        },
      },
    },
    async (request, reply) => {
      const format = exportFormat(request.query.format);
      const cases = request.query.case ?? [];
      const projection = await ctx.asUser(request, async (db, acting) => {
        const loaded = await loadProjection(db, { caseRefs: cases });
        acting.auditRead('export', { format: format.name, cases, nodes: loaded.data.nodes.length, edges: loaded.data.edges.length });
        return loaded;
      });
      const name = `crosslink-${cases.length === 1 ? cases[0]!.replace(/[^A-Za-z0-9._-]/g, '_') : cases.length === 0 ? 'all' : 'cases'}.${format.extension}`;
      const body = new PassThrough();
      // Written as the client reads (back-pressure); the transaction is over: the data is in memory.
      format
        .write(projection.data, body)
        .then(() => body.end())
        .catch((error: unknown) => body.destroy(error instanceof Error ? error : new Error(String(error))));
      return reply.header('content-type', format.mediaType).header('content-disposition', `attachment; filename="${name}"`).send(body);
    },
  );
}
