/**
 * Acting as a user for one unit of work, for servers that serve many users over one pool: the
 * work runs in a transaction that has taken the application role and the user's id (SET LOCAL,
 * so nothing outlives the transaction on the pooled connection). The CLI, one user per process,
 * uses store/connect.ts `actAs` instead.
 *
 * Inside `work`, use `trx` only: on PGlite every connection is the one session, which waits for
 * the open transaction — a query on `store.db` there would wait forever.
 */
import { sql, type Transaction } from 'kysely';
import { APP_ROLE, type ActingUser, type Store } from '../store/connect.ts';
import type { Database } from '../store/index.ts';

export async function withUser<T>(store: Store, user: ActingUser, work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  if (!/^[1-9][0-9]{0,18}$/.test(user.id)) throw new Error(`not a user id: '${user.id}'`);
  return store.db.transaction().execute(async (trx) => {
    // Synchronised scans off as well (search.ts: "the first found" must be the same on every page),
    // in this one round trip rather than one more per search. Literals, not parameters (the id is
    // checked above, the role a constant): a statement without parameters goes in one message with
    // the transaction's BEGIN (store/prepared.ts).
    await sql`SELECT set_config('role', ${sql.lit(APP_ROLE)}, true), set_config('crosslink.user_id', ${sql.lit(user.id)}, true), set_config('synchronize_seqscans', 'off', true)`.execute(trx);
    return work(trx);
  });
}
