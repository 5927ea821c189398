/**
 * Federation from the command line, as an administrator and as an analyst would use it: the node's
 * public key to exchange out of band, adding, listing and removing a peer (and the one-line errors
 * of a bad key or a duplicate), a case's sharing policy — refused to an analyst by the database —,
 * a sync with a peer that is down (nothing lost, exit 1), and the hits and reference look-ups.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freshServerDatabase } from '../backends.ts';
import { generateKeyPair } from '../../src/federation/index.ts';
import { parseJson, runCli, runCliInProcess, type CliResult } from '../cli.ts';

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
  const result = await runCliInProcess(args, env);
  expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(0);
  return result;
}

async function story(location: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'crosslink-fed-cli-'));
  folders.push(dir);
  const env = { CROSSLINK_DB: location, CROSSLINK_TOKEN: '', CROSSLINK_SECRET: 'ab'.repeat(32) };
  await ok(['init', '--json'], env);

  // The real binary once, in a process of its own; in-process for the rest (the same command tree).
  const shown = await runCli(['node', 'show', '--json'], env, 600_000);
  expect(shown.code, shown.stderr).toBe(0);
  const own = parseJson<{ name: string; publicKey: string; fingerprint: string }>(shown);
  expect(own.publicKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(own.fingerprint).toMatch(/^[0-9a-f]{4}(:[0-9a-f]{4}){3}$/);
  // The same key every time: made once, on first use.
  expect(parseJson<{ publicKey: string }>(await ok(['node', 'show', '--json'], env)).publicKey).toBe(own.publicKey);
  const named = parseJson<{ name: string; agency: string; contact: Record<string, string> }>(
    await ok(['node', 'set', '--name', 'ca-northbridge', '--agency', 'Northbridge Police', '--officer', 'Duty desk', '--phone', '+14165550100', '--json'], env),
  );
  expect(named).toMatchObject({ name: 'ca-northbridge', agency: 'Northbridge Police', contact: { officer: 'Duty desk', phone: '+14165550100' } });
  expect((await ok(['node', 'show'], env)).stdout).toMatch(new RegExp(`Public key  ${own.publicKey}`));

  // The key the other node's administrator read out.
  const peerKey = generateKeyPair().publicKey;
  // Port 9 (discard) on loopback: nothing listens — a peer that is down.
  const added = parseJson<{ name: string; fingerprint: string; dailyBudget: number }>(await ok(['peer', 'add', 'uk-kingsbridge', 'http://127.0.0.1:9', '--key', peerKey, '--budget', '50000', '--json'], env));
  expect(added).toMatchObject({ name: 'uk-kingsbridge', dailyBudget: 50000 });
  expectOneLineError(await runCliInProcess(['peer', 'add', 'uk-again', 'http://127.0.0.1:9', '--key', peerKey], env), /already added/);
  expectOneLineError(await runCliInProcess(['peer', 'add', 'bad', 'http://127.0.0.1:9', '--key', 'not-a-key'], env), /not an Ed25519 public key/);
  expectOneLineError(await runCliInProcess(['peer', 'add', 'self', 'http://127.0.0.1:9', '--key', own.publicKey], env), /this node's own public key/);
  expectOneLineError(await runCliInProcess(['peer', 'add', 'ftp', 'ftp://127.0.0.1', '--key', peerKey], env), /must start with https:\/\//);
  const listed = parseJson<{ name: string; url: string; pending: number }[]>(await ok(['peer', 'list', '--json'], env));
  expect(listed).toEqual([expect.objectContaining({ name: 'uk-kingsbridge', url: 'http://127.0.0.1:9', pending: 0 })]);

  await ok(['agency', 'add', 'Northbridge Police', '--country', 'CA'], env);
  await ok(['case', 'open', 'CA-1', '--agency', 'Northbridge Police', '--officer', 'Det. Sgt. Moreau'], env);
  const policy = parseJson<{ case: string; sharing: string; types: string[] }>(await ok(['federation', 'policy', 'CA-1', 'all', '--types', 'phone,email', '--json'], env));
  expect(policy).toMatchObject({ case: 'CA-1', sharing: 'all', types: ['email', 'phone'] });
  expect(parseJson<{ case: string; sharing: string }[]>(await ok(['federation', 'policies', '--json'], env))).toEqual([expect.objectContaining({ case: 'CA-1', sharing: 'all', setBy: 'admin' })]);
  expectOneLineError(await runCliInProcess(['federation', 'policy', 'CA-1', 'sometimes'], env), /must be one of: none, hit-only, all/);
  expectOneLineError(await runCliInProcess(['federation', 'policy', 'CA-1', 'all', '--types', 'phone,shoe-size'], env), /unknown identifier type 'shoe-size'/);

  // An analyst, even a member of the case, does not decide what it shares.
  await ok(['user', 'add', 'ana', '--agency', 'Northbridge Police', '--role', 'analyst'], env);
  await ok(['grant', '--case', 'CA-1', '--user', 'ana'], env);
  const token = parseJson<{ token: string }>(await ok(['token', 'create', '--user', 'ana', '--json'], env)).token;
  const asAna = { ...env, CROSSLINK_TOKEN: token };
  expectOneLineError(await runCliInProcess(['federation', 'policy', 'CA-1', 'none'], asAna), /supervisor's or administrator's decision/);
  expectOneLineError(await runCliInProcess(['peer', 'list'], asAna), /only an administrator/);
  expect(parseJson<unknown[]>(await ok(['federation', 'hits', '--json'], asAna))).toEqual([]);
  expectOneLineError(await runCliInProcess(['federation', 'reference', 'XL-0000-0000'], asAna), /no hit or conflict notice 'XL-0000-0000'/);

  // Something to share, then a peer that is down: the round fails, says why, and exits 1.
  const chat = join(dir, 'chat.txt');
  writeFileSync(chat, ['3/14/26, 9:15 AM - Quinn Marlowe: write to quinn.marlowe@example.org after noon', '3/14/26, 9:16 AM - Rory Vance: ok', ''].join('\n'));
  await ok(['ingest', chat, '--case', 'CA-1'], env);
  const sync = await runCliInProcess(['federation', 'sync', '--json'], env);
  expect(sync.code).toBe(1);
  expect(parseJson<{ peer: string; error: string }[]>(sync)).toEqual([expect.objectContaining({ peer: 'uk-kingsbridge', error: expect.stringMatching(/cannot reach/) })]);

  await ok(['peer', 'remove', 'uk-kingsbridge'], env);
  expect(parseJson<unknown[]>(await ok(['peer', 'list', '--json'], env))).toEqual([]);
  expectOneLineError(await runCliInProcess(['peer', 'remove', 'uk-kingsbridge'], env), /no peer 'uk-kingsbridge'/);
  const audit = parseJson<{ action: string }[]>(await ok(['audit', 'search', '--action', 'federation.', '--json'], env));
  expect(new Set(audit.map((entry) => entry.action))).toEqual(new Set(['federation.node.create', 'federation.node.update', 'federation.peer.add', 'federation.policy', 'federation.hits', 'federation.reference', 'federation.peer.remove']));
}

describe('federation from the command line', () => {
  it('on the embedded store', { timeout: 900_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crosslink-fed-cli-db-'));
    folders.push(dir);
    await story(join(dir, 'db'));
  });

  it('on a PostgreSQL server', { timeout: 900_000 }, async () => {
    const database = await freshServerDatabase();
    if (!database) return;
    try {
      await story(database.url);
    } finally {
      await database.drop();
    }
  });
});
