/**
 * Link-chart speed in a real browser (issue 9: "the link chart of a 500-node neighbourhood
 * interactive, layout ≤ 2 s"; UI brief §4). Serves the built web app over a demo world, opens the
 * chart on the busiest 2-hop neighbourhood of at least --min-nodes nodes in Debian's headless
 * Chromium, and reads the app's own performance measures: `chart-open` (from the neighbourhood
 * request to the laid-out chart drawn, two frames after the layout stopped) and `chart-layout`
 * (the layout alone). Then runs the Force layout on the same chart, as an analyst would from the toolbar.
 *
 *   npm run bench -- chart                         small demo world (seed 7) plus a synthetic 300-member group chat, 5 runs
 *   npm run bench -- chart --world DIR             an already generated world (e.g. `crosslink demo --scale medium`)
 *   npm run bench -- chart --runs 9 --min-nodes 500 --hops 2 --json
 *   npm run bench -- chart --profile --web DIR     also the functions that took the most time in one open (DIR: an unminified build)
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { Page } from 'playwright-core';
import { addUser, ensureLocalAdmin, grantCase } from '../src/access/index.ts';
import { expandFromStore } from '../src/analysis/index.ts';
import { buildServer } from '../src/api/index.ts';
import { generateWorld, loadWorld } from '../src/demo/index.ts';
import { runResolution } from '../src/resolve/index.ts';
import { ingestSource } from '../src/ingest/index.ts';
import { migrateToLatest, openStore, type Store } from '../src/store/index.ts';
import { buildWebApp, launchBrowser, signIn } from '../test/web/harness.ts';
import { arg } from './lib/common.ts';

const args = process.argv.slice(2);
const runs = Number(arg(args, '--runs', '5'));
const minNodes = Number(arg(args, '--min-nodes', '500'));
const hops = Number(arg(args, '--hops', '2'));
const json = args.includes('--json');
const USER = 'bench.chart';
const PASSWORD = 'a long synthetic benchmark password';
const log = (text: string) => {
  if (!json) process.stderr.write(`${text}\n`);
};

/**
 * A busy group chat, as the small world has no neighbourhood of 500 nodes: `members` made-up
 * participants who each post twice, giving an e-mail address and a phone number. Ingested through
 * the real WhatsApp parser, so the room, its accounts and their identifiers are what an analyst's
 * upload would make: the room's 2-hop neighbourhood is the room, its accounts and their identifiers.
 */
function busyGroupChat(file: string, members: number): void {
  const lines: string[] = [];
  for (let index = 0; index < members; index++) {
    const name = `Member ${String(index + 1).padStart(3, '0')} Example`;
    const minute = String(index % 60).padStart(2, '0');
    const hour = 1 + (Math.floor(index / 60) % 11);
    const day = 1 + Math.floor(index / 660);
    lines.push(`3/${day}/26, ${hour}:${minute} AM - ${name}: hello all, mail me at member${index + 1}@example.test`);
    lines.push(`3/${day}/26, ${hour}:${minute} AM - ${name}: or call +1 202 555 ${String(1000 + index).slice(-4)}`);
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
}

/** Chat rooms, people and subjects with the most links: the places a 2-hop neighbourhood grows largest. */
async function busiestStart(store: Store): Promise<{ ref: string; nodes: number; edges: number }> {
  const candidates = await sql<{ ref: string }>`
    (SELECT 'e' || e.id AS ref FROM entities e JOIN links l ON l.from_entity_id = e.id OR l.to_entity_id = e.id
      WHERE e.kind IN ('chat_room', 'person', 'account') AND l.supersedes IS NULL GROUP BY e.id ORDER BY count(*) DESC LIMIT 12)
    UNION ALL
    (SELECT 's' || subject_id AS ref FROM subject_members GROUP BY subject_id ORDER BY count(*) DESC LIMIT 4)`.execute(store.db);
  let best: { ref: string; nodes: number; edges: number } | undefined;
  for (const { ref } of candidates.rows) {
    const around = await expandFromStore(store.db, [ref], { hops, maxNodes: 5000 });
    const size = { ref, nodes: around.nodes.length, edges: around.edges.length };
    log(`  ${ref}: ${size.nodes} nodes, ${size.edges} edges in ${hops} hops`);
    if (size.nodes >= minNodes && (!best || size.nodes > best.nodes)) best = size;
  }
  if (!best) throw new Error(`no ${hops}-hop neighbourhood of ${minNodes}+ nodes in this world: try --hops 3 or --world with a medium world`);
  return best;
}

/** With --profile: one more open under the V8 profiler, and the functions that took the most time themselves. */
async function profileOpen(page: Page, url: string): Promise<void> {
  const session = await page.context().newCDPSession(page);
  await session.send('Profiler.enable');
  await session.send('Profiler.setSamplingInterval', { interval: 200 });
  await session.send('Profiler.start');
  await page.goto(url);
  await page.waitForFunction(() => performance.getEntriesByName('chart-open').length > 0, undefined, { timeout: 120_000 });
  type ProfileNode = { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] };
  const { profile } = (await session.send('Profiler.stop')) as { profile: { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] } };
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const nameOf = (node: ProfileNode) => `${node.callFrame.functionName || '(anonymous)'} ${node.callFrame.url.split('/').pop()}:${node.callFrame.lineNumber + 1}`;
  const selfOfNode = new Map<number, number>();
  profile.samples.forEach((id, index) => selfOfNode.set(id, (selfOfNode.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0) / 1000));
  const self = new Map<string, number>();
  for (const [id, time] of selfOfNode) self.set(nameOf(byId.get(id)!), (self.get(nameOf(byId.get(id)!)) ?? 0) + time);
  // Inclusive time per function: each sample counts once for every distinct function on its stack.
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const inclusive = new Map<string, number>();
  for (const [id, time] of selfOfNode) {
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) seen.add(nameOf(byId.get(at)!));
    for (const name of seen) inclusive.set(name, (inclusive.get(name) ?? 0) + time);
  }
  const top = (table: Map<string, number>, title: string) => {
    process.stderr.write(`${title} (ms):\n`);
    for (const [name, time] of [...table.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25)) process.stderr.write(`  ${Math.round(time).toString().padStart(6)}  ${name}\n`);
  };
  top(self, 'Self time during one open');
  top(inclusive, 'Inclusive time during one open');
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
const ms = (value: number) => `${Math.round(value)} ms`;

async function main(): Promise<void> {
  const scratch = mkdtempSync(join(tmpdir(), 'crosslink-bench-chart-'));
  const secret = Buffer.alloc(32, 11);
  const given = arg(args, '--world', '');
  const worldDir = given || join(scratch, 'world');
  // --web DIR: an app built already (e.g. `vite build --minify false` to read a --profile).
  const prebuilt = arg(args, '--web', '');
  const webDir = prebuilt || join(scratch, 'web');
  const store = await openStore(join(scratch, 'db'));
  try {
    log(`Preparing: ${given ? `world ${given}` : 'small demo world (seed 7)'}, web app build…`);
    await Promise.all([given ? Promise.resolve() : generateWorld({ seed: 7, scale: 'small', out: worldDir }), prebuilt ? Promise.resolve() : buildWebApp(webDir), migrateToLatest(store.db)]);
    await loadWorld(store, worldDir, { actor: 'bench', secret });
    if (!given) {
      const chat = join(scratch, 'WhatsApp Chat with Harbour Swap.txt');
      busyGroupChat(chat, Number(arg(args, '--room-members', '170')));
      const [first] = (await sql<{ ref: string }>`SELECT ref FROM cases ORDER BY ref LIMIT 1`.execute(store.db)).rows;
      await ingestSource(store, chat, { caseRef: first!.ref, actor: 'bench', secret, region: 'US' });
    }
    await runResolution(store, { actor: 'bench' });
    const admin = (await ensureLocalAdmin(store.db)).user;
    const cases = await sql<{ ref: string; agency: string }>`SELECT c.ref, a.name AS agency FROM cases c JOIN agencies a ON a.id = c.agency_id ORDER BY c.ref`.execute(store.db);
    await addUser(store.db, admin, { name: USER, role: 'analyst', agency: cases.rows[0]!.agency, password: PASSWORD });
    for (const entry of cases.rows) await grantCase(store.db, admin, entry.ref, USER);
    log(`Choosing the busiest ${hops}-hop neighbourhood of ${minNodes}+ nodes:`);
    const start = await busiestStart(store);

    const app = await buildServer(store, { cardSecret: secret, webRoot: webDir, settings: { uploadDir: join(scratch, 'uploads'), loginsPerMinute: 1000 } });
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    const browser = await launchBrowser();
    try {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      await signIn(page, url, USER, PASSWORD);
      const opens: { open: number; fetch: number; build: number; layout: number; fromNavigation: number; nodes: number; edges: number; layoutName: string }[] = [];
      for (let run = 0; run < runs; run++) {
        await page.goto(`${url}/chart?start=${encodeURIComponent(start.ref)}&hops=${hops}`);
        await page.waitForFunction(() => performance.getEntriesByName('chart-open').length > 0, undefined, { timeout: 120_000 });
        const measured = await page.evaluate(() => {
          type Measure = { startTime: number; duration: number; detail: unknown };
          const open = performance.getEntriesByName('chart-open')[0] as unknown as Measure;
          const layout = performance.getEntriesByName('chart-layout')[0] as unknown as Measure;
          const fetched = performance.getEntriesByName('chart-fetch')[0] as unknown as Measure;
          const styled = performance.getEntriesByName('chart-styled')[0] as unknown as Measure;
          const detail = open.detail as { layout: string; nodes: number; edges: number };
          return { open: open.duration, fetch: fetched.duration, build: styled.duration - fetched.duration, layout: layout.duration, fromNavigation: open.startTime + open.duration, nodes: detail.nodes, edges: detail.edges, layoutName: detail.layout };
        });
        opens.push(measured);
        log(`  run ${run + 1}: open ${ms(measured.open)} (fetch ${ms(measured.fetch)}, add and style ${ms(measured.build)}, layout ${measured.layoutName} ${ms(measured.layout)}), from navigation ${ms(measured.fromNavigation)}, ${measured.nodes} nodes / ${measured.edges} edges`);
      }
      if (args.includes('--profile')) await profileOpen(page, `${url}/chart?start=${encodeURIComponent(start.ref)}&hops=${hops}`);
      // The Force layout on the same chart, from the toolbar (it runs on the page's thread).
      const forces: number[] = [];
      for (let run = 0; run < (args.includes('--no-force') ? 0 : Math.min(runs, 3)); run++) {
        await page.evaluate(() => performance.clearMeasures('chart-layout'));
        await page.getByLabel('Layout').selectOption('cose');
        await page.getByRole('button', { name: 'Run layout' }).click({ timeout: 120_000 });
        await page.waitForFunction(() => performance.getEntriesByName('chart-layout').length > 0, undefined, { timeout: 120_000 });
        forces.push(await page.evaluate(() => performance.getEntriesByName('chart-layout')[0]!.duration));
        log(`  force layout ${run + 1}: ${ms(forces.at(-1)!)}`);
      }
      const result = {
        world: given || `small demo world (seed 7) + a ${arg(args, '--room-members', '170')}-member group chat`,
        start: start.ref,
        hops,
        nodes: opens[0]!.nodes,
        edges: opens[0]!.edges,
        runs,
        openLayout: opens[0]!.layoutName,
        openMedianMs: Math.round(median(opens.map((item) => item.open))),
        openMaxMs: Math.round(Math.max(...opens.map((item) => item.open))),
        fetchMedianMs: Math.round(median(opens.map((item) => item.fetch))),
        buildMedianMs: Math.round(median(opens.map((item) => item.build))),
        layoutMedianMs: Math.round(median(opens.map((item) => item.layout))),
        fromNavigationMedianMs: Math.round(median(opens.map((item) => item.fromNavigation))),
        forceLayoutMedianMs: forces.length ? Math.round(median(forces)) : null,
        budgetMs: 2000,
        load: loadavg().map((value) => Math.round(value * 100) / 100),
        cpus: cpus().length,
      };
      if (json) process.stdout.write(`${JSON.stringify(result)}\n`);
      else {
        const rows: [string, string][] = [
          ['neighbourhood', `${result.start}, ${hops} hops: ${result.nodes} nodes, ${result.edges} edges (${result.world})`],
          [`open → laid out and drawn (median of ${runs})`, `${ms(result.openMedianMs)} (max ${ms(result.openMaxMs)}; budget ${ms(result.budgetMs)})`],
          ['  of which the neighbourhood request (server)', ms(result.fetchMedianMs)],
          ['  of which adding and styling the elements', ms(result.buildMedianMs)],
          [`  of which the ${result.openLayout} layout`, ms(result.layoutMedianMs)],
          ['page navigation → chart drawn (median)', ms(result.fromNavigationMedianMs)],
          ['Force (cose) layout from the toolbar (median)', result.forceLayoutMedianMs === null ? '—' : ms(result.forceLayoutMedianMs)],
          ['load average (1, 5, 15 min) / CPUs', `${result.load.join(', ')} / ${result.cpus}`],
        ];
        const width = Math.max(...rows.map(([label]) => label.length));
        process.stdout.write(`\nLink chart in headless Chromium (${new Date().toISOString().slice(0, 10)})\n`);
        for (const [label, value] of rows) process.stdout.write(`${label.padEnd(width)}  ${value}\n`);
      }
    } finally {
      await browser.close();
      await app.close();
    }
  } finally {
    await store.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}

await main();
