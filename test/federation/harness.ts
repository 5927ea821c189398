/**
 * Nodes on loopback for the federation tests: each its own store (a PGlite directory, or a fresh
 * PostgreSQL database), its own peer endpoint on a port of 127.0.0.1, its own clock, and in front
 * of it a wire tap — a proxy that records every byte both ways and can play a peer that is down or
 * an answer that gets lost. Case data is written directly as the owner: one agency, one case, one
 * entity, and the selectors it mentions.
 */
import { createHash, randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { ensureLocalAdmin } from '../../src/access/index.ts';
import { buildPeerServer } from '../../src/api/routes/federation.ts';
import { addPeer, openFederationNode, updateNodeIdentity, type FederationNode, type Sharing } from '../../src/federation/index.ts';
import { federationDb } from '../../src/federation/tables.ts';
import { addAgency, appendMentions, ensureEntity, findAgency, internIdentifiers, migrateToLatest, openCase, openStore, registerSource, type Store } from '../../src/store/index.ts';
import { freshServerDatabase } from '../backends.ts';

export type TapMode = 'pass' | 'down' | 'lose-answer';

let template: Promise<string> | undefined;

/** What a migrated store's contents depend on: the migrations and the local administrator's code. */
function schemaVersion(): string {
  const hash = createHash('sha256');
  for (const folder of ['../../src/store/migrations', '../../src/access']) {
    const path = fileURLToPath(new URL(folder, import.meta.url));
    for (const file of readdirSync(path).sort()) hash.update(file).update(readFileSync(join(path, file)));
  }
  return hash.digest('hex').slice(0, 16);
}

/**
 * A migrated PGlite directory with the local administrator, shared by the test processes (keyed by
 * the migrations' contents): a new embedded node copies it rather than running every migration
 * again, which takes tens of seconds under load.
 */
function migratedTemplate(): Promise<string> {
  template ??= (async () => {
    const ready = join(tmpdir(), `crosslink-fed-template-${schemaVersion()}`);
    if (existsSync(ready)) return ready;
    const folder = mkdtempSync(join(tmpdir(), 'crosslink-fed-template-build-'));
    const store = await openStore(join(folder, 'db'));
    await migrateToLatest(store.db);
    await ensureLocalAdmin(store.db);
    await store.close();
    try {
      // Atomic: another process that built it meanwhile wins, and ours goes.
      renameSync(join(folder, 'db'), ready);
    } catch {
      // Already there.
    }
    rmSync(folder, { recursive: true, force: true });
    return ready;
  })();
  return template;
}

export class WireTap {
  readonly captured: Buffer[] = [];
  rules: { path: RegExp; mode: TapMode }[] = [];
  private server!: Server;
  url = '';

  constructor(private readonly target: () => string) {}

  async start(): Promise<void> {
    this.server = createServer((incoming, outgoing) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('end', () => {
        const body = Buffer.concat(chunks);
        this.captured.push(body);
        const mode = this.rules.find((rule) => rule.path.test(incoming.url ?? ''))?.mode ?? 'pass';
        if (mode === 'down') return incoming.socket.destroy();
        const upstream = request(`${this.target()}${incoming.url}`, { method: incoming.method, headers: incoming.headers, agent: false }, (answer: IncomingMessage) => {
          const parts: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => parts.push(chunk));
          answer.on('end', () => {
            const text = Buffer.concat(parts);
            this.captured.push(text);
            if (mode === 'lose-answer') return incoming.socket.destroy();
            outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
            outgoing.end(text);
          });
        });
        // The node behind is down: so is the tap, to the caller.
        upstream.on('error', () => incoming.socket.destroy());
        upstream.end(body);
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Everything that crossed, as text (bodies are JSON). */
  text(): string {
    return this.captured.map((chunk) => chunk.toString('utf8')).join('\n');
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export interface CaseSpec {
  agency: string;
  country: string;
  ref: string;
  officer?: string;
  contact?: Record<string, string>;
  selectors: [type: string, value: string][];
  sharing?: Sharing;
  types?: string[];
}

export class TestNode {
  store!: Store;
  node!: FederationNode;
  app!: FastifyInstance;
  readonly tap: WireTap;
  /** Milliseconds this node's clock runs ahead of the real one. */
  clockOffset = 0;
  private port = 0;
  private dropDatabase?: () => Promise<void>;

  private constructor(
    readonly name: string,
    readonly location: string,
    private readonly folder?: string,
  ) {
    this.tap = new WireTap(() => `http://127.0.0.1:${this.port}`);
  }

  /** A node on a PGlite directory, or (`postgres`) on a fresh server database when one answers. */
  static async create(name: string, backend: 'embedded' | 'postgres' = 'embedded', batchSize = 5000): Promise<TestNode> {
    let node: TestNode;
    if (backend === 'postgres') {
      const database = await freshServerDatabase();
      if (!database) return TestNode.create(name, 'embedded', batchSize);
      node = new TestNode(name, database.url);
      node.dropDatabase = database.drop;
    } else {
      const folder = mkdtempSync(join(tmpdir(), `crosslink-fed-${name}-`));
      cpSync(await migratedTemplate(), join(folder, 'db'), { recursive: true });
      node = new TestNode(name, join(folder, 'db'), folder);
    }
    await node.tap.start();
    await node.start(batchSize, true);
    return node;
  }

  get backend(): 'embedded' | 'postgres' {
    return this.location.startsWith('postgres') ? 'postgres' : 'embedded';
  }

  get publicKey(): string {
    return this.node.identity.publicKey;
  }

  async start(batchSize = 5000, first = false): Promise<void> {
    this.store = await openStore(this.location);
    if (first) {
      await migrateToLatest(this.store.db);
      await ensureLocalAdmin(this.store.db);
    }
    this.node = await openFederationNode(this.store, { create: true, batchSize, timeoutMs: 30_000, now: () => new Date(Date.now() + this.clockOffset) });
    if (first) this.node = { ...this.node, identity: await updateNodeIdentity(this.store.db, 'test', { name: this.name, agency: `${this.name} agency` }) };
    this.app = await buildPeerServer(this.node);
    await this.app.listen({ port: this.port, host: '127.0.0.1' });
    this.port = (this.app.server.address() as AddressInfo).port;
  }

  /** Stops the server and closes the store, as a crash between two requests would. */
  async stop(): Promise<void> {
    await this.app.close();
    await this.store.close();
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start(this.node.batchSize);
  }

  /** Adds `other` as a peer, reached through its wire tap. */
  async addPeer(other: TestNode, budget?: number): Promise<void> {
    await addPeer(this.store.db, 'test', { name: other.name, url: other.tap.url, key: other.publicKey, ...(budget !== undefined ? { budget } : {}) });
  }

  async addCase(spec: CaseSpec): Promise<string> {
    const db = this.store.db;
    const agency = (await findAgency(db, spec.agency)) ?? (await addAgency(db, { name: spec.agency, country: spec.country, contact: spec.contact ?? {} }));
    const opened = await openCase(db, { ref: spec.ref, agency: agency.name, ...(spec.officer ? { officer: spec.officer } : {}) });
    const scope = { agencyId: agency.id, caseId: opened.id };
    await this.addSelectors(scope, spec.selectors);
    if (spec.sharing) {
      await federationDb(db)
        .insertInto('federation_case_policy')
        .values({ case_id: opened.id, agency_id: agency.id, sharing: spec.sharing, types: spec.types ?? null })
        .execute();
    }
    return opened.id;
  }

  /** More selectors for a case already there (a new source). */
  async addSelectors(scope: { agencyId: string; caseId: string }, selectors: [string, string][]): Promise<void> {
    const db = this.store.db;
    const { source } = await registerSource(db, scope, { sha256: randomBytes(32).toString('hex'), bytes: 1, originalName: 'fixture.txt', format: 'text', ingestedBy: 'test' });
    const entity = await ensureEntity(db, scope, { kind: 'person', key: `person-${source.id}`, label: 'Fixture person', sourceId: source.id });
    const ids = await internIdentifiers(
      db,
      selectors.map(([type, value]) => ({ type, value })),
    );
    await appendMentions(
      db,
      scope,
      [...ids.values()].map((identifierId) => ({ identifierId, sourceId: source.id, entityId: entity.id })),
    );
  }

  async scopeOf(ref: string): Promise<{ agencyId: string; caseId: string }> {
    const row = await this.store.db.selectFrom('cases').select(['id', 'agency_id']).where('ref', '=', ref).executeTakeFirstOrThrow();
    return { agencyId: row.agency_id, caseId: row.id };
  }

  async close(): Promise<void> {
    await this.stop().catch(() => undefined);
    await this.tap.stop();
    await this.dropDatabase?.();
    if (this.folder) rmSync(this.folder, { recursive: true, force: true });
  }
}

/** Makes every pair of nodes peers of each other. */
export async function meshOf(nodes: TestNode[]): Promise<void> {
  for (const node of nodes) for (const other of nodes) if (node !== other) await node.addPeer(other);
}
