// The demo world's IRC logs (irssi and WeeChat, written by src/demo) parse with no rejects,
// in the zone and on the network its manifest gives, with as many messages as it wrote.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateWorld, readManifest, type ManifestFile } from '../../../demo/index.ts';
import { parseFile } from './testkit.ts';

describe('demo world IRC logs', () => {
  const out = mkdtempSync(join(tmpdir(), 'crosslink-irc-demo-'));
  let files: ManifestFile[] = [];

  beforeAll(async () => {
    await generateWorld({ seed: 7, scale: 'small', out });
    const manifest = await readManifest(out);
    files = manifest.cases.flatMap((entry) => entry.files).filter((file) => file.format.startsWith('irc-'));
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('parses every IRC file with zero rejects and the written message count', async () => {
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const { records, rejects } = await parseFile(file.format, join(out, file.path), { timezone: file.timezone, network: file.network });
      expect(rejects, file.path).toEqual([]);
      const messages = records.filter((record) => record.kind === 'message');
      if (typeof file.records === 'number') expect(messages.length, file.path).toBe(file.records);
      for (const record of records) {
        expect(record.occurredAt, `${file.path}:${record.line}`).toBeInstanceOf(Date);
        expect(record.room?.network).toBe(file.network);
        expect(record.room?.type).toBe('channel');
      }
    }
  });
});
