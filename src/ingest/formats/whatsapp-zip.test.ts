import { createReadStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import type { ParsedItem, Sample } from '../types.ts';
import { whatsappFormat } from './whatsapp.ts';
import { whatsappZipFormat } from './whatsapp-zip.ts';

const SAMPLE = new URL('../../../../shared/testdata/chat/whatsapp/test_ddmmyy_24hrs.txt', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'crosslink-wazip-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function collect(path: string, format = whatsappZipFormat): Promise<ParsedItem[]> {
  const items: ParsedItem[] = [];
  for await (const item of format.parse({ path, open: () => createReadStream(path), options: { timezone: 'UTC' } })) items.push(item);
  return items;
}

const sampleOf = (path: string): Sample => {
  const head = readFileSync(path).subarray(0, 65536);
  return { path, name: path.split('/').pop()!, isDirectory: false, head, text: head.toString('utf8') };
};

describe('WhatsApp .zip exports', () => {
  it('reads the chat text inside as the .txt parser would, with the room from the zip name', async () => {
    const text = readFileSync(SAMPLE);
    const zip = join(dir, 'WhatsApp Chat - Garden Club.zip');
    writeFileSync(zip, zipSync({ '_chat.txt': new Uint8Array(text), '00000012-PHOTO-2024-01-01-10-00-00.jpg': new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]) }));
    expect(whatsappZipFormat.detect(sampleOf(zip))).toBeGreaterThan(0.5);
    expect(whatsappFormat.detect(sampleOf(zip))).toBe(0);

    const plain = join(dir, 'WhatsApp Chat - Garden Club.txt');
    writeFileSync(plain, text);
    const fromZip = await collect(zip);
    const fromText = await collect(plain, whatsappFormat);
    expect(fromZip.length).toBeGreaterThan(5);
    expect(fromZip).toEqual(fromText);
  });

  it('takes the chat entry by name on Android (`WhatsApp Chat with X.txt`), whatever the order of entries', async () => {
    const zip = join(dir, 'export.zip');
    writeFileSync(zip, zipSync({ 'IMG-20240101-WA0001.jpg': new Uint8Array([1, 2, 3]), 'WhatsApp Chat with Kit Vale.txt': new Uint8Array(readFileSync(SAMPLE)) }));
    const records = (await collect(zip)).filter((item) => item.type === 'record');
    expect(records.length).toBeGreaterThan(5);
    expect(records[0]!.type === 'record' && records[0]!.record.room?.name).toBe('Kit Vale');
  });

  it('rejects a zip without chat text in one line, and survives truncated archives', async () => {
    const empty = join(dir, 'photos.zip');
    writeFileSync(empty, zipSync({ 'a.jpg': new Uint8Array([1, 2, 3]) }));
    expect(await collect(empty)).toEqual([{ type: 'reject', reject: expect.objectContaining({ line: 0, raw: 'photos.zip' }) }]);

    const whole = zipSync({ '_chat.txt': new Uint8Array(readFileSync(SAMPLE)) });
    for (let trial = 0; trial < 20; trial++) {
      const cut = join(dir, `cut-${trial}.zip`);
      writeFileSync(cut, whole.subarray(0, Math.floor(Math.random() * whole.length)));
      const items = await collect(cut);
      for (const item of items) expect(['record', 'reject']).toContain(item.type);
    }
  });
});
