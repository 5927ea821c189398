/** Search over every case the user may see: one query language (search/), filters as parameters too. */
import type { FastifyInstance } from 'fastify';
import { parseQuery, search } from '../../search/index.ts';
import { principalOf } from '../auth.ts';
import type { ApiContext } from '../context.ts';
import { badRequest } from '../problem.ts';
import { arrayOf, day, object, paging, problems, ref } from '../schemas.ts';
import { announceHits } from './hits.ts';

interface SearchQuerystring {
  q: string;
  case: string[];
  kind: string[];
  agency: string[];
  from?: string;
  to?: string;
  region?: string;
  limit: number;
  offset: number;
}

const quoted = (value: string) => `"${value.replace(/"/g, '')}"`;

export default async function searchRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  app.get<{ Querystring: SearchQuerystring }>(
    '/api/search',
    {
      schema: {
        tags: ['search'],
        summary: 'Search records and entities of every case you may see',
        description:
          '`q` takes words, "phrases", -exclusions, identifiers in any notation (phone, email, card number — never stored or logged as typed), ~fuzzy names, @handles, and filters (case:, kind:, agency:, platform:, from:, to:). Matches in snippets are marked « ».',
        querystring: object(
          {
            q: { type: 'string', maxLength: 2000, default: '' },
            case: arrayOf({ type: 'string', maxLength: 64 }, 'only these cases (repeat the parameter)'),
            kind: arrayOf({ type: 'string', pattern: '^[a-z_]{1,32}$' }, 'only these record or entity kinds (repeat the parameter)'),
            agency: arrayOf({ type: 'string', maxLength: 200 }, 'only cases of these agencies, by name (repeat the parameter)'),
            from: day,
            to: day,
            region: { type: 'string', pattern: '^[A-Za-z]{2}$', description: 'phone region for numbers typed without a country code' },
            ...paging(200, 20),
          },
          ['q', 'case', 'kind', 'agency', 'from', 'to', 'region', 'limit', 'offset'],
        ),
        response: { 200: ref('SearchResult'), ...problems(400, 401) },
      },
    },
    async (request) => {
      const { q, from, to, limit, offset } = request.query;
      const filters = [
        ...(request.query.case ?? []).map((ref) => `case:${quoted(ref)}`),
        ...(request.query.kind ?? []).map((kind) => `kind:${kind}`),
        ...(request.query.agency ?? []).map((agency) => `agency:${quoted(agency)}`),
        ...(from ? [`from:${from}`] : []),
        ...(to ? [`to:${to}`] : []),
      ];
      const text = [q, ...filters].join(' ').trim();
      if (text === '') throw badRequest('type something to search for (q), or give a filter');
      const query = parseQuery(text, { region: (request.query.region ?? ctx.settings.region).toUpperCase(), secret: ctx.cardSecret() });
      const answer = await ctx.asUser(request, async (db, acting) => {
        const found = await search(db, query, { limit, offset });
        // The query as parsed, not as typed: a card number in it never reaches the log.
        acting.auditRead('search', {
          text: query.text,
          identifiers: query.identifiers.map((term) => ({ type: term.type, shown: term.shown })),
          handles: query.handles,
          fuzzy: query.fuzzy,
          records: found.records.total,
          entities: found.entities.length,
        });
        return found;
      });
      await announceHits(ctx, principalOf(request), answer.hits ?? [], request.log);
      return answer;
    },
  );
}
