/**
 * Every route module, in one explicit list (no import side effects): one file per resource.
 * A new resource is a file here and a line in ROUTES.
 */
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../context.ts';
import agencyRoutes from './agencies.ts';
import analysisRoutes from './analysis.ts';
import auditRoutes from './audit.ts';
import caseRoutes from './cases.ts';
import deconflictionRoutes from './deconfliction.ts';
import entityRoutes from './entities.ts';
import exportRoutes from './exports.ts';
import federationRoutes from './federation.ts';
import graphRoutes from './graph.ts';
import hashSetRoutes from './hash-sets.ts';
import hitRoutes from './hits.ts';
import identityRoutes from './identities.ts';
import jobRoutes from './jobs.ts';
import matchReviewRoutes from './match-review.ts';
import mediaRoutes from './media.ts';
import memberRoutes from './members.ts';
import recordRoutes from './records.ts';
import searchRoutes from './search.ts';
import sessionRoutes from './session.ts';
import sourceRoutes from './sources.ts';
import subjectRoutes from './subjects.ts';
import systemRoutes from './system.ts';
import userRoutes from './users.ts';

export type RouteModule = (app: FastifyInstance, ctx: ApiContext) => Promise<void>;

export const ROUTES: readonly RouteModule[] = [
  systemRoutes,
  sessionRoutes,
  agencyRoutes,
  userRoutes,
  caseRoutes,
  memberRoutes,
  sourceRoutes,
  recordRoutes,
  jobRoutes,
  searchRoutes,
  entityRoutes,
  subjectRoutes,
  matchReviewRoutes,
  graphRoutes,
  analysisRoutes,
  mediaRoutes,
  hashSetRoutes,
  exportRoutes,
  auditRoutes,
  federationRoutes,
  // Hits, deconfliction and LE identities publish `hit` and `alert` events through ctx.events to the users concerned.
  hitRoutes,
  deconflictionRoutes,
  identityRoutes,
];
