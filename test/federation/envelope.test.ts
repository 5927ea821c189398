/**
 * Signed envelopes between nodes, on every backend: a node answers a peer's well-formed message
 * with a signed reply, and refuses — with the status that says why, and an audit entry when the
 * sender is a peer — a message that is unsigned, forged, from a stranger, for another node, stale
 * or replayed. A reply is believed only from the peer, for us, answering the message we sent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPair, openMessage, parseMessage, seal, type MessageType, type SignedMessage } from '../../src/federation/index.ts';
import { blindSelectors, newPsiKey, PSI_VERSION, scalarOf } from '../../src/federation/psi.ts';
import { BACKENDS } from '../backends.ts';
import { TestNode } from './harness.ts';

describe.each(BACKENDS)('signed messages between nodes on $name', (backend) => {
  let alpha: TestNode;
  let bravo: TestNode;

  beforeAll(async () => {
    bravo = await TestNode.create('bravo', backend.name);
    alpha = await TestNode.create('alpha');
    await alpha.addPeer(bravo);
    await bravo.addPeer(alpha);
  });
  afterAll(async () => {
    await alpha?.close();
    await bravo?.close();
  });

  const push = () => ({ version: PSI_VERSION, blinded: blindSelectors(['phone:+14165550123'], scalarOf(newPsiKey())).toString('base64') });
  const fromAlpha = (type: MessageType = 'psi.push', body: unknown = push(), skewMs = 0): SignedMessage =>
    seal(alpha.node.identity, bravo.publicKey, type, body, { now: new Date(Date.now() + skewMs) });
  const send = async (message: unknown, path = '/api/federation/psi') => {
    const answer = await bravo.app.inject({ method: 'POST', url: path, payload: message as object });
    return { status: answer.statusCode, body: answer.json() as Record<string, unknown>, type: String(answer.headers['content-type']) };
  };
  const rejections = async () =>
    (await bravo.store.db.selectFrom('audit_log').select(['actor', 'details']).where('action', '=', 'federation.rejected').orderBy('id').execute()).map((row) => row.details['reason']);

  it("answers a peer's push with a reply signed by the receiver, for the sender, answering that message", async () => {
    const message = fromAlpha();
    const answer = await send(message);
    expect(answer.status).toBe(200);
    const reply = parseMessage(answer.body);
    expect(reply.envelope).toMatchObject({ type: 'psi.reply', from: bravo.publicKey, to: alpha.publicKey, replyTo: message.envelope.id });
    const body = openMessage(reply, { self: alpha.publicKey, type: 'psi.reply', senderKey: bravo.publicKey, now: new Date(), replyTo: message.envelope.id }) as { version: string; blinded: string };
    expect(body.version).toBe(PSI_VERSION);
    expect(Buffer.from(body.blinded, 'base64')).toHaveLength(32);
    // Alpha checks who signed the reply: a reply from anyone else, or answering another message, is not believed.
    const stranger = generateKeyPair();
    const forgedReply = seal(stranger, alpha.publicKey, 'psi.reply', body, { now: new Date(), replyTo: message.envelope.id });
    expect(() => openMessage(forgedReply, { self: alpha.publicKey, type: 'psi.reply', senderKey: bravo.publicKey, now: new Date(), replyTo: message.envelope.id })).toThrow(/not a peer/);
    expect(() => openMessage(reply, { self: alpha.publicKey, type: 'psi.reply', senderKey: bravo.publicKey, now: new Date(), replyTo: fromAlpha().envelope.id })).toThrow(/answers another message/);
  });

  it('refuses a push of another PSI version, saying which', async () => {
    const versionOne = await send(fromAlpha('psi.push', { points: push().blinded }));
    expect(versionOne.status).toBe(400);
    expect(String(versionOne.body['detail'])).toMatch(/version 1 \(ristretto255\).*must run the same PSI version/);
    const later = await send(fromAlpha('psi.push', { version: 'crosslink-psi-v3', blinded: push().blinded }));
    expect(later.status).toBe(400);
    expect(String(later.body['detail'])).toMatch(/speaks crosslink-psi-v3, this node crosslink-psi-v2-x25519/);
  });

  it('refuses an unsigned request as unauthenticated', async () => {
    const answer = await send(push());
    expect(answer.status).toBe(401);
    expect(answer.type).toMatch(/application\/problem\+json/);
    expect((await bravo.app.inject({ method: 'POST', url: '/api/federation/psi' })).statusCode).toBe(401);
  });

  it('refuses forged messages: an altered body, a signature that does not verify, a stranger, another recipient', async () => {
    const before = (await rejections()).length;

    const altered = fromAlpha();
    altered.body = JSON.stringify(push());
    expect(await send(altered)).toMatchObject({ status: 401, body: { detail: expect.stringMatching(/digest/) } });

    // The body and its digest both changed: only the signature can tell.
    const resigned = fromAlpha();
    const other = seal(alpha.node.identity, bravo.publicKey, 'psi.push', push(), { now: new Date() });
    resigned.body = other.body;
    resigned.envelope.digest = other.envelope.digest;
    expect(await send(resigned)).toMatchObject({ status: 401, body: { detail: expect.stringMatching(/signature does not verify/) } });

    // Signed by a key that is not a peer's, but claiming to be alpha.
    const stranger = generateKeyPair();
    const impostor = seal({ publicKey: alpha.publicKey, privateKey: stranger.privateKey }, bravo.publicKey, 'psi.push', push(), { now: new Date() });
    expect(await send(impostor)).toMatchObject({ status: 401, body: { detail: expect.stringMatching(/signature does not verify/) } });
    expect(await send(seal(stranger, bravo.publicKey, 'psi.push', push(), { now: new Date() }))).toMatchObject({ status: 401, body: { detail: expect.stringMatching(/not a peer/) } });

    const elsewhere = seal(alpha.node.identity, stranger.publicKey, 'psi.push', push(), { now: new Date() });
    expect(await send(elsewhere)).toMatchObject({ status: 401, body: { detail: expect.stringMatching(/another node/) } });

    // A notice posted where pushes go.
    expect((await send(fromAlpha('hit.notice', { node: 'alpha', notices: [] }))).status).toBe(400);

    // Audited, for the messages that named a peer as sender (a stranger's knock is not).
    expect((await rejections()).slice(before)).toEqual(['bad-digest', 'bad-signature', 'bad-signature', 'wrong-recipient', 'wrong-type']);
  });

  it('refuses a message more than five minutes off its clock, either way', async () => {
    expect(await send(fromAlpha('psi.push', push(), -6 * 60_000))).toMatchObject({ status: 401, body: { detail: expect.stringMatching(/more than 5 min/) } });
    expect(await send(fromAlpha('psi.push', push(), 6 * 60_000))).toMatchObject({ status: 401, body: { detail: expect.stringMatching(/more than 5 min/) } });
    expect((await send(fromAlpha('psi.push', push(), -4 * 60_000))).status).toBe(200);
    expect((await rejections()).filter((reason) => reason === 'stale')).toHaveLength(2);
  });

  it('refuses a replayed message, even after its first answer', async () => {
    const message = fromAlpha();
    expect((await send(message)).status).toBe(200);
    expect(await send(message)).toMatchObject({ status: 409, body: { detail: expect.stringMatching(/received before/) } });
    // …and after a restart: the nonces are in the store, not in memory.
    await bravo.restart();
    expect((await send(message)).status).toBe(409);
    expect((await rejections()).filter((reason) => reason === 'replayed')).toHaveLength(2);
  });

  it('refuses a push beyond the peer’s daily budget', async () => {
    const { setPeerBudget } = await import('../../src/federation/index.ts');
    await setPeerBudget(bravo.store.db, 'test', 'alpha', 5);
    const six = { version: PSI_VERSION, blinded: blindSelectors(['a', 'b', 'c', 'd', 'e', 'f'].map((x) => `email:${x}@example.org`), scalarOf(newPsiKey())).toString('base64') };
    const answer = await send(fromAlpha('psi.push', six));
    expect(answer).toMatchObject({ status: 429, body: { detail: expect.stringMatching(/budget of 5 a day/) } });
    expect((await rejections()).at(-1)).toBe('over-budget');
  });
});
