/**
 * The API's small parts without a database: upload file names (fuzzed), the sign-in rate limit,
 * CSRF tokens, the event stream's format and addressing, background jobs, and how errors become
 * problem details.
 */
import { join, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { csrfTokenOf, RateLimiter } from '../../src/api/auth.ts';
import { EventHub, formatEvent, type ServerEventName } from '../../src/api/events.ts';
import { Jobs } from '../../src/api/jobs.ts';
import { ApiProblem, describeError } from '../../src/api/problem.ts';
import { safeFileName } from '../../src/api/upload.ts';
import { UserError } from '../../src/model/index.ts';

/** mulberry32: a small seeded generator, so a failing case can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('upload file names', () => {
  it('never leave the upload folder, whatever the client sends (fuzzed)', () => {
    const next = random(20260301);
    const pieces = ['..', '.', '/', '\\', '\u0000', '\n', '\u007f', 'C:', ':', '*', '?', '"', '<', '>', '|', ' ', 'é', '😀', 'a', 'chat', '.txt', 'WhatsApp Chat with X', '%2e%2e', '~'];
    const folder = resolve('/uploads/upload-1');
    for (let i = 0; i < 5000; i++) {
      let name = '';
      const length = Math.floor(next() * 12);
      for (let j = 0; j < length; j++) name += pieces[Math.floor(next() * pieces.length)];
      const safe = safeFileName(name);
      expect(safe.length, JSON.stringify(name)).toBeGreaterThan(0);
      expect(safe.length).toBeLessThanOrEqual(200);
      expect(safe.startsWith('.'), JSON.stringify(name)).toBe(false);
      // eslint-disable-next-line no-control-regex
      expect(/[/\\\u0000-\u001f\u007f]/.test(safe), JSON.stringify(safe)).toBe(false);
      const path = resolve(join(folder, safe));
      expect(path.startsWith(folder + sep), `${JSON.stringify(name)} → ${path}`).toBe(true);
    }
    expect(safeFileName('WhatsApp Chat with Storm Chasers.txt')).toBe('WhatsApp Chat with Storm Chasers.txt');
    expect(safeFileName('C:\\Users\\me\\result.json')).toBe('result.json');
    expect(safeFileName('../../etc/passwd')).toBe('passwd');
    expect(safeFileName(undefined)).toBe('upload');
  });
});

describe('the sign-in rate limit', () => {
  it('allows `limit` attempts per address per window, then says when to come back', () => {
    const limiter = new RateLimiter(3, 60_000);
    for (let i = 0; i < 3; i++) limiter.take('10.0.0.1', 1_000 + i);
    let refused: unknown;
    try {
      limiter.take('10.0.0.1', 31_000);
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(ApiProblem);
    expect((refused as ApiProblem).status).toBe(429);
    expect((refused as ApiProblem).headers['retry-after']).toBe('30');
    limiter.take('10.0.0.2', 31_000);
    limiter.take('10.0.0.1', 61_000);
  });
});

describe('CSRF tokens', () => {
  it('belong to one session, are stable for it, and do not reveal it', () => {
    const a = csrfTokenOf('cxt_session-one');
    expect(csrfTokenOf('cxt_session-one')).toBe(a);
    expect(csrfTokenOf('cxt_session-two')).not.toBe(a);
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a).not.toContain('session-one');
  });
});

describe('server-sent events', () => {
  it('are formatted as named events with JSON data, and reach only the users they are for', () => {
    const text = formatEvent('ingest', { line: 'one\ntwo', n: 1 });
    expect(text).toBe('event: ingest\ndata: {"line":"one\\ntwo","n":1}\n\n');
    const hub = new EventHub();
    const seen: [string, ServerEventName, unknown][] = [];
    const stopAlice = hub.subscribe('1', (name, data) => seen.push(['alice', name, data]));
    hub.subscribe('2', (name, data) => seen.push(['bob', name, data]));
    hub.publish(['1'], 'hit', { case: 'A' });
    hub.publish(['2', '2'], 'alert', { case: 'B' });
    stopAlice();
    hub.publish(['1'], 'hit', { case: 'A2' });
    expect(seen).toEqual([
      ['alice', 'hit', { case: 'A' }],
      ['bob', 'alert', { case: 'B' }],
    ]);
    expect(hub.streams).toBe(1);
  });
});

describe('background jobs', () => {
  it('run one at a time, report to their owner only, and fail with a readable message', async () => {
    const hub = new EventHub();
    const events: { name: string; id: string; status: string }[] = [];
    hub.subscribe('7', (name, data) => events.push({ name, ...(data as { id: string; status: string }) }));
    const jobs = new Jobs(hub);
    const order: string[] = [];
    const first = jobs.start('7', { kind: 'ingest', case: 'A-1', file: 'a.txt', format: null }, async (progress) => {
      order.push('first starts');
      progress({ phase: 'parse', records: 1 });
      await new Promise((resolve) => setTimeout(resolve, 20));
      order.push('first ends');
      return { result: { records: 2 }, progress: { records: 2 } };
    }, String);
    const second = jobs.start('7', { kind: 'hashset', case: null, file: 'set.csv', format: 'csv' }, async () => {
      order.push('second starts');
      throw new UserError('set.csv: not a hash set');
    }, (error) => (error instanceof Error ? error.message : String(error)));
    expect(first.status).toBe('queued');
    await jobs.idle();
    expect(order).toEqual(['first starts', 'first ends', 'second starts']);
    expect(jobs.get(first.id, '7')).toMatchObject({ status: 'complete', records: 2, result: { records: 2 }, error: null });
    expect(jobs.get(second.id, '7')).toMatchObject({ status: 'failed', error: 'set.csv: not a hash set' });
    expect(jobs.get(first.id, '8')).toBeUndefined();
    expect(jobs.list('7').map((job) => job.id)).toEqual([second.id, first.id]);
    expect(events.filter((event) => event.id === first.id).map((event) => [event.name, event.status])).toContainEqual(['ingest', 'complete']);
    expect(events.filter((event) => event.id === second.id).map((event) => [event.name, event.status]).at(-1)).toEqual(['job', 'failed']);
  });
});

describe('problem details', () => {
  it('keep a user error’s message and status, and hide a bug’s', () => {
    expect(describeError(new UserError("no case 'X'", 'not_found'))).toMatchObject({ status: 404, detail: "no case 'X'", bug: false });
    expect(describeError(new UserError('bad', 'conflict')).status).toBe(409);
    expect(describeError(new UserError('no', 'forbidden')).status).toBe(403);
    expect(describeError(Object.assign(new Error('permission denied for table records'), { code: '42501' }))).toMatchObject({ status: 403, bug: false });
    expect(describeError(Object.assign(new Error('querystring/limit must be <= 200'), { validation: [{}], validationContext: 'querystring' }))).toMatchObject({
      status: 400,
      detail: 'limit must be <= 200 (in the query string)',
    });
    expect(describeError(Object.assign(new Error('querystring must NOT have additional properties'), { validation: [{ params: { additionalProperty: 'caseRef' } }], validationContext: 'querystring' })).detail).toBe(
      "unknown parameter 'caseRef' (in the query string)",
    );
    expect(describeError(Object.assign(new Error('Request body is too large'), { code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 })).status).toBe(413);
    const bug = describeError(new TypeError("Cannot read properties of undefined (reading 'id')"));
    expect(bug).toMatchObject({ status: 500, bug: true });
    expect(bug.detail).not.toMatch(/undefined|reading/);
  });
});
