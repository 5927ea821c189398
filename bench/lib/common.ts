/** What the benchmarks share: reading `--name value` arguments, and a fresh store per backend. */
import { join } from 'node:path';
import pg from 'pg';
import { openStore, type Store } from '../../src/store/index.ts';

export function arg(args: string[], name: string, fallback: string): string {
  const at = args.indexOf(name);
  return at >= 0 && args[at + 1] ? args[at + 1]! : fallback;
}

/**
 * A new, empty store: embedded in `scratch`, or a database made for the run on the server at
 * CROSSLINK_BENCH_POSTGRES (default: the local one). `drop` removes the server database.
 */
export async function openBenchStore(backend: 'embedded' | 'postgres', scratch: string, name: string): Promise<{ store: Store; drop: () => Promise<void> }> {
  if (backend === 'embedded') return { store: await openStore(join(scratch, `db-${name}`)), drop: async () => undefined };
  const admin = process.env['CROSSLINK_BENCH_POSTGRES'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const database = `crosslink_bench_${name}_${process.pid}`;
  const run = async (statement: string) => {
    const client = new pg.Client({ connectionString: admin });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await run(`DROP DATABASE IF EXISTS ${database}`);
  await run(`CREATE DATABASE ${database}`);
  const url = new URL(admin);
  url.pathname = `/${database}`;
  return { store: await openStore(url.toString()), drop: () => run(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`) };
}
