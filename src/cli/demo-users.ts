/**
 * Demo sign-ins: one supervisor per agency of the demo world, a member of that agency's cases, so
 * that the web app shows need-to-know at work (each sees their own agency's cases and hits from
 * others). The password is public and for the synthetic demo only.
 */
import { sql } from 'kysely';
import { addUser, findUser, grantCase, type Principal } from '../access/index.ts';
import type { Store } from '../store/index.ts';

export const DEMO_PASSWORD = 'crosslink-demo';

export interface DemoUser {
  name: string;
  agency: string;
  cases: number;
}

/** `sgt.harbourview` for "Harbourview Police Service Sex Crimes Unit". */
function demoName(agency: string): string {
  const word = agency.toLowerCase().split(/[^a-z0-9]+/).find((part) => part.length > 0) ?? 'agency';
  return `sgt.${word}`;
}

export async function ensureDemoUsers(store: Store, admin: Principal): Promise<DemoUser[]> {
  const agencies = await sql<{ name: string; refs: string[] }>`
    SELECT a.name, array_agg(c.ref ORDER BY c.ref) AS refs FROM agencies a JOIN cases c ON c.agency_id = a.id GROUP BY a.name ORDER BY a.name`.execute(store.db);
  const users: DemoUser[] = [];
  for (const agency of agencies.rows) {
    const name = demoName(agency.name);
    if (!(await findUser(store.db, name))) await addUser(store.db, admin, { name, role: 'supervisor', agency: agency.name, password: DEMO_PASSWORD });
    for (const ref of agency.refs) await grantCase(store.db, admin, ref, name);
    users.push({ name, agency: agency.name, cases: agency.refs.length });
  }
  return users;
}
