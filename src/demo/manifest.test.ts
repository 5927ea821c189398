// A CLI pointed at the wrong folder must get one clear line naming the file, never a stack of confusion.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateWorld, readManifest } from './index.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'crosslink-demo-manifest-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe('readManifest', () => {
  it('names the missing file', async () => {
    const dir = path.join(root, 'empty');
    fs.mkdirSync(dir);
    await expect(readManifest(dir)).rejects.toThrow(path.join(dir, 'manifest.json'));
  });

  it('names the file when it is not JSON or not a manifest', async () => {
    const dir = path.join(root, 'bad');
    fs.mkdirSync(dir);
    const file = path.join(dir, 'manifest.json');
    fs.writeFileSync(file, '{ not json');
    await expect(readManifest(dir)).rejects.toThrow(`${file}: invalid JSON`);
    fs.writeFileSync(file, JSON.stringify({ version: 1, generator: 'crosslink-demo', seed: 1, scale: 'small', agencies: [], cases: [{ ref: 'X-1' }] }));
    await expect(readManifest(dir)).rejects.toThrow(file);
    fs.writeFileSync(file, JSON.stringify({ version: 2 }));
    await expect(readManifest(dir)).rejects.toThrow(/unsupported version/);
  });
});

describe('generateWorld output folder', () => {
  it('refuses a non-empty folder that is not a demo world', async () => {
    const dir = path.join(root, 'foreign');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'keep me');
    await expect(generateWorld({ seed: 1, scale: 'small', out: dir })).rejects.toThrow(`${dir} is not empty and is not a Crosslink demo world`);
    expect(fs.readFileSync(path.join(dir, 'notes.txt'), 'utf8')).toBe('keep me');
  });

  it('creates a missing folder and reads back a valid manifest', async () => {
    const dir = path.join(root, 'new', 'world');
    const result = await generateWorld({ seed: 3, scale: 'small', out: dir });
    const m = await readManifest(dir);
    expect(m.cases.length).toBe(result.cases);
    expect(m.agencies.length).toBe(4);
  });
});
