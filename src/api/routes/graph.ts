/**
 * The link chart's questions, answered by analysis/ over what the user may see: a node's
 * neighbourhood, paths between two nodes, communities, and who is central or bridges groups.
 */
import type { FastifyInstance } from 'fastify';
import { centrality, detectCommunities, expandFromStore, findBrokers, findNodes, findOneNode, findPaths, loadProjection } from '../../analysis/index.ts';
import type { ApiContext } from '../context.ts';
import { notFound } from '../problem.ts';
import { arrayOf, day, flag, isOn, object, problems, ref } from '../schemas.ts';

const nodeRef = { type: 'string', minLength: 1, maxLength: 500, description: 'e<id>, s<id>, i<id>, an identifier as typed (email, phone, card), @handle or an exact name' };
const cases = arrayOf({ type: 'string', maxLength: 64 }, 'only these cases (repeat the parameter)');
const region = { type: 'string', pattern: '^[A-Za-z]{2}$', description: 'phone region for numbers typed without a country code' };

function window(from?: string, to?: string): { from?: Date; to?: Date } {
  return { ...(from ? { from: new Date(`${from}T00:00:00Z`) } : {}), ...(to ? { to: new Date(new Date(`${to}T00:00:00Z`).getTime() + 86_400_000) } : {}) };
}

export default async function graphRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  const context = (region?: string) => ({ region: (region ?? ctx.settings.region).toUpperCase(), secret: ctx.cardSecret() });

  app.get<{ Querystring: { ref: string; hops: number; kind?: string[]; case?: string[]; from?: string; to?: string; limit: number; region?: string } }>(
    '/api/graph/neighbourhood',
    {
      schema: {
        tags: ['graph'],
        summary: 'The neighbourhood of a node, n hops out (identifiers shared by very many are shown, not expanded)',
        querystring: object(
          {
            ref: nodeRef,
            hops: { type: 'integer', minimum: 1, maximum: 6, default: 2 },
            kind: arrayOf({ type: 'string', pattern: '^[a-z_]{1,32}$' }, 'only nodes of these kinds (the start nodes always)'),
            case: cases,
            from: day,
            to: day,
            limit: { type: 'integer', minimum: 1, maximum: 5000, default: 2000, description: 'stop adding nodes past this many (then `truncated`)' },
            region,
          },
          ['hops', 'kind', 'case', 'from', 'to', 'limit', 'region'],
        ),
        response: { 200: ref('Neighbourhood'), ...problems(400, 401, 404) },
      },
    },
    async (request) => {
      const query = request.query;
      return ctx.asUser(request, async (db, acting) => {
        const found = await findNodes(db, query.ref, context(query.region));
        if (found.length === 0) throw notFound(`nothing you may see is called '${query.ref}' (try e<id>, s<id>, an identifier, @handle or an exact name)`);
        const start = found.map((node) => node.id);
        const result = await expandFromStore(db, start, { hops: query.hops, kinds: query.kind, caseRefs: query.case, maxNodes: query.limit, ...window(query.from, query.to) });
        acting.auditRead('analysis.links', { start, hops: query.hops, nodes: result.nodes.length });
        return { start, ...result };
      });
    },
  );

  app.get<{ Querystring: { from: string; to: string; k: number; case?: string[]; region?: string } }>(
    '/api/graph/path',
    {
      schema: {
        tags: ['graph'],
        summary: 'The shortest paths between two nodes, strong evidence counting as short',
        querystring: object({ from: nodeRef, to: nodeRef, k: { type: 'integer', minimum: 1, maximum: 20, default: 3 }, case: cases, region }, ['k', 'case', 'region']),
        response: { 200: ref('Paths'), ...problems(400, 401, 404) },
      },
    },
    async (request) => {
      const query = request.query;
      return ctx.asUser(request, async (db, acting) => {
        const from = await findOneNode(db, query.from, context(query.region));
        const to = await findOneNode(db, query.to, context(query.region));
        const projection = await loadProjection(db, { caseRefs: query.case });
        const paths = findPaths(projection, from.id, to.id, query.k);
        acting.auditRead('analysis.path', { from: from.id, to: to.id, k: query.k, found: paths.length });
        return { from, to, paths };
      });
    },
  );

  app.get<{ Querystring: { case?: string[]; seed: number; resolution: number; limit: number; from?: string; to?: string } }>(
    '/api/graph/communities',
    {
      schema: {
        tags: ['graph'],
        summary: 'Groups that hang together (Louvain; the same seed gives the same answer)',
        querystring: object(
          {
            case: cases,
            seed: { type: 'integer', default: 1 },
            resolution: { type: 'number', exclusiveMinimum: 0, maximum: 100, default: 1, description: 'higher finds more, smaller communities' },
            limit: { type: 'integer', minimum: 1, maximum: 10_000, default: 50, description: 'communities listed (largest first); `count` says how many there are' },
            from: day,
            to: day,
          },
          ['case', 'seed', 'resolution', 'limit', 'from', 'to'],
        ),
        response: { 200: ref('Communities'), ...problems(400, 401) },
      },
    },
    async (request) => {
      const query = request.query;
      return ctx.asUser(request, async (db, acting) => {
        const projection = await loadProjection(db, { caseRefs: query.case, ...window(query.from, query.to) });
        const found = detectCommunities(projection, { seed: query.seed, resolution: query.resolution });
        acting.auditRead('analysis.communities', { cases: query.case ?? [], seed: query.seed, resolution: query.resolution, count: found.communities.length });
        return { modularity: Math.round(found.modularity * 1000) / 1000, count: found.communities.length, communities: found.communities.slice(0, query.limit) };
      });
    },
  );

  app.get<{ Querystring: { case?: string[]; brokers: string; kind?: string[]; limit: number; from?: string; to?: string } }>(
    '/api/graph/central',
    {
      schema: {
        tags: ['graph'],
        summary: 'The most central people, accounts and subjects (PageRank, betweenness, degree), or with `brokers` who bridges communities, cases and agencies',
        querystring: object(
          {
            case: cases,
            brokers: flag('1: rank who bridges communities, cases and agencies instead'),
            kind: arrayOf({ type: 'string', pattern: '^[a-z_]{1,32}$' }, 'rank only these kinds'),
            limit: { type: 'integer', minimum: 1, maximum: 1000, default: 25 },
            from: day,
            to: day,
          },
          ['case', 'brokers', 'kind', 'limit', 'from', 'to'],
        ),
        response: { 200: ref('Central'), ...problems(400, 401) },
      },
    },
    async (request) => {
      const query = request.query;
      return ctx.asUser(request, async (db, acting) => {
        const projection = await loadProjection(db, { caseRefs: query.case, ...window(query.from, query.to) });
        if (isOn(query.brokers)) {
          const brokers = await findBrokers(projection, detectCommunities(projection), { limit: query.limit });
          acting.auditRead('analysis.brokers', { cases: query.case ?? [], limit: query.limit });
          return { brokers };
        }
        const central = await centrality(projection, { kinds: query.kind, limit: query.limit });
        acting.auditRead('analysis.central', { cases: query.case ?? [], limit: query.limit });
        return { central };
      });
    },
  );
}
