/**
 * HTTPS between nodes: a node serving with its certificate is reached by a peer that trusts the
 * certificate's CA, and not by one that does not (the push fails, nothing is recorded, and the
 * next round, once the CA is trusted, catches up). Needs the `openssl` command to make a
 * throw-away self-signed certificate for 127.0.0.1; skipped without it.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPeerServer } from '../../src/api/routes/federation.ts';
import { addPeer, openFederationNode, syncAll } from '../../src/federation/index.ts';
import { TestNode } from './harness.ts';

function makeCertificate(dir: string): { cert: Buffer; key: Buffer } | undefined {
  try {
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')],
      { stdio: 'ignore' },
    );
  } catch {
    return undefined;
  }
  return { cert: readFileSync(join(dir, 'cert.pem')), key: readFileSync(join(dir, 'key.pem')) };
}

const dir = mkdtempSync(join(tmpdir(), 'crosslink-fed-tls-'));
const tls = makeCertificate(dir);

describe.skipIf(!tls)('nodes over HTTPS', () => {
  let ca: TestNode;
  let uk: TestNode;
  let secure: FastifyInstance;
  let url: string;

  beforeAll(async () => {
    ca = await TestNode.create('ca-northbridge');
    uk = await TestNode.create('uk-kingsbridge');
    // UK's endpoint over HTTPS, beside the plain one the harness gave it.
    secure = await buildPeerServer(uk.node, { tls: tls! });
    await secure.listen({ port: 0, host: '127.0.0.1' });
    url = `https://127.0.0.1:${(secure.server.address() as AddressInfo).port}`;
    await addPeer(ca.store.db, 'test', { name: 'uk-kingsbridge', url, key: uk.publicKey });
    await uk.addPeer(ca);
    await ca.addCase({ agency: 'Northbridge Police', country: 'CA', ref: 'CA-1', sharing: 'hit-only', selectors: [['email', 'sam.rowe@example.com']] });
    await uk.addCase({ agency: 'Kingsbridge Constabulary', country: 'GB', ref: 'UK-1', sharing: 'hit-only', selectors: [['email', 'sam.rowe@example.com']] });
  });
  afterAll(async () => {
    await secure?.close();
    await ca?.close();
    await uk?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a certificate it has no reason to trust, and works once it trusts its CA', async () => {
    const untrusting = (await syncAll(ca.node, { actor: 'test' }))[0]!;
    expect(untrusting.error).toMatch(/SELF_SIGNED|self.signed|certificate/i);
    expect(untrusting.pushed).toBe(0);

    const trusting = await openFederationNode(ca.store, { ca: tls!.cert });
    expect((await syncAll(trusting, { actor: 'test' }))[0]).toMatchObject({ pushed: 1, matches: 0 });
    await syncAll(uk.node, { actor: 'test' });
    // The UK's push found the match: the Canadian reply carried the Canadian notice, and the UK's
    // word that it stored it settled the outbox's copy, so nothing is left to deliver.
    const reports = await syncAll(trusting, { actor: 'test' });
    expect(reports[0]).toMatchObject({ delivered: 0, pending: 0 });
    const hits = await uk.store.db.selectFrom('audit_log').select('action').where('action', '=', 'federation.hit').execute();
    expect(hits).toHaveLength(1);
  });
});
