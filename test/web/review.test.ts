/**
 * Batches and undo on the cross-case match review screen, in a real browser (Debian's Chromium)
 * against a real server over the small demo world: an analyst ticks two pairs (checkbox, Shift+click,
 * X), gives both one call in one request, sees them leave the queue, takes the batch back with Z or
 * the Undo button, and sees them return in place. What was stored is read from the store itself.
 */
import { sql } from 'kysely';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshot, startWebSession, USER, type WebSession, type WebWorld } from './harness.ts';

describe('match review batches and undo in Chromium', () => {
  let session: WebSession;
  let world: WebWorld;
  let page: Page;
  let pageErrors: string[];

  beforeAll(async () => {
    session = await startWebSession();
    ({ world, page, pageErrors } = session);
  }, 300_000);

  afterAll(() => session?.close());

  const options = () => page.getByRole('listbox', { name: 'Pairs to review' }).getByRole('option');
  const listedPairs = () => options().evaluateAll((items) => items.map((item) => item.getAttribute('data-pair')!));
  const row = (pair: string) => page.locator(`[data-pair="${pair}"]`);
  const announced = () => page.getByTestId('review-announcement').textContent();
  const selectedCount = () => page.getByTestId('review-selected').textContent();
  /** The decision that counts on a pair as the store holds it (the latest row), or null. */
  const latest = async (pair: string) => {
    const [low, high] = pair.split('-').sort((x, y) => (BigInt(x) < BigInt(y) ? -1 : 1));
    const rows = await sql<{ verdict: string; decided_by: string }>`
      SELECT verdict, decided_by FROM match_decisions WHERE entity_a = ${low} AND entity_b = ${high} ORDER BY id DESC LIMIT 1`.execute(world.store.db);
    return rows.rows[0] ?? null;
  };

  it('selects two pairs, decides both "different" in one request, and Z brings both back in place', async () => {
    await page.goto(`${world.url}/review`);
    await expect.poll(() => options().count(), { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
    const order = await listedPairs();
    const [first, second] = order as [string, string];
    expect(await selectedCount()).toBe('0 selected');

    // One by its checkbox, one by Shift+click on the row.
    await row(first).getByRole('checkbox').check();
    await row(second).click({ modifiers: ['Shift'] });
    await expect.poll(selectedCount).toBe('2 selected');
    expect(await row(first).getAttribute('aria-checked')).toBe('true');
    expect(await row(second).getAttribute('aria-checked')).toBe('true');
    await screenshot(page, '07d-review-batch-selected');

    await page.getByRole('group', { name: 'Selected pairs' }).getByRole('button', { name: 'Different people (2)' }).click();
    await expect.poll(() => row(first).count()).toBe(0);
    await expect.poll(() => row(second).count()).toBe(0);
    await expect.poll(announced).toMatch(/^Different people: 2 pairs\. \d+ left\.$/);
    expect(await latest(first)).toEqual({ verdict: 'reject', decided_by: USER });
    expect(await latest(second)).toEqual({ verdict: 'reject', decided_by: USER });
    expect(await selectedCount()).toBe('0 selected');
    await screenshot(page, '07e-review-batch-decided');

    await page.keyboard.press('z');
    await expect.poll(listedPairs).toEqual(order);
    await expect.poll(announced).toMatch(/^Undone: Different people, 2 pairs\./);
    // Withdrawn, not deleted: the store's latest row on each pair is the withdrawal.
    expect(await latest(first)).toEqual({ verdict: 'withdrawn', decided_by: USER });
    expect(await latest(second)).toEqual({ verdict: 'withdrawn', decided_by: USER });
    // Focus is back on the first pair that returned, so the analyst carries on from there.
    await expect.poll(() => page.locator('[data-pair]:focus').getAttribute('data-pair')).toBe(first);
    await screenshot(page, '07f-review-batch-undone');

    // A reload agrees: both pairs are open again.
    await page.reload();
    await expect.poll(listedPairs, { timeout: 30_000 }).toEqual(order);
  });

  it('by keyboard: X ticks the focused pair, Shift+U makes the ticked pairs unsure, and the Undo button takes them back', async () => {
    await page.goto(`${world.url}/review`);
    await expect.poll(() => options().count(), { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
    const order = await listedPairs();
    await row(order[0]!).click();
    await page.keyboard.press('x');
    await page.keyboard.press('j');
    await page.keyboard.press('x');
    await expect.poll(selectedCount).toBe('2 selected');
    await page.keyboard.press('Shift+U');
    await expect.poll(listedPairs).toEqual(order.slice(2));
    await expect.poll(announced).toMatch(/^Unsure: 2 pairs\./);

    // They are on the unsure list now, not in the open queue.
    await page.getByRole('link', { name: 'My unsure pairs' }).click();
    await expect.poll(async () => (await listedPairs()).sort()).toEqual(order.slice(0, 2).sort());
    await page.getByRole('link', { name: 'Open pairs' }).click();
    await expect.poll(listedPairs).toEqual(order.slice(2));

    const undo = page.getByRole('button', { name: /^Z Undo: Unsure, 2 pairs$/ });
    await undo.click();
    await expect.poll(listedPairs).toEqual(order);
    await expect.poll(() => page.getByRole('button', { name: /^Z Undo/ }).isDisabled()).toBe(true);
    expect(pageErrors).toEqual([]);
  });
});
