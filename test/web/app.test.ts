/**
 * The investigator's web app in a real browser (Debian's Chromium through playwright-core) against
 * a real server over the small demo world: what a sergeant does on a Monday morning — sign in, open
 * a case and its chain of custody, ingest a file and watch it load, search with highlighted
 * snippets, open an entity, expand the link chart, compare similar cases, confirm a match, and
 * triage media without seeing a single picture. Expected values come from the world's manifest and
 * ground truth, or from the files themselves, never from what the app showed last time.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser, ensureLocalAdmin, grantCase, registerDeconfliction, withUser } from '../../src/access/index.ts';
import { addPeer, openFederationNode, requirePeer, setCasePolicy, syncPeer, updateNodeIdentity } from '../../src/federation/index.ts';
import { COUNT_LIMIT } from '../../src/search/index.ts';
import { TestNode } from '../federation/harness.ts';
import { PASSWORD, screenshot, signIn, startWebSession, USER, type WebSession, type WebWorld } from './harness.ts';

describe('the web app in Chromium', () => {
  let session: WebSession;
  let world: WebWorld;
  let context: BrowserContext;
  let page: Page;
  let pageErrors: string[];

  beforeAll(async () => {
    session = await startWebSession({ acceptDownloads: true });
    ({ world, context, page, pageErrors } = session);
  }, 300_000);

  afterAll(() => session?.close());

  it('refuses a wrong password, then lists every case the analyst may see', async () => {
    const other = await context.browser()!.newContext();
    const fresh = await other.newPage();
    await fresh.goto(world.url);
    await fresh.getByLabel('User name').fill(USER);
    await fresh.getByLabel('Password').fill('not the password at all');
    await fresh.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => fresh.getByRole('alert').textContent()).toBeTruthy();
    await other.close();

    await page.goto(world.url);
    const table = page.getByRole('table', { name: 'Cases you may see' });
    await table.waitFor();
    const refs = await table.locator('tbody th').allTextContents();
    expect(refs.sort()).toEqual(world.truth.cases.map((entry) => entry.ref).sort());
    await screenshot(page, '01-work-queue');
  });

  it("opens a case and shows each source's chain of custody", async () => {
    const entry = world.manifest.cases[0]!;
    await page.getByRole('link', { name: entry.ref, exact: true }).click();
    await page.getByRole('heading', { name: 'Sources and chain of custody' }).waitFor();
    const rows = page.locator('table.sources tbody tr');
    await expect.poll(() => rows.count()).toBe(entry.files.length);
    // The SHA-256 shown for a file is the hash of the file as it lies on disk.
    const file = entry.files.find((item) => item.format !== 'media-folder')!;
    const sha256 = createHash('sha256')
      .update(readFileSync(join(world.worldDir, file.path)))
      .digest('hex');
    await expect.poll(() => page.locator(`table.sources code[title="${sha256}"]`).count()).toBe(1);
    await screenshot(page, '02-case-sources');
  });

  it('ingests an uploaded file with a live progress bar, and the new source joins the case', async () => {
    const entry = world.manifest.cases[0]!;
    const word = 'quixotebramble';
    const chat = [`3/14/26, 9:15 AM - Quinn Marlowe: the ${word} meets at the pier`, `3/14/26, 9:16 AM - Rory Vance: bring the ${word} map`, '3/14/26, 9:20 AM - Quinn Marlowe: ok', ''].join('\n');
    await page.getByLabel('Evidence file').setInputFiles({ name: 'WhatsApp Chat with Pier.txt', mimeType: 'text/plain', buffer: Buffer.from(chat) });
    await page.getByRole('button', { name: 'Upload and ingest' }).click();
    const progress = page.locator('#ingest-progress');
    await progress.waitFor();
    await expect.poll(() => page.locator('label[for="ingest-progress"]').textContent(), { timeout: 60_000 }).toMatch(/^Ingested: 3 records/);
    expect(await progress.getAttribute('value')).toBe('100');
    await expect.poll(() => page.locator('table.sources tbody tr').count()).toBe(entry.files.length + 1);
    await expect.poll(() => page.locator('table.sources tbody th', { hasText: 'WhatsApp Chat with Pier.txt' }).count()).toBe(1);
    await screenshot(page, '03-ingested');

    // …and is searchable at once, the word highlighted.
    await page.goto(`${world.url}/search?q=${word}`);
    await expect.poll(() => page.locator('.record-hit').count()).toBe(2);
    expect((await page.locator('.record-hit mark').allTextContents()).map((text) => text.toLowerCase())).toEqual([word, word]);
  });

  it('searches every case with highlighted snippets, paging and "showing X of Y"', async () => {
    // A word that many records hold, found in the store's own index rather than in the app.
    const common = await sql<{ word: string; ndoc: number }>`
      SELECT word, ndoc FROM ts_stat('SELECT search FROM records') WHERE length(word) >= 6 AND word ~ '^[a-z]+$' AND ndoc BETWEEN 45 AND 400 ORDER BY ndoc DESC, word LIMIT 1`.execute(world.store.db);
    const { word } = common.rows[0]!;
    await page.locator('#global-search').fill(word);
    await page.locator('#global-search').press('Enter');
    await page.locator('.record-hit').first().waitFor();
    expect(await page.locator('.record-hit').count()).toBe(20);
    const marks = await page.locator('.record-hit mark').allTextContents();
    expect(marks.length).toBeGreaterThanOrEqual(20);
    for (const mark of marks) expect(mark.toLowerCase()).toContain(word.slice(0, 4));
    // The snippet never shows the raw « » markers.
    expect((await page.locator('.record-hits').textContent())!).not.toMatch(/[«»]/);
    const showing = await page.locator('.pager .showing').first().textContent();
    expect(showing).toMatch(/^Showing 1–20 of [\d,]+\+? records$/);
    await screenshot(page, '04-search');
    await page.getByRole('button', { name: 'Next →' }).first().click();
    await expect.poll(() => page.locator('.pager .showing').first().textContent()).toMatch(/^Showing 21–40 of /);
    expect(page.url()).toContain('offset=20');
  });

  it('stops paging where search stopped ranking, and says how to reach the rest', async () => {
    const frequent = await sql<{ word: string }>`
      SELECT word FROM ts_stat('SELECT search FROM records') WHERE length(word) >= 4 AND word ~ '^[a-z]+$' AND ndoc > ${COUNT_LIMIT + 20} ORDER BY ndoc, word LIMIT 1`.execute(world.store.db);
    expect(frequent.rows).toHaveLength(1);
    await page.goto(`${world.url}/search?q=${frequent.rows[0]!.word}&offset=${COUNT_LIMIT - 20}`);
    await page.locator('.record-hit').first().waitFor();
    const pager = page.locator('.pager').first();
    expect(await pager.locator('.showing').textContent()).toBe(`Showing ${COUNT_LIMIT - 19}–${COUNT_LIMIT} of ${COUNT_LIMIT}+ records`);
    expect(await pager.getByRole('button', { name: 'Next →' }).isDisabled()).toBe(true);
    expect(await pager.textContent()).toContain('narrow the search');
  });

  it("opens an entity from a search for a person's identifier and shows it with its records' sources", async () => {
    const person = world.truth.people.find((candidate) => candidate.identifiers.some((identifier) => identifier.type === 'email'))!;
    const email = person.identifiers.find((identifier) => identifier.type === 'email')!.value;
    await page.goto(`${world.url}/search?q=${encodeURIComponent(email)}`);
    const card = page.locator('.cards .card-title').first();
    await card.waitFor();
    await card.click();
    await page.getByRole('heading', { name: 'Identifiers' }).waitFor();
    await expect.poll(() => page.locator('.identifiers').textContent()).toContain(email);
    const provenance = await page.locator('.record-list .provenance').allTextContents();
    expect(provenance.length).toBeGreaterThan(0);
    for (const text of provenance) expect(text).toMatch(/\S:\d+$/);
    await screenshot(page, '05-entity');
  });

  it('opens the link chart from an entity and grows it by expanding a neighbour', async () => {
    await page.getByRole('link', { name: 'Open in link chart' }).click();
    const counts = page.getByTestId('chart-counts');
    const nodes = async () => Number(/of (\d+) nodes/.exec((await counts.textContent()) ?? '')?.[1] ?? 0);
    await expect.poll(nodes, { timeout: 30_000 }).toBeGreaterThan(1);
    const before = await nodes();
    const start = (await page.locator('#detail-title').textContent())!.trim().replace(/^\S+\s+/, '');
    // Expand the start node's neighbours one by one (select it in the details panel, press E)
    // until one brings something new; after a neighbour with nothing new, step back to the start.
    const labels = await page.locator('.neighbours button').allTextContents();
    let grown = before;
    for (const label of labels) {
      await page.locator('.neighbours button', { hasText: label }).first().click();
      if (await page.locator('.toast').count()) await page.getByRole('button', { name: 'Dismiss' }).click();
      await page.keyboard.press('e');
      await expect.poll(async () => (await page.locator('dialog[open]').count()) + (await page.locator('.toast').count()), { timeout: 30_000 }).toBeGreaterThan(0);
      if (await page.locator('dialog[open]').count()) await page.getByRole('button', { name: 'Add selected' }).click();
      grown = await nodes();
      if (grown > before) break;
      await page.locator('.neighbours button', { hasText: start }).first().click();
    }
    expect(grown).toBeGreaterThan(before);
    await screenshot(page, '06-chart-expanded');
    // Undo takes the expansion back.
    await page.keyboard.press('Control+z');
    await expect.poll(nodes).toBe(before);
  });

  it('lists similar cases with their reasons, and a connected case among them', async () => {
    const [a] = world.truth.connectedCases[0]!;
    const connected = new Set(world.truth.connectedCases.filter((pair) => pair.includes(a)).map((pair) => (pair[0] === a ? pair[1] : pair[0])));
    await page.goto(`${world.url}/cases/${encodeURIComponent(a)}/similar`);
    const items = page.locator('li.similar');
    await items.first().waitFor();
    const count = await items.count();
    for (let i = 0; i < count; i++) expect(await items.nth(i).locator('ul.reasons li').count()).toBeGreaterThan(0);
    const listed = await page.locator('li.similar .hit-head strong').allTextContents();
    expect(listed.some((ref) => connected.has(ref))).toBe(true);
    await screenshot(page, '07-similar');
  });

  it('reviews cross-case matches by keyboard: N stores "different", Y stores "same", and each moves focus to the next pair', async () => {
    await page.goto(`${world.url}/review`);
    const options = page.getByRole('listbox', { name: 'Pairs to review' }).getByRole('option');
    await expect.poll(() => options.count(), { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
    const order = await options.evaluateAll((items) => items.map((item) => item.getAttribute('data-pair')!));
    // Every pair joins two different cases (the queue is cross-case only).
    const details = page.locator('.review-detail');
    const caseCells = details.locator('.review-compare tbody tr').first().locator('td');
    const [left, right] = await caseCells.allTextContents();
    expect(left).not.toBe(right);
    await screenshot(page, '07b-match-review');

    const focusedPair = async () => ((await page.locator('[data-pair]:focus').count()) ? page.locator('[data-pair]:focus').getAttribute('data-pair') : null);
    const lastDecision = async () => (await sql<{ entity_a: string; entity_b: string; verdict: string; decided_by: string }>`SELECT entity_a::text, entity_b::text, verdict, decided_by FROM match_decisions ORDER BY id DESC LIMIT 1`.execute(world.store.db)).rows[0];
    const asStored = (pair: string) => pair.split('-').sort((x, y) => (BigInt(x) < BigInt(y) ? -1 : 1));

    await page.keyboard.press('n');
    await expect.poll(lastDecision).toEqual({ entity_a: asStored(order[0]!)[0], entity_b: asStored(order[0]!)[1], verdict: 'reject', decided_by: USER });
    await expect.poll(focusedPair).toBe(order[1]);
    expect(await page.locator(`[data-pair="${order[1]}"]`).getAttribute('aria-selected')).toBe('true');
    expect(await page.locator(`[data-pair="${order[0]}"]`).count()).toBe(0);

    await page.keyboard.press('y');
    await expect.poll(lastDecision).toEqual({ entity_a: asStored(order[1]!)[0], entity_b: asStored(order[1]!)[1], verdict: 'confirm', decided_by: USER });
    await expect.poll(() => page.getByTestId('review-announcement').textContent()).toMatch(/^Same person: .+ left\.$/);
    // The small world may hold only two cross-case pairs; with a third, focus lands on it.
    if (order.length > 2) await expect.poll(focusedPair).toBe(order[2]);
    else await expect.poll(() => page.getByText('Nothing to review here.').count()).toBe(1);
    await screenshot(page, '07c-match-review-decided');

    // A reload shows neither decided pair again.
    await page.reload();
    await page.getByTestId('review-showing').waitFor();
    const after = await options.evaluateAll((items) => items.map((item) => item.getAttribute('data-pair')!));
    expect(after).not.toContain(order[0]);
    expect(after).not.toContain(order[1]);
  });

  it("confirms a resolution match from a subject's page, and the decision is stored", async () => {
    const found = await sql<{ subject_id: string }>`SELECT subject_id FROM subject_members GROUP BY subject_id HAVING count(*) > 1 ORDER BY subject_id LIMIT 1`.execute(world.store.db);
    await page.goto(`${world.url}/subjects/${found.rows[0]!.subject_id}`);
    const confirm = page.getByRole('button', { name: '✓ Same person' }).first();
    await confirm.waitFor();
    await confirm.click();
    await expect.poll(() => page.getByText('Confirmed: the next resolution run keeps them together.').count()).toBe(1);
    const decisions = await sql<{ verdict: string; decided_by: string }>`SELECT verdict, decided_by FROM match_decisions ORDER BY id DESC LIMIT 1`.execute(world.store.db);
    expect(decisions.rows[0]).toEqual({ verdict: 'confirm', decided_by: USER });
    await screenshot(page, '08-subject-confirmed');
  });

  it('triages media without pixels: no image by default, blurred server-side thumbnails only when switched on', async () => {
    const entry = world.manifest.cases.find((item) => item.files.some((file) => file.format === 'media-folder'))!;
    await page.goto(`${world.url}/cases/${encodeURIComponent(entry.ref)}/media`);
    const rows = page.locator('table.media-grid tbody tr');
    await rows.first().waitFor();
    expect(await rows.count()).toBeGreaterThan(0);
    expect(await page.locator('img').count()).toBe(0);
    await screenshot(page, '09-media-no-pixels');

    const views: { url: string; blurred: string | undefined }[] = [];
    page.on('response', (response) => {
      if (response.url().includes('/view')) views.push({ url: response.url(), blurred: response.headers()['x-crosslink-blurred'] });
    });
    await page.getByLabel('Show blurred greyscale thumbnails for this case').check();
    await expect.poll(() => page.locator('table.media-grid img').count()).toBe(await rows.count());
    await expect.poll(() => views.length).toBeGreaterThan(0);
    expect(views.every((view) => view.blurred === 'true' && !view.url.includes('reveal'))).toBe(true);
    // The exposure timer runs, and only this user sees it.
    await expect.poll(() => page.getByRole('timer').count()).toBe(1);
    await page.getByLabel('Show blurred greyscale thumbnails for this case').uncheck();
    expect(await page.locator('img').count()).toBe(0);
  });

  it('shows a cross-agency hit notice — a contact and a reference, nothing else — and the holding officer sees it arrive', async () => {
    // An email that one agency's cases alone hold, and a second analyst of another agency who may see none of them.
    const held = await sql<{ value: string; agency: string; refs: string[] }>`
      SELECT i.value, min(a.name) AS agency, array_agg(DISTINCT c.ref) AS refs
      FROM identifiers i JOIN mentions m ON m.identifier_id = i.id JOIN cases c ON c.id = m.case_id JOIN agencies a ON a.id = c.agency_id
      WHERE i.type = 'email' GROUP BY i.value HAVING count(DISTINCT a.id) = 1 ORDER BY i.value LIMIT 1`.execute(world.store.db);
    const { value: email, agency: holder, refs } = held.rows[0]!;
    const own = world.truth.cases.find((entry) => entry.agency !== holder)!;
    const admin = (await ensureLocalAdmin(world.store.db)).user;
    await addUser(world.store.db, admin, { name: 'sgt.other', role: 'analyst', agency: own.agency, password: PASSWORD });
    await grantCase(world.store.db, admin, own.ref, 'sgt.other');

    // The holding cases' analyst waits on the work queue.
    await page.goto(world.url);
    await page.getByRole('heading', { name: 'New hits and alerts' }).waitFor();

    const other = await context.browser()!.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const seeker = await other.newPage();
      seeker.on('pageerror', (error) => pageErrors.push(error.message));
      await signIn(seeker, world.url, 'sgt.other', PASSWORD);
      await seeker.goto(`${world.url}/search?q=${encodeURIComponent(email)}`);
      const notice = seeker.locator('.hit-notice').first();
      await notice.waitFor();
      const text = (await notice.textContent())!;
      expect(text).toMatch(/^Another agency holds this — contact /);
      expect(text).toContain(holder);
      expect(text).toContain(`email ${email}`);
      const reference = /HIT-\d+/.exec(text)![0];
      // Nothing of the holding case: not its reference, not the records or entities that hold the email.
      const notices = (await seeker.locator('.hit-notices').textContent())!;
      for (const ref of refs) expect(notices).not.toContain(ref);
      expect(await seeker.locator('.record-hit').count()).toBe(0);
      expect(await seeker.locator('.cards .card').count()).toBe(0);
      await screenshot(seeker, '10-hit-notice');

      // The holding officer's work queue shows who looked, with the same reference, as it happens.
      const arrived = page.locator('.hit-notice', { hasText: reference });
      await expect.poll(() => arrived.count(), { timeout: 15_000 }).toBe(1);
      expect(await arrived.textContent()).toContain('sgt.other');
      await screenshot(page, '11-work-queue-hit');
    } finally {
      await other.close();
    }
  });

  it("opens a chat source from the case's sources: messages threaded by room, identifiers as chips that open the entity holding them", async () => {
    // A message on the first page of a chat source that names, in its text, an identifier some
    // entity of the case holds in its own right (a sender's phone, an account's handle).
    const PAGE = 100;
    const found = await sql<{ source_id: string; ref: string; record: string; identifier: string; case_id: string; shown: string }>`
      WITH ranked AS (SELECT r.id, r.source_id, r.case_id, r.kind, row_number() OVER (PARTITION BY r.source_id ORDER BY r.line NULLS LAST, r.id) AS n FROM records r)
      SELECT r.source_id::text, c.ref, r.id::text AS record, i.id::text AS identifier, r.case_id::text, coalesce(i.display, i.value) AS shown
      FROM ranked r JOIN mentions m ON m.record_id = r.id AND m.role = 'in_text' JOIN identifiers i ON i.id = m.identifier_id JOIN cases c ON c.id = r.case_id
      WHERE r.n <= ${PAGE} AND r.kind = 'message' AND i.type IN ('phone', 'email', 'handle')
        AND EXISTS (SELECT 1 FROM mentions o WHERE o.identifier_id = m.identifier_id AND o.case_id = m.case_id AND o.role <> 'in_text' AND o.entity_id IS NOT NULL)
      ORDER BY r.source_id, r.n LIMIT 1`.execute(world.store.db);
    const target = found.rows[0]!;
    const holders = await sql<{ entity_id: string }>`
      SELECT DISTINCT entity_id::text FROM mentions WHERE identifier_id = ${target.identifier} AND case_id = ${target.case_id} AND role <> 'in_text' AND entity_id IS NOT NULL`.execute(world.store.db);
    const firstPage = await sql<{ room: string | null; n: string }>`
      SELECT (SELECT label FROM entities WHERE id = p.room_id) AS room, count(*) OVER () AS n
      FROM (SELECT room_id FROM records WHERE source_id = ${target.source_id} ORDER BY line NULLS LAST, id LIMIT ${PAGE}) p`.execute(world.store.db);
    const rooms = [...new Set(firstPage.rows.map((row) => row.room))];

    await page.goto(`${world.url}/cases/${encodeURIComponent(target.ref)}`);
    await page.getByRole('heading', { name: 'Sources and chain of custody' }).waitFor();
    await page.locator(`table.sources a[href="/cases/${encodeURIComponent(target.ref)}/sources/${target.source_id}"]`).click();
    const lines = page.locator('section.thread .chat-line');
    await expect.poll(() => lines.count(), { timeout: 30_000 }).toBe(firstPage.rows.length);
    // One thread per room of the page, titled with the room's name; every line has its writer's marker (shape and colour).
    expect((await page.locator('section.thread .thread-title a').allTextContents()).sort()).toEqual(rooms.map(String).sort());
    expect(await page.locator('section.thread .chat-line:not(.room-event) .chat-meta svg.marker').count()).toBe(await page.locator('section.thread .chat-line:not(.room-event)').count());
    await expect.poll(() => page.locator('.id-chip').count()).toBeGreaterThan(0);
    const chip = page.locator(`.chat-line[data-record="${target.record}"] .id-chip[data-identifier="i${target.identifier}"]`).first();
    await chip.scrollIntoViewIfNeeded();
    await screenshot(page, '12-evidence-chat');

    await chip.click();
    await expect.poll(() => new URL(page.url()).pathname).toMatch(/^\/entities\/\d+$/);
    expect(holders.rows.map((row) => row.entity_id)).toContain(new URL(page.url()).pathname.split('/').pop());
    await page.getByRole('heading', { name: 'Identifiers' }).waitFor();
    await expect.poll(() => page.locator('.identifiers').textContent()).toContain(target.shown);
  });

  it("lists the hit another agency's node reports on a shared case — on the work queue as it arrives, and on the case — and the conflict with its unit's registration", async () => {
    // One email of one case, shared hit-only with a peer node whose own case holds it too.
    const held = await sql<{ value: string; ref: string }>`
      SELECT i.value, min(c.ref) AS ref FROM identifiers i JOIN mentions m ON m.identifier_id = i.id JOIN cases c ON c.id = m.case_id
      WHERE i.type = 'email' GROUP BY i.value HAVING count(DISTINCT c.id) = 1 ORDER BY i.value LIMIT 1`.execute(world.store.db);
    const { value: email, ref } = held.rows[0]!;
    const peer = await TestNode.create('peer-node');
    try {
      await peer.addCase({
        agency: 'Peer Agency',
        country: 'AU',
        ref: 'AU-PEER-1',
        officer: 'Det Sgt Hidden',
        contact: { phone: '+61 2 5550 0100', email: 'desk@peer.example' },
        selectors: [['email', email]],
        sharing: 'hit-only',
      });
      const admin = { name: 'test', role: 'admin' } as const;
      await setCasePolicy(world.store.db, admin, ref, 'hit-only', ['email']);
      const webNode = await openFederationNode(world.store, { create: true });
      await updateNodeIdentity(world.store.db, 'test', { name: 'web-node', agency: 'Web agency' });
      await addPeer(world.store.db, 'test', { name: 'peer-node', url: peer.tap.url, key: peer.publicKey });
      await addPeer(peer.store.db, 'test', { name: 'web-node', url: world.url, key: webNode.identity.publicKey });

      await page.goto(world.url);
      await page.getByRole('heading', { name: 'New hits and alerts' }).waitFor();
      expect(await page.locator('.federated-hit').count()).toBe(0);

      // The web node offers its selectors first; the peer's push then makes the match on both sides.
      await syncPeer(webNode, await requirePeer(world.store.db, 'peer-node'), { actor: 'test' });
      const reports = await syncPeer(peer.node, await requirePeer(peer.store.db, 'web-node'), { actor: 'test' });
      expect(reports.error).toBeUndefined();

      const card = page.locator('.federated-hit');
      await expect.poll(() => card.count(), { timeout: 15_000 }).toBe(1);
      const text = (await card.textContent())!;
      expect(text).toMatch(/^Another agency's node holds this — contact Peer Agency \(AU\), \+61 2 5550 0100, desk@peer\.example/);
      expect(text).toContain(`Your email ${email} in ${ref}`);
      const reference = /XL-[0-9A-Z]{4}-[0-9A-Z]{4}/.exec(text)![0];
      // Their case shares hit-only: neither its reference nor its officer is told.
      expect(text).not.toContain('AU-PEER-1');
      expect(text).not.toContain('Hidden');
      await screenshot(page, '14-federated-hit');

      await page.locator('.federated-hit a', { hasText: ref }).click();
      await page.getByRole('heading', { name: "Held on other agencies' nodes" }).waitFor();
      expect(await page.locator('.federated-hit').textContent()).toContain(reference);

      // Both units then register the email as a target: the conflict found across the nodes
      // reaches the work queue as it arrives, with the other unit's contact.
      const admin2 = (await ensureLocalAdmin(peer.store.db)).user;
      const planner = await addUser(peer.store.db, admin2, { name: 'peer.analyst', role: 'analyst', agency: 'Peer Agency' });
      await grantCase(peer.store.db, admin2, 'AU-PEER-1', 'peer.analyst');
      await withUser(peer.store, { id: planner.id, name: 'peer.analyst' }, (trx) => registerDeconfliction(trx, 'peer.analyst', { caseRef: 'AU-PEER-1', target: email }, { region: 'AU' }));
      const me = (await sql<{ id: string }>`SELECT id::text AS id FROM users WHERE name = ${USER}`.execute(world.store.db)).rows[0]!;
      await withUser(world.store, { id: me.id, name: USER }, (trx) => registerDeconfliction(trx, USER, { caseRef: ref, target: email }, { region: 'AU' }));
      await page.goto(world.url);
      await page.getByRole('heading', { name: 'New hits and alerts' }).waitFor();
      const alert = page.locator('.alert-item', { hasText: 'Peer Agency' });
      expect(await alert.count()).toBe(0);
      await syncPeer(webNode, await requirePeer(world.store.db, 'peer-node'), { actor: 'test' });
      await syncPeer(peer.node, await requirePeer(peer.store.db, 'web-node'), { actor: 'test' });
      await expect.poll(() => alert.count(), { timeout: 15_000 }).toBe(1);
      // The other unit's contact as a conflict carries it (their officer too), their country, node, and the reference to quote.
      const alerted = (await alert.textContent())!;
      expect(alerted).toMatch(new RegExp(`^Another unit works the same target as ${ref} — contact Det Sgt Hidden, Peer Agency \\(AU\\), \\+61 2 5550 0100, desk@peer\\.example`));
      expect(alerted).toMatch(/node peer-node · quote XL-[0-9A-Z]{4}-[0-9A-Z]{4} when you call$/);
      await screenshot(page, '15-federated-alert');
    } finally {
      await peer.close();
    }
  });

  it('raised no script errors on any screen', () => {
    expect(pageErrors).toEqual([]);
  });
});
