/**
 * Throughput of findIdentifiers on typical short chat lines (few identifiers). Not part of the
 * test suite; run: npm run bench -- extract
 */
import { findIdentifiers } from '../src/extract/index.ts';

const plain = [
  'hey, how are you doing today?',
  'the tomatoes finally ripened lol',
  'want to play later? i am free after dinner',
  'it rained all day here. the garden loves it.',
  'did you fix the car yet',
  'see you at 10:30 tomorrow',
  'lol ok',
  'version 1.2.3 of the game is out, patch notes look good.',
  'i paid $12.50 for the seeds which is a lot',
  'we won 3:1 last night!!',
];
const withIds = [
  'my new email is sam.rowe@example.com btw',
  'call me on (416) 555-0123 after six',
  'photos here https://example.org/garden/roses?page=2',
  'ask @garden_gnome about it',
  'server is 198.51.100.23 now',
];
// EVERY=n puts an identifier on every n-th line (default 50: 2%); EVERY=1 is the worst case.
const every = Math.max(1, Number(process.env['EVERY'] ?? 50));
const lines: string[] = [];
for (let i = 0; i < 200_000; i++) lines.push(i % every === 0 ? (withIds[(i / every) % withIds.length] ?? '') : (plain[i % plain.length] ?? ''));

const context = { region: 'CA', platform: 'telegram', secret: Buffer.from('benchmark-secret-0123456') };
for (let i = 0; i < 20_000; i++) findIdentifiers(lines[i] ?? '', context); // warm-up
const runs: number[] = [];
let found = 0;
for (let r = 0; r < 5; r++) {
  const t = process.hrtime.bigint();
  found = 0;
  for (const line of lines) found += findIdentifiers(line, context).length;
  runs.push(lines.length / (Number(process.hrtime.bigint() - t) / 1e9));
}
runs.sort((a, b) => a - b);
console.log(`findIdentifiers: ${lines.length} chat lines (${(100 / every).toFixed(0)}% with an identifier, ${found} found): median ${Math.round(runs[2] ?? 0).toLocaleString('en')} lines/s (min ${Math.round(runs[0] ?? 0).toLocaleString('en')}, max ${Math.round(runs[4] ?? 0).toLocaleString('en')})`);
