/**
 * Every route module, in one explicit list (no import side effects): one file per resource.
 * A new resource is a file here and a line in ROUTES.
 */
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../context.ts';
import analysisRoutes from './analysis.ts';
import auditRoutes from './audit.ts';
import caseRoutes from './cases.ts';
import entityRoutes from './entities.ts';
import exportRoutes from './exports.ts';
import graphRoutes from './graph.ts';
import hashSetRoutes from './hash-sets.ts';
import jobRoutes from './jobs.ts';
import mediaRoutes from './media.ts';
import searchRoutes from './search.ts';
import sessionRoutes from './session.ts';
import sourceRoutes from './sources.ts';
import subjectRoutes from './subjects.ts';
import systemRoutes from './system.ts';

export type RouteModule = (app: FastifyInstance, ctx: ApiContext) => Promise<void>;

export const ROUTES: readonly RouteModule[] = [
  systemRoutes,
  sessionRoutes,
  caseRoutes,
  sourceRoutes,
  jobRoutes,
  searchRoutes,
  entityRoutes,
  subjectRoutes,
  graphRoutes,
  analysisRoutes,
  mediaRoutes,
  hashSetRoutes,
  exportRoutes,
  auditRoutes,
  // Still to come (issue 10 and later), each a file beside these:
  //   hits.ts          GET /api/hits — cross-case hits on the user's cases, each with the other agency's contact
  //   deconfliction.ts GET/POST /api/deconfliction — registrations of targets, and the alerts they raise
  //   identities.ts    federation: this node's identity and its peers
  // They publish `hit` and `alert` events through ctx.events (see events.ts) to the users concerned.
];
