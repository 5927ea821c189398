/**
 * Named (prepared) statements under Kysely: PostgreSQL plans a statement once per connection and,
 * after a few runs, keeps a generic plan, instead of planning it on every run.
 *
 * Why: under row-level security every table a query touches brings its policy, so planning an
 * entity page's or a search's statements cost 5–8 ms each on the medium world, against about 1 ms
 * to run them (EXPLAIN ANALYZE, docs/benchmarks.md "API"). Unnamed statements, which is what `pg`
 * sends by default, are planned every time. PostgreSQL itself keeps a cached plan correct: it
 * replans when the tables change, when the role or `row_security` differs from the one it was
 * planned for, and when search_path changes. The one thing it refuses is a statement whose result
 * columns changed under it (a `SELECT *` after an ALTER TABLE from another process): that query
 * fails once ("cached plan must not change result type") and its connection is closed, so the
 * next one prepares afresh.
 *
 * Only statements with a few parameters are named — the reads and writes a server repeats.
 * Statements with many (multi-row inserts, whose text changes with the row count) and those with
 * none (DDL, maintenance) stay unnamed, so a connection holds a bounded set; past PER_CONNECTION
 * distinct statements, a connection is closed when released and a new one starts clean.
 */
import { createHash } from 'node:crypto';
import type { PostgresPool, PostgresPoolClient } from 'kysely';
import type pg from 'pg';

/** Statements with more parameters than this are left unnamed (their text varies with row counts). */
const MAX_PARAMETERS = 64;
/** Distinct named statements a connection may hold before it is replaced. */
const PER_CONNECTION = 500;

interface ConnectionState {
  names: Set<string>;
  /** Set when the connection must not be reused: too many statements, or a stale prepared one. */
  retire: boolean;
  /** A BEGIN not sent yet: it goes with the transaction's first statement (see `wrap`). */
  beginPending: boolean;
}

const states = new WeakMap<pg.PoolClient, ConnectionState>();

/** Names of statements seen, by text: a server repeats a few hundred texts, and hashing each again cost 20 µs a statement. */
const names = new Map<string, string>();
const NAMES_KEPT = 5_000;

function statementName(text: string): string {
  let name = names.get(text);
  if (name === undefined) {
    name = `cx_${createHash('sha1').update(text).digest('base64url').slice(0, 22)}`;
    if (names.size >= NAMES_KEPT) names.clear();
    names.set(text, name);
  }
  return name;
}

/** `pool` as Kysely's PostgresDialect wants it, sending parameterised statements as named ones. */
export function preparingPool(pool: pg.Pool): PostgresPool {
  return {
    async connect(): Promise<PostgresPoolClient> {
      const client = await pool.connect();
      let state = states.get(client);
      if (!state) {
        state = { names: new Set(), retire: false, beginPending: false };
        states.set(client, state);
      }
      return wrap(client, state);
    },
    end: () => pool.end(),
  };
}

/**
 * Also saves a round trip per transaction: Kysely sends BEGIN on its own, and each round trip on
 * loopback costs both processes CPU (an API read is about ten). BEGIN is held back and sent in
 * one message with the next statement when that one has no parameters (a simple query may hold
 * several statements; access/acting.ts makes a request's first statement such a one), or just
 * before it otherwise. A transaction that ends before any statement sends nothing at all.
 */
function wrap(client: pg.PoolClient, state: ConnectionState): PostgresPoolClient {
  const send = async (text: string, parameters: readonly unknown[]) => {
    if (parameters.length === 0 || parameters.length > MAX_PARAMETERS) return client.query(text, [...parameters]);
    const name = statementName(text);
    state.names.add(name);
    if (state.names.size > PER_CONNECTION) state.retire = true;
    try {
      return await client.query({ name, text, values: [...parameters] });
    } catch (error) {
      // 0A000 "cached plan must not change result type": the statement outlived a schema change.
      if ((error as { code?: string }).code === '0A000') state.retire = true;
      throw error;
    }
  };
  const query = async (text: string, parameters: readonly unknown[]) => {
    if (text === 'begin' && parameters.length === 0) {
      state.beginPending = true;
      return { command: 'BEGIN', rowCount: null, rows: [] };
    }
    if (!state.beginPending) return send(text, parameters);
    state.beginPending = false;
    if ((text === 'commit' || text === 'rollback') && parameters.length === 0) return { command: text.toUpperCase(), rowCount: null, rows: [] };
    if (parameters.length > 0) {
      await client.query('begin');
      return send(text, parameters);
    }
    // Several statements in one simple query: pg answers with a result per statement; this one's is the last.
    const results = (await client.query(`begin;\n${text}`)) as unknown as pg.QueryResult[];
    return results[results.length - 1]!;
  };
  return {
    // A cursor (Kysely's streaming) goes through as it is, after a held-back BEGIN.
    query: ((first: unknown, parameters?: readonly unknown[]) => {
      if (typeof first === 'string') return query(first, parameters ?? []);
      if (state.beginPending) {
        // pg runs a client's queries in the order given: BEGIN first, then the cursor (which must be returned as it is).
        state.beginPending = false;
        client.query('begin').catch(() => undefined); // a failed BEGIN fails the cursor's own query too
      }
      return client.query(first as never);
    }) as unknown as PostgresPoolClient['query'],
    release: (destroy?: boolean) => {
      state.beginPending = false;
      client.release(destroy || state.retire);
    },
  };
}
