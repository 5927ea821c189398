/**
 * The leak suite from the command line, on every backend: every command that reads case data,
 * run with --json as an analyst of one agency (acting with --token) against a store holding the
 * demo world's agencies — their cases, subjects resolved across agencies, pictures matched across
 * cases, categorised hashes, deconfliction registrations, police identities, hit notices — and not
 * one foreign case's reference, title, file name, entity label or identifier value in anything
 * printed or written. Asked outright about a foreign case, entity, subject or identifier, every
 * command answers exactly as it does for one that does not exist. And every command is accounted
 * for: one this suite does not run must say why.
 *
 * Commands run in this process (test/cli.ts runCliInProcess): one store per backend, built once.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { sql, type RawBuilder } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser, createToken, ensureLocalAdmin, grantCase } from '../../src/access/index.ts';
import { buildProgram } from '../../src/cli/main.ts';
import { generateWorld, loadWorld } from '../../src/demo/index.ts';
import { categoriseMedia } from '../../src/media/index.ts';
import { runResolution } from '../../src/resolve/index.ts';
import { migrateToLatest, openStore } from '../../src/store/index.ts';
import { BACKENDS, freshServerDatabase } from '../backends.ts';
import { parseJson, runCliInProcess, type CliResult } from '../cli.ts';

const secretHex = 'cd'.repeat(32);
const dir = mkdtempSync(join(tmpdir(), 'crosslink-leak-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let generated: Promise<unknown> | undefined;
const world = () => (generated ??= generateWorld({ seed: 5, scale: 'small', out: join(dir, 'world') }));

/** Runnable commands this suite does not run as the analyst, and why none of them prints another agency's case data. */
const NOT_READS: Record<string, string> = {
  init: "creates or upgrades the store, as its owner; prints the schema's migrations",
  'agency add': 'writes the agency directory (administrators)',
  'case open': 'opens a case of the own agency',
  'case retain': "sets a retention date (the owning agency's supervisors); test/access/retention.test.ts",
  ingest: 'writes into a case the user is a member of',
  resolve: "the node's work, for administrators",
  'match confirm': 'probed below: a decision on a foreign entity is refused as on none',
  'match reject': 'probed below, as match confirm',
  hash: 'hashes local files; opens no store',
  'hashset import': 'adds a hash set (hashes and categories, no case data)',
  categorise: "records the own agency's category for a hash",
  demo: 'generates and loads the synthetic world (the local administrator)',
  'demo generate': 'writes the synthetic world to files; opens no store',
  'demo load': 'loads the synthetic world (the local administrator)',
  serve: 'the HTTP server: every request acts as its signed-in user (the API has its own suite)',
  'user add': 'administrators',
  'user disable': 'administrators',
  'token create': 'prints a token of the own or a managed user',
  'token revoke': 'revokes a token',
  grant: "supervisors of the case's agency",
  revoke: "supervisors of the case's agency",
  purge: "the node's work, for administrators",
  'deconflict register': 'probed below: an alert carries the other side\'s contact only',
  'identity add': "registers the own agency's police identity",
  'identity retire': "retires the own agency's police identity",
  'hits contact': "sets the own case's contact for notices",
  'node show': "the node's federation identity, for administrators; no case data",
  'node set': "the node's federation identity, for administrators",
  'peer add': 'federation peers, for administrators; no case data',
  'peer list': 'federation peers, for administrators; no case data',
  'peer remove': 'federation peers, for administrators',
  'peer budget': 'federation peers, for administrators',
  'federation policy': "sets what an own case shares with other nodes (its supervisors)",
  'federation sync': "the node's work with its peers, for administrators",
  'federation serve': "the node's endpoint for peers, for administrators",
  'federation hashset share': 'offers a hash set to peers, for administrators; hash sets are the node’s, not a case’s',
  'federation hashset list': 'hash sets sent to and received from peers: names, schemes and counts, no case data',
};

/** Every command that runs: the leaves, and the groups that have an action of their own (they take options). */
function runnable(command: Command, path: string[] = []): { path: string; command: Command }[] {
  return command.commands.flatMap((child) => {
    const here = [...path, child.name()];
    const self = child.commands.length === 0 || child.options.length > 0 ? [{ path: here.join(' '), command: child }] : [];
    return [...self, ...runnable(child, here)];
  });
}

/** What must never reach the analyst: another agency's case data. */
interface Foreign {
  refs: Set<string>;
  /** Titles, file names, entity labels and names: checked as whole values (JSON strings, XML text, CSV cells). */
  values: Set<string>;
  /** Identifier values and renderings: checked as whole values and as words in text. */
  selectors: Set<string>;
}

/** Whole values between delimiters, and words, of everything a command printed or wrote. */
function piecesOf(text: string): { values: Set<string>; words: Set<string> } {
  const values = new Set(text.split(/["<>,;\t\n\r[\]{}|]/).map((piece) => piece.trim()).filter((piece) => piece.length > 0));
  const words = new Set<string>();
  for (const word of text.split(/[\s"<>,;[\]{}|()=]+/)) {
    const trimmed = word.replace(/^[.:'`]+|[.:'`]+$/g, '');
    if (trimmed) words.add(trimmed);
    for (const part of trimmed.split(/[:/]+/)) if (part) words.add(part);
  }
  return { values, words };
}

/** The foreign things `text` contains, apart from what the analyst typed (`typed`). */
function leaksIn(text: string, foreign: Foreign, typed: string[] = []): string[] {
  const { values, words } = piecesOf(text);
  const mentioned = (token: string) => typed.some((arg) => arg.includes(token));
  const found: string[] = [];
  for (const ref of foreign.refs) if ((words.has(ref) || values.has(ref) || new RegExp(`(?<![A-Za-z0-9])${ref.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}(?![A-Za-z0-9])`).test(text)) && !mentioned(ref)) found.push(`case ${ref}`);
  for (const value of values) if (foreign.values.has(value) && !mentioned(value)) found.push(`value '${value}'`);
  for (const word of [...words, ...values]) if (foreign.selectors.has(word) && !mentioned(word)) found.push(`identifier '${word}'`);
  return [...new Set(found)];
}

describe.each(BACKENDS)('no leaks from the command line on $name', (backend) => {
  let location: string;
  let server: Awaited<ReturnType<typeof freshServerDatabase>>;
  let foreign: Foreign;
  let tokens: Record<'bob' | 'bea' | 'fay', string>;
  let own: { refs: string[]; person: string; media: string; mixedSubject: string };
  let probes: { ref: string; entity: string; subject: string | undefined; identifier: string; selector: string; registered: string };
  const typedSoFar: string[] = [];

  const cli = (args: string[], token?: string, env: Record<string, string | undefined> = {}) =>
    runCliInProcess([...args, '--db', location, ...(token ? ['--token', token] : [])], { CROSSLINK_TOKEN: undefined, CROSSLINK_SECRET: secretHex, ...env });
  const ok = async (args: string[], token?: string) => {
    const result = await cli(args, token);
    expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(0);
    return result;
  };
  /** Runs a command as the analyst and fails on any foreign thing in what it printed (or in `files` it wrote); `code: 'any'` for a refusal or an answer. */
  const asBob = async (args: string[], options: { code?: number | 'any'; files?: string[] } = {}) => {
    typedSoFar.push(...args);
    const result = await cli(args, tokens.bob);
    if (options.code !== 'any') expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(options.code ?? 0);
    const written = (options.files ?? []).map((file) => readFileSync(file, 'utf8'));
    // What the analyst typed (now or before: hit notices repeat it) is theirs to see again.
    for (const text of [result.stdout, result.stderr, ...written]) expect(leaksIn(text, foreign, typedSoFar), `crosslink ${args.join(' ')}`).toEqual([]);
    return result;
  };

  beforeAll(async () => {
    await world();
    server = backend.name === 'postgres' ? await freshServerDatabase() : undefined;
    location = server?.url ?? join(dir, `${backend.name}-db`);
    const owner = await openStore(location);
    const fSide: string[][] = [];
    const bSide: string[][] = [];
    try {
      await migrateToLatest(owner.db);
      const admin = (await ensureLocalAdmin(owner.db)).user;
      await loadWorld(owner, join(dir, 'world'), { actor: 'admin', secret: Buffer.from(secretHex, 'hex') });
      await runResolution(owner, { actor: 'admin' });

      // Agency B (the analyst's): one whose people resolve together with another agency's (F).
      const mixed = (
        await sql<{ subject_id: string; own: string; other: string }>`
          SELECT s.subject_id, s.agency_id AS own, t.agency_id AS other FROM subject_members s
          JOIN subject_members t ON t.subject_id = s.subject_id AND t.agency_id <> s.agency_id
          ORDER BY s.subject_id, s.agency_id, t.agency_id LIMIT 1`.execute(owner.db)
      ).rows[0];
      expect(mixed, 'a subject that spans two agencies').toBeDefined();
      const agencyName = async (id: string) => (await owner.db.selectFrom('agencies').select('name').where('id', '=', id).executeTakeFirstOrThrow()).name;
      const [agencyB, agencyF] = [await agencyName(mixed!.own), await agencyName(mixed!.other)];
      const cases = await owner.db.selectFrom('cases').select(['id', 'ref', 'agency_id']).orderBy('ref').execute();
      const mine = cases.filter((c) => c.agency_id === mixed!.own);
      const theirs = cases.filter((c) => c.agency_id !== mixed!.own);
      const fCases = cases.filter((c) => c.agency_id === mixed!.other);

      await addUser(owner.db, admin, { name: 'bea', role: 'supervisor', agency: agencyB });
      await addUser(owner.db, admin, { name: 'bob', role: 'analyst', agency: agencyB });
      await addUser(owner.db, admin, { name: 'fay', role: 'supervisor', agency: agencyF });
      for (const c of mine) await grantCase(owner.db, admin, c.ref, 'bob');
      for (const c of mine) await grantCase(owner.db, admin, c.ref, 'bea');
      for (const c of fCases) await grantCase(owner.db, admin, c.ref, 'fay');
      tokens = { bob: (await createToken(owner.db, admin, 'bob')).token, bea: (await createToken(owner.db, admin, 'bea')).token, fay: (await createToken(owner.db, admin, 'fay')).token };

      // Pictures matched across the boundary (the node's matcher would record these), and categories of both agencies.
      const media = await owner.db.selectFrom('entities').select(['id', 'case_id', 'agency_id', 'props']).where('kind', '=', 'media').orderBy('id').execute();
      const mineMedia = media.filter((m) => m.agency_id === mixed!.own).slice(0, 2);
      const theirMedia = media.filter((m) => m.agency_id !== mixed!.own).slice(0, 2);
      expect(mineMedia.length).toBeGreaterThan(0);
      expect(theirMedia.length).toBeGreaterThan(0);
      for (const x of mineMedia) {
        for (const y of theirMedia) {
          const [a, b] = BigInt(x.id) < BigInt(y.id) ? [x, y] : [y, x];
          await sql`INSERT INTO media_matches (signal, entity_a, case_a, entity_b, case_b, distance) VALUES ('pdq', ${a.id}, ${a.case_id}, ${b.id}, ${b.case_id}, 4) ON CONFLICT DO NOTHING`.execute(owner.db);
        }
      }
      const sha256 = (m: (typeof media)[number]) => String(m.props['sha256']);
      await categoriseMedia(owner.db, { sha256: sha256(theirMedia[0]!), category: '1', agencyId: mixed!.other, actor: 'fay' });
      await categoriseMedia(owner.db, { sha256: sha256(mineMedia[0]!), category: '2', agencyId: mixed!.own, actor: 'bea' });

      // What must never reach bob: whatever only other agencies' cases hold.
      const strings = async (query: RawBuilder<{ v: string | null }>) => new Set((await query.execute(owner.db)).rows.map((row) => row.v).filter((v): v is string => v !== null && v.trim().length >= 4));
      const minus = (a: Set<string>, b: Set<string>) => new Set([...a].filter((item) => !b.has(item)));
      const theirIds = theirs.map((c) => c.id);
      const mineIds = mine.map((c) => c.id);
      const labels = (ids: string[]) => sql<{ v: string | null }>`
        SELECT label AS v FROM entities WHERE case_id = ANY(${ids}::bigint[])
        UNION SELECT props->>'full_name' FROM entities WHERE case_id = ANY(${ids}::bigint[])
        UNION SELECT title FROM cases WHERE id = ANY(${ids}::bigint[])
        UNION SELECT original_name FROM sources WHERE case_id = ANY(${ids}::bigint[])`;
      const selectors = (ids: string[]) => sql<{ v: string | null }>`
        SELECT i.value AS v FROM identifiers i WHERE EXISTS (SELECT 1 FROM mentions m WHERE m.identifier_id = i.id AND m.case_id = ANY(${ids}::bigint[]))
        UNION SELECT i.display FROM identifiers i WHERE EXISTS (SELECT 1 FROM mentions m WHERE m.identifier_id = i.id AND m.case_id = ANY(${ids}::bigint[]))`;
      const ownSelectors = await strings(selectors(mineIds));
      // Agencies and their contacts, and case officers, are the directory that hit notices and alerts give out on purpose.
      const directory = await strings(sql<{ v: string | null }>`
        SELECT name AS v FROM agencies UNION SELECT value FROM agencies, jsonb_each_text(contact)
        UNION SELECT officer FROM cases UNION SELECT value FROM cases, jsonb_each_text(contact)`);
      foreign = {
        refs: new Set(theirs.map((c) => c.ref)),
        values: minus(await strings(labels(theirIds)), new Set([...(await strings(labels(mineIds))), ...ownSelectors, ...directory])),
        selectors: minus(await strings(selectors(theirIds)), ownSelectors),
      };
      expect(foreign.values.size).toBeGreaterThan(50);
      expect(foreign.selectors.size).toBeGreaterThan(20);

      // Probes: a foreign case, entity, subject and identifier, and a selector only F holds.
      const foreignEntity = (await sql<{ id: string }>`SELECT id FROM entities WHERE case_id = ANY(${theirIds}::bigint[]) AND kind = 'person' ORDER BY id LIMIT 1`.execute(owner.db)).rows[0]!.id;
      const foreignSubject = (
        await sql<{ id: string }>`SELECT subject_id AS id FROM subject_members GROUP BY subject_id HAVING bool_and(NOT (case_id = ANY(${mineIds}::bigint[]))) ORDER BY subject_id LIMIT 1`.execute(owner.db)
      ).rows[0]?.id;
      const foreignIdentifier = (
        await sql<{ id: string; value: string }>`
          SELECT i.id, i.value FROM identifiers i
          WHERE i.type IN ('email', 'phone') AND EXISTS (SELECT 1 FROM mentions m WHERE m.identifier_id = i.id AND m.case_id = ANY(${fCases.map((c) => c.id)}::bigint[]))
            AND NOT EXISTS (SELECT 1 FROM mentions m WHERE m.identifier_id = i.id AND m.case_id = ANY(${mineIds}::bigint[]))
          ORDER BY i.id LIMIT 2`.execute(owner.db)
      ).rows;
      const sharedSelector = (
        await sql<{ value: string }>`
          SELECT i.value FROM identifiers i WHERE i.type = 'email'
            AND EXISTS (SELECT 1 FROM mentions m WHERE m.identifier_id = i.id AND m.case_id = ANY(${mineIds}::bigint[]))
            AND EXISTS (SELECT 1 FROM mentions m WHERE m.identifier_id = i.id AND m.case_id = ANY(${fCases.map((c) => c.id)}::bigint[]))
          ORDER BY i.id LIMIT 1`.execute(owner.db)
      ).rows[0];
      expect(foreignIdentifier).toHaveLength(2);
      const ownPerson = (await sql<{ id: string }>`SELECT id FROM entities WHERE case_id = ANY(${mineIds}::bigint[]) AND kind = 'person' ORDER BY id LIMIT 1`.execute(owner.db)).rows[0]!.id;
      own = { refs: mine.map((c) => c.ref), person: `e${ownPerson}`, media: mineMedia[0]!.id, mixedSubject: mixed!.subject_id };
      probes = { ref: fCases[0]!.ref, entity: `e${foreignEntity}`, subject: foreignSubject, identifier: `i${foreignIdentifier[0]!.id}`, selector: foreignIdentifier[0]!.value, registered: foreignIdentifier[1]!.value };

      // F's side, as F's supervisor would make it: a registered target only F holds, one both hold, a police identity, a contact.
      fSide.push(['deconflict', 'register', '--case', fCases[0]!.ref, '--target', probes.registered, '--json']);
      if (sharedSelector) fSide.push(['deconflict', 'register', '--case', fCases[0]!.ref, '--target', sharedSelector.value, '--json']);
      fSide.push(['identity', 'add', foreignIdentifier[1]!.value, '--officer', 'DC Undercover', '--authority', 'W-2025-17', '--from', '2024-01-01', '--json']);
      fSide.push(['hits', 'contact', '--case', fCases[0]!.ref, '--phone', '+442079460999', '--json']);
      // And B's registration of the target both hold: an alert on each side, with the other's contact.
      if (sharedSelector) bSide.push(['deconflict', 'register', '--case', mine[0]!.ref, '--target', sharedSelector.value, '--json']);
    } finally {
      await owner.close();
    }
    for (const args of fSide) await ok(args, tokens.fay);
    for (const args of bSide) await ok(args, tokens.bea);
  }, 900_000);
  afterAll(async () => {
    await server?.drop();
  });

  it('accounts for every command: read by this suite, or saying why it prints no foreign case data; each takes --db and --token', () => {
    const read = new Set([
      'agency list', 'case list', 'case show', 'subjects', 'subject show', 'match', 'search', 'links', 'path', 'communities', 'central', 'similar', 'timeline', 'places', 'export',
      'hashset export', 'stats', 'user list', 'token list', 'members', 'audit verify', 'audit search', 'hits', 'deconflict list', 'deconflict check', 'identity list',
      'federation policies', 'federation hits', 'federation reference',
    ]);
    const commands = runnable(buildProgram());
    const unaccounted = commands.map((c) => c.path).filter((path) => !read.has(path) && !(path in NOT_READS));
    expect(unaccounted, 'commands neither read by the leak suite nor listed in NOT_READS').toEqual([]);
    for (const path of [...read, ...Object.keys(NOT_READS)]) expect(commands.map((c) => c.path), `${path} is no longer a command`).toContain(path);
    for (const { path, command } of commands) {
      const flags = command.options.map((option) => option.long);
      expect(flags, path).toEqual(expect.arrayContaining(['--db', '--token']));
    }
  });

  it("would see a leak: the other agency's supervisor's own reads are full of what the analyst must not see", async () => {
    for (const args of [['case', 'list', '--json'], ['search', 'kind:message', '--limit', '50', '--json'], ['subjects', '--json']]) {
      const result = await ok(args, tokens.fay);
      expect(leaksIn(result.stdout, foreign).length, args.join(' ')).toBeGreaterThan(0);
    }
  });

  it('prints nothing of another agency in any read, whatever the analyst asks of their own', async () => {
    const ref = own.refs[0]!;
    const reads: string[][] = [
      ['stats', '--json'],
      ['agency', 'list', '--json'],
      ['case', 'list', '--json'],
      ['case', 'show', ref, '--json'],
      ['subjects', '--json'],
      ['subject', 'show', own.mixedSubject, '--json'],
      ['search', 'kind:message', '--limit', '200', '--json'],
      ['search', 'kind:arrest', '--limit', '200', '--json'],
      ['links', own.person, '--hops', '3', '--json'],
      ['links', `s${own.mixedSubject}`, '--hops', '2', '--json'],
      ['communities', '--limit', '1000', '--json'],
      ['central', '--limit', '500', '--json'],
      ['central', '--brokers', '--limit', '500', '--json'],
      ['similar', ref, '--limit', '100', '--json'],
      ['timeline', ref, '--limit', '1000', '--json'],
      ['timeline', `s${own.mixedSubject}`, '--limit', '1000', '--json'],
      ['places', ref, '--json'],
      ['places', `s${own.mixedSubject}`, '--json'],
      ['match', '--case', ref, '--json'],
      ['hits', '--json'],
      ['deconflict', 'list', '--json'],
      ['identity', 'list', '--json'],
      ['federation', 'policies', '--json'],
      ['federation', 'hits', '--json'],
    ];
    for (const args of reads) await asBob(args);
    // Administration: an analyst may be refused, and is told nothing foreign either way.
    for (const args of [['user', 'list', '--json'], ['token', 'list', '--json'], ['members', ref, '--json'], ['federation', 'reference', 'XL-0000-0000', '--json']]) await asBob(args, { code: 'any' });
    // Every case the analyst sees is their agency's; subjects that span agencies show only the own members.
    expect(parseJson<{ ref: string }[]>(await asBob(['case', 'list', '--json'])).map((c) => c.ref).sort()).toEqual([...own.refs].sort());
    const subject = parseJson<{ members: { case: string }[] }>(await asBob(['subject', 'show', own.mixedSubject, '--json']));
    expect(subject.members.length).toBeGreaterThan(0);
    expect(subject.members.every((member) => own.refs.includes(member.case))).toBe(true);
    // A path from an own person to the subject that spans agencies, if there is one.
    await asBob(['path', own.person, `s${own.mixedSubject}`, '--json'], { code: 'any' });
  });

  it('writes nothing of another agency into exports of every format, or into hash-set exports', async () => {
    for (const format of ['graphml', 'gexf', 'i2', 'ftm', 'csv']) {
      const file = join(dir, `${backend.name}-export.${format}`);
      const result = await asBob(['export', '--format', format, '--out', file, '--json'], { files: [file] });
      expect(parseJson<{ nodes: number }>(result).nodes, format).toBeGreaterThan(0);
    }
    for (const format of ['vics', 'csv']) {
      const file = join(dir, `${backend.name}-hashes.${format}`);
      const result = await asBob(['hashset', 'export', file, '--format', format, '--json'], { files: [file] });
      // The own agency's categorisation only: the other agency's category of its own picture stays with it.
      expect(parseJson<{ entries: number }>(result).entries, format).toBe(1);
    }
  });

  it("answers a question about another agency's case, entity, subject or identifier exactly as about one that does not exist", async () => {
    const missing = { ref: 'NO-SUCH-CASE-9', entity: 'e999999999', subject: '999999999', identifier: 'i999999999' };
    const same = async (make: (thing: string) => string[], real: string, none: string) => {
      const [a, b] = [await asBob(make(real), { code: 'any' }), await cli(make(none), tokens.bob)];
      // The thing as typed, and its bare number (e143 → 143), read the same.
      const blank = (text: string, thing: string) => text.replaceAll(thing, '<X>').replaceAll(thing.replace(/^[eis]/, ''), '<X>');
      const normal = (result: CliResult, thing: string) => ({ code: result.code, stdout: blank(result.stdout, thing), stderr: blank(result.stderr, thing) });
      expect(normal(a, real), `${make(real).join(' ')} answers unlike ${make(none).join(' ')}`).toEqual(normal(b, none));
    };
    await same((ref) => ['case', 'show', ref, '--json'], probes.ref, missing.ref);
    await same((ref) => ['timeline', ref, '--json'], probes.ref, missing.ref);
    await same((ref) => ['similar', ref, '--json'], probes.ref, missing.ref);
    await same((ref) => ['places', ref, '--json'], probes.ref, missing.ref);
    await same((ref) => ['match', '--case', ref, '--json'], probes.ref, missing.ref);
    await same((ref) => ['members', ref, '--json'], probes.ref, missing.ref);
    await same((ref) => ['hits', '--case', ref, '--json'], probes.ref, missing.ref);
    await same((ref) => ['deconflict', 'list', '--case', ref, '--json'], probes.ref, missing.ref);
    await same((ref) => ['search', 'kind:message', '--case', ref, '--json'], probes.ref, missing.ref);
    await same((ref) => ['export', '--case', ref, '--format', 'csv', '--out', join(dir, `${backend.name}-probe.csv`), '--json'], probes.ref, missing.ref);
    await same((entity) => ['timeline', entity, '--json'], probes.entity, missing.entity);
    await same((entity) => ['links', entity, '--json'], probes.entity, missing.entity);
    await same((entity) => ['path', own.person, entity, '--json'], probes.entity, missing.entity);
    await same((identifier) => ['links', identifier, '--json'], probes.identifier, missing.identifier);
    if (probes.subject) {
      await same((subject) => ['subject', 'show', subject, '--json'], probes.subject, missing.subject);
      await same((subject) => ['timeline', `s${subject}`, '--json'], probes.subject, missing.subject);
    }
    await same((entity) => ['match', 'reject', own.person.slice(1), entity.slice(1), '--json'], probes.entity, missing.entity);
  });

  it("gives a hit notice — who to call, nothing of the case — when the analyst meets another agency's identifier, and deconfliction alerts that carry the contact only", async () => {
    const searched = parseJson<{ records: { hits: unknown[] }; entities: unknown[] }>(await asBob(['search', probes.selector, '--json']));
    expect(searched.records.hits).toEqual([]);
    expect(searched.entities).toEqual([]);
    await asBob(['links', probes.selector, '--json'], { code: 'any' });
    const hits = parseJson<{ raised: { agency: string; phone: string | null }[] }>(await asBob(['hits', '--json']));
    expect(hits.raised.length).toBeGreaterThan(0);
    await asBob(['deconflict', 'check', '--case', own.refs[0]!, '--target', probes.registered, '--json']);
    await asBob(['deconflict', 'register', '--case', own.refs[0]!, '--target', probes.registered, '--json'], { code: 'any' });
    await asBob(['deconflict', 'list', '--json']);
    await asBob(['audit', 'verify', '--json'], { code: 1 });
    // The analyst's own audit entries hold only what the analyst typed.
    const entries = parseJson<{ actor: string }[]>(await cli(['audit', 'search', '--limit', '10000', '--json'], tokens.bob));
    expect(entries.length).toBeGreaterThan(10);
    expect(entries.every((entry) => entry.actor === 'bob')).toBe(true);
    const result = await cli(['audit', 'search', '--limit', '10000', '--json'], tokens.bob);
    expect(leaksIn(result.stdout, foreign, typedSoFar)).toEqual([]);
  });

  it('acts as the user of $CROSSLINK_TOKEN as of --token', async () => {
    const byFlag = parseJson<{ cases: { ref: string }[] }>(await cli(['stats', '--json'], tokens.bob));
    const byEnv = parseJson<{ cases: { ref: string }[] }>(await cli(['stats', '--json'], undefined, { CROSSLINK_TOKEN: tokens.bob }));
    expect(byEnv.cases).toEqual(byFlag.cases);
    expect(byFlag.cases.map((c) => c.ref).sort()).toEqual([...own.refs].sort());
    // Before the command, after it, or in the environment: the same user.
    const before = await runCliInProcess(['--token', tokens.bob, 'stats', '--json', '--db', location], { CROSSLINK_TOKEN: undefined, CROSSLINK_SECRET: secretHex });
    expect(parseJson<{ cases: unknown[] }>(before).cases).toEqual(byFlag.cases);
  });
});
