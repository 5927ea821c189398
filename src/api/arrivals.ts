/**
 * What other agencies' nodes send, on the event streams of the people it concerns. A hit notice or
 * a conflict with another node's registration is written by whichever process serves the peer
 * endpoint — this server, or `crosslink federation serve` beside it on the same store — and a
 * trigger then notifies FEDERATION_ARRIVALS_CHANNEL (migration 0024). This server reads what is new
 * since it last looked (by id, on the owner's connection) and sends the members of each case
 * concerned a `hit` event (direction `federated`: the case, how many, the newest reference) or the
 * `alert` its alert row makes; the browser reads the rest under the user's own rights.
 *
 * A notification is only a hint (store/notify.ts): what arrives while the server is down is not
 * announced, but it is listed all the same when the work queue or the case is opened.
 */
import type { FastifyBaseLogger } from 'fastify';
import { sql } from 'kysely';
import { coalescer } from '../federation/index.ts';
import { listen, type Listening } from '../store/index.ts';
import type { ApiContext } from './context.ts';
import { publishAlerts } from './routes/deconfliction.ts';

export const FEDERATION_ARRIVALS_CHANNEL = 'crosslink_federation_arrivals';

/** What a case's members are told when another node reports a hit on the case. */
export interface FederatedHitEvent {
  direction: 'federated';
  case: string;
  /** How many new hits on the case since the last event. */
  count: number;
  /** The newest one's reference, to quote when calling. */
  reference: string;
}

/** Starts announcing arrivals; call `stop` on close. */
export async function announceArrivals(ctx: ApiContext, log?: FastifyBaseLogger): Promise<Listening> {
  const marks = (
    await sql<{ hit: string; alert: string }>`
      SELECT coalesce((SELECT max(id) FROM federation_hits), 0)::text AS hit,
             coalesce((SELECT max(id) FROM deconfliction_alerts), 0)::text AS alert`.execute(ctx.store.db)
  ).rows[0]!;
  let lastHit = marks.hit;
  let lastAlert = marks.alert;

  const announce = async () => {
    const hits = await sql<{ ref: string; count: number; newest: string; reference: string; members: string[] }>`
      SELECT c.ref, n.count, n.newest::text AS newest, h.reference,
             coalesce((SELECT array_agg(m.user_id::text) FROM case_members m JOIN users u ON u.id = m.user_id
                       WHERE m.case_id = n.case_id AND m.revoked_at IS NULL AND u.disabled_at IS NULL), '{}') AS members
      FROM (SELECT case_id, count(*)::int AS count, max(id) AS newest FROM federation_hits WHERE id > ${lastHit} GROUP BY case_id) n
      JOIN cases c ON c.id = n.case_id
      JOIN federation_hits h ON h.id = n.newest`.execute(ctx.store.db);
    for (const row of hits.rows) {
      ctx.events.publish(row.members, 'hit', { direction: 'federated', case: row.ref, count: row.count, reference: row.reference } satisfies FederatedHitEvent);
      if (BigInt(row.newest) > BigInt(lastHit)) lastHit = row.newest;
    }
    // Only alerts another node's notice raised: a local registration's are announced by its route.
    const newest = await publishAlerts(ctx, sql<boolean>`a.id > ${lastAlert} AND EXISTS (SELECT 1 FROM federation_dx_received d WHERE d.alert_id = a.id)`);
    if (newest !== undefined) lastAlert = newest;
  };

  // One look at a time; notifications meanwhile make one more look after it.
  const looks = coalescer(() => announce().catch((error: unknown) => log?.error({ err: error }, 'announcing what other nodes sent failed')));
  const look = () => looks.later('arrivals', 0);

  const listening = await listen(ctx.store, FEDERATION_ARRIVALS_CHANNEL, look, (error) => log?.warn({ err: error }, `listening on ${FEDERATION_ARRIVALS_CHANNEL}`));
  // Whatever arrived between reading the marks and listening.
  look();
  return {
    async stop() {
      await listening.stop();
      await looks.stop();
    },
  };
}
