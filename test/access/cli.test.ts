/**
 * Access from the command line, on the embedded store and on a server: the local administrator
 * runs the demo; users, tokens and grants; an analyst of one agency, acting with a token, finds no
 * other agency's case in anything a command prints; a revoked token stops at once; and
 * `crosslink audit verify` names the row where someone tampered with the log.
 *
 * Commands run in this process (`run`: runCliInProcess, the same command tree and error handling
 * without seconds of start-up each). Two stay real processes (runCli), as a script meets them: a
 * revoked token in $CROSSLINK_TOKEN refused with exit 1, and `audit verify` exiting 1 on a
 * tampered log.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import type { GroundTruth } from '../../src/demo/index.ts';
import { createSubject, openStore } from '../../src/store/index.ts';
import { freshServerDatabase } from '../backends.ts';
import { parseJson, runCli, runCliInProcess as run, type CliResult } from '../cli.ts';

const folders: string[] = [];
afterAll(() => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

function expectOneLineError(result: CliResult, pattern: RegExp): void {
  expect(result.code, result.stderr).toBe(1);
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^crosslink: /);
  expect(lines[0]).toMatch(pattern);
}

async function ok(args: string[], env: Record<string, string>): Promise<CliResult> {
  const result = await run(args, env);
  expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(0);
  return result;
}

/** The whole story on one store; `location` is a directory or a server URL. */
async function story(location: string, full: boolean): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'crosslink-access-cli-'));
  folders.push(dir);
  const env = { CROSSLINK_DB: location, CROSSLINK_TOKEN: '', CROSSLINK_SECRET: 'ab'.repeat(32) };
  const init = parseJson<{ localAdmin: { name: string; created: boolean } }>(await ok(['init', '--json'], env));
  expect(init.localAdmin).toEqual({ name: 'admin', created: true });
  await ok(['demo', '--seed', '3', '--out', join(dir, 'world'), '--json'], env);
  const truth = JSON.parse(readFileSync(join(dir, 'world', 'ground-truth.json'), 'utf8')) as GroundTruth;
  const agencyB = truth.cases[truth.cases.length - 1]!.agency;
  const own = truth.cases.filter((c) => c.agency === agencyB).map((c) => c.ref);
  const foreign = truth.cases.filter((c) => c.agency !== agencyB).map((c) => c.ref);

  await ok(['user', 'add', 'bea', '--agency', agencyB, '--role', 'supervisor', '--json'], env);
  const bob = parseJson<{ name: string; agency: string }>(await ok(['user', 'add', 'bob', '--agency', agencyB, '--role', 'analyst', '--json'], env));
  expect(bob).toMatchObject({ name: 'bob', agency: agencyB });
  const beaToken = parseJson<{ token: string }>(await ok(['token', 'create', '--user', 'bea', '--json'], env)).token;
  const bobIssued = parseJson<{ id: string; token: string }>(await ok(['token', 'create', '--user', 'bob', '--label', 'test', '--json'], env));
  const asBea = { ...env, CROSSLINK_TOKEN: beaToken };
  const asBob = { ...env, CROSSLINK_TOKEN: bobIssued.token };

  // Bea grants her agency's cases to Bob; another agency's case is "no case" to her.
  for (const ref of full ? own : own.slice(0, 1)) await ok(['grant', '--case', ref, '--user', 'bob'], asBea);
  expectOneLineError(await run(['grant', '--case', foreign[0]!, '--user', 'bob'], asBea), new RegExp(`no case '${foreign[0]}' among those you may grant`));
  const seen = full ? own : own.slice(0, 1);

  if (full) {
    // Subjects across agencies, made by the node.
    const owner = await openStore(location);
    try {
      const people = await owner.db.selectFrom('entities').selectAll().where('kind', '=', 'person').where('supersedes', 'is', null).orderBy('id').execute();
      const byName = new Map<string, typeof people>();
      for (const person of people) byName.set(person.label.toLowerCase(), [...(byName.get(person.label.toLowerCase()) ?? []), person]);
      for (const group of byName.values()) await createSubject(owner.db, { run: 'cli-test', members: group.map((entity) => ({ entity, score: 1, reasons: [] })) });
      expect((await sql<{ n: string }>`SELECT count(DISTINCT s.subject_id) AS n FROM subject_members s JOIN subject_members t ON t.subject_id = s.subject_id AND t.agency_id <> s.agency_id`.execute(owner.db)).rows[0]!.n).not.toBe('0');
    } finally {
      await owner.close();
    }
  }

  // Everything Bob's commands print names his cases only.
  const phone = truth.people.find((p) => p.cases.some((ref) => foreign.includes(ref)) && p.identifiers.some((i) => i.type === 'phone'))!.identifiers.find((i) => i.type === 'phone')!.value;
  const commands = [
    ['stats', '--json'],
    ['case', 'list', '--json'],
    ['search', 'kind:message', '--limit', '200', '--json'],
    ['search', phone, '--json'],
    ...(full ? [['subjects', '--json'], ['timeline', seen[0]!, '--limit', '1000', '--json'], ['communities', '--json']] : []),
  ];
  const outputs: string[] = [];
  for (const args of commands) outputs.push((await ok(args, asBob)).stdout);
  const printed = outputs.join('\n');
  for (const ref of foreign) expect(printed.includes(`"${ref}"`) || printed.includes(` ${ref} `), `${ref} (another agency's case) printed to bob`).toBe(false);
  expect(parseJson<{ cases: { ref: string }[] }>({ code: 0, stdout: outputs[0]!, stderr: '' }).cases.map((c) => c.ref).sort()).toEqual([...seen].sort());
  expectOneLineError(await run(['case', 'open', 'SNEAK-1', '--agency', truth.cases.find((c) => c.agency !== agencyB)!.agency], asBob), /bob may not do that: new row violates row-level security policy/);
  if (full) {
    expectOneLineError(await run(['timeline', foreign[0]!], asBob), /no case|nothing/);
    expectOneLineError(await run(['audit', 'verify'], asBob), /only auditors and administrators verify the audit log/);
  }

  // A revoked token stops working at once (a real process, the token in its environment).
  await ok(['token', 'revoke', bobIssued.id], env);
  expectOneLineError(await runCli(['stats'], asBob), /the token is not valid: unknown, revoked or expired/);

  // The log is intact; then someone edits a row, and verify names it.
  const verified = parseJson<{ ok: boolean; rows: number }>(await ok(['audit', 'verify', '--json'], env));
  expect(verified.ok).toBe(true);
  const owner = await openStore(location);
  let edited: string;
  try {
    const rows = await owner.db.selectFrom('audit_log').select('id').where('action', '=', 'case.grant').orderBy('id').execute();
    edited = rows[0]!.id;
    await owner.db.transaction().execute(async (trx) => {
      await sql`SELECT set_config('crosslink.maintenance', 'on', true)`.execute(trx);
      await trx.updateTable('audit_log').set({ actor: 'someone.else' }).where('id', '=', edited).execute();
    });
  } finally {
    await owner.close();
  }
  const broken = await runCli(['audit', 'verify'], env); // a real process: the exit code a script checks
  expect(broken.code).toBe(1);
  expect(broken.stdout).toMatch(new RegExp(`The audit log is broken at row ${edited}: content does not match its hash: the row was edited`));
  if (full) {
    const grants = parseJson<{ actor: string; action: string; case: string }[]>(await ok(['audit', 'search', '--action', 'case.', '--json'], env));
    expect(grants.filter((g) => g.action === 'case.grant').map((g) => g.case)).toEqual(expect.arrayContaining(seen));
    expect(grants.every((g) => g.action.startsWith('case.'))).toBe(true);
  }
}

describe('access from the command line', () => {
  it('on the embedded store', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crosslink-access-db-'));
    folders.push(dir);
    await story(join(dir, 'db'), true);
  }, 1_200_000);

  it('on a PostgreSQL server', async (context) => {
    const database = await freshServerDatabase();
    if (!database) return context.skip();
    try {
      await story(database.url, false);
    } finally {
      await database.drop();
    }
  }, 1_200_000);
});
