/**
 * Federation, PDQ near matching: the answering node's work for a peer's PDQ push (pdq.ts
 * `answerPdq`: the multi-index at distance ≤ 31, in 8 orientations, then the sharing policy),
 * against SIZE PDQ values its sharing case holds — side by side with how it was done until stop 20,
 * an index built from the store for every push (the peer, here a fresh node object per push, which
 * has no kept index).
 *
 *   npm run bench -- federation-pdq [--size 1000000] [--push 1000] [--pushes 5] [--backend postgres|embedded]
 *
 * A tenth of each push is near (10 bits from) a value the node holds, so every push has matches to
 * record; before each push after the first, --push new values are stored on the node, which the
 * kept index takes in first.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { activePeers, addPeer, openFederationNode, type FederationNode } from '../src/federation/index.ts';
import { generateKeyPair } from '../src/federation/keys.ts';
import { answerPdq } from '../src/federation/pdq.ts';
import { hexToWords, wordsToHex } from '../src/media/pdq/hamming.ts';
import { migrateToLatest } from '../src/store/index.ts';
import { arg, openBenchStore } from './lib/common.ts';
import { loadSharedCase } from './lib/shared-case.ts';

const args = process.argv.slice(2);
const size = Number(arg(args, '--size', '1000000'));
const pushSize = Number(arg(args, '--push', '1000'));
const pushes = Number(arg(args, '--pushes', '5'));
const backend = arg(args, '--backend', 'postgres') as 'embedded' | 'postgres';

const randomPdq = () => randomBytes(32).toString('hex');
/** `hash` with `bits` distinct bits flipped (25 apart: 25 and 256 have no common factor). */
function flipped(hash: string, bits: number): string {
  const words = hexToWords(hash);
  for (let b = 0; b < bits; b++) {
    const bit = (b * 25) % 256;
    words[bit >> 5]! ^= 1 << (bit & 31);
  }
  return wordsToHex(words);
}
const seconds = (from: number) => (performance.now() - from) / 1000;

async function main(): Promise<void> {
  const scratch = mkdtempSync(`${tmpdir()}/crosslink-bench-pdq-`);
  const { store, drop } = await openBenchStore(backend, scratch, 'pdq');
  try {
    await migrateToLatest(store.db);
    const node = await openFederationNode(store, { create: true, actor: 'bench' });
    await addPeer(store.db, 'bench', { name: 'asking', url: 'http://127.0.0.1:9', key: generateKeyPair().publicKey, budget: 100_000_000 });
    const peer = (await activePeers(store.db))[0]!;
    const held: string[] = Array.from({ length: size }, randomPdq);
    let started = performance.now();
    for (let from = 0; from < size; from += 100_000) {
      await loadSharedCase(store, 'Answering agency', 'PDQ-1', held.slice(from, from + 100_000).map((value) => ['pdq', value]));
    }
    const loading = seconds(started);

    const push = () => Array.from({ length: pushSize }, (_, i) => (i % 10 === 0 ? flipped(held[Math.floor(Math.random() * size)]!, 10) : randomPdq()));
    const answer = async (answering: FederationNode) => {
      const at = performance.now();
      const reply = await answerPdq(answering, peer, { hashes: push() });
      return { seconds: seconds(at), matches: reply.matches.length };
    };
    const rows: string[] = [];
    const row = (what: string, results: { seconds: number; matches: number }[]) =>
      rows.push(`| ${what} | ${results.map((result) => result.seconds.toFixed(3)).join(', ')} | ${results.map((result) => result.matches).join(', ')} |`);

    // The way until stop 20: every push builds its index from the store.
    const rebuilt = [];
    for (let i = 0; i < pushes; i++) rebuilt.push(await answer({ ...node }));
    row(`index built for each push (until stop 20), ${pushes} pushes`, rebuilt);
    // Kept: the first push builds it, later ones take in only what was stored since.
    started = performance.now();
    const first = await answer(node);
    row('kept index: the first push after start-up (builds it)', [first]);
    const later = [];
    for (let i = 1; i < pushes; i++) {
      const stored = Array.from({ length: pushSize }, randomPdq);
      held.push(...stored);
      await loadSharedCase(store, 'Answering agency', 'PDQ-1', stored.map((value) => ['pdq', value]));
      later.push(await answer(node));
    }
    row(`kept index: later pushes, ${pushSize.toLocaleString('en')} values stored before each`, later);

    console.log(`| ${backend}: answering a push of ${pushSize.toLocaleString('en')} PDQ values against ${size.toLocaleString('en')} held | seconds per push | matches |`);
    console.log('|---|---|---|');
    for (const line of rows) console.log(line);
    console.log(`\n(loading the ${size.toLocaleString('en')} values, not timed above: ${loading.toFixed(1)} s; a tenth of each push is 10 bits from a held value; each value is looked up in its 8 orientations)`);
  } finally {
    await store.close();
    await drop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

await main();
