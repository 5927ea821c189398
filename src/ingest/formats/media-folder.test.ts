import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CanonicalRecord, Reject } from '../types.ts';
import { mediaFolderFormat, mimeTypeOf } from './media-folder.ts';
import { TESTDATA } from './tabular/testkit.ts';

async function parseFolder(path: string): Promise<{ records: CanonicalRecord[]; rejects: Reject[] }> {
  const records: CanonicalRecord[] = [];
  const rejects: Reject[] = [];
  const input = { path, options: {}, open: () => { throw new Error('a folder has no single stream'); } };
  for await (const item of mediaFolderFormat.parse(input)) {
    if (item.type === 'record') records.push(item.record);
    else rejects.push(item.reject);
  }
  return { records, rejects };
}

const identifier = (record: CanonicalRecord | undefined, type: string) => record?.identifiers?.find((found) => found.type === type)?.raw;

describe('media-folder', () => {
  it('hashes every file of the exif corpus once, in sorted order, with relative paths', async () => {
    const root = join(TESTDATA, 'exif');
    const { records, rejects } = await parseFolder(root);
    expect(rejects).toEqual([]);
    const keys = records.map((record) => record.key);
    expect(keys).toEqual([...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(keys).toContain('metadata-extractor-images/jpg/Apple iPhone 4.jpg');
    for (const record of records) {
      const bytes = readFileSync(join(root, record.key));
      expect(identifier(record, 'md5')).toBe(createHash('md5').update(bytes).digest('hex'));
      expect(identifier(record, 'sha1')).toBe(createHash('sha1').update(bytes).digest('hex'));
      expect(identifier(record, 'sha256')).toBe(createHash('sha256').update(bytes).digest('hex'));
      expect(record.props).toMatchObject({ bytes: bytes.length, relative_path: record.key, file_name: record.key.split('/').pop() });
      expect(record.identifiers?.every((found) => found.role === 'content' || (found.type === 'camera_serial' && found.role === 'camera'))).toBe(true);
    }
    // A photo's time is an instant only when the camera wrote its offset (ExifTool's values).
    const expected = JSON.parse(readFileSync(join(root, 'exiftool-expected-summary.json'), 'utf8')) as { SourceFile: string; DateTimeOriginal?: string; OffsetTimeOriginal?: string }[];
    for (const photo of expected) {
      const record = records.find((candidate) => candidate.key === photo.SourceFile.replace(/^\.\//, ''));
      if (photo.DateTimeOriginal && photo.OffsetTimeOriginal) {
        const local = photo.DateTimeOriginal.replace(/^(\d{4}):(\d{2}):(\d{2}) /, '$1-$2-$3T');
        const instant = new Date(`${local}${photo.OffsetTimeOriginal}`).getTime();
        expect(Math.abs((record?.occurredAt?.getTime() ?? 0) - instant), photo.SourceFile).toBeLessThan(1000);
      } else if (!photo.DateTimeOriginal) {
        expect(record?.occurredAt ?? null, photo.SourceFile).toBeNull();
      }
    }
    const byKey = new Map(records.map((record) => [record.key, record]));
    expect(byKey.get('metadata-extractor-images/heic/IMG_2927.HEIC')?.props.mime_type).toBe('image/heic');
    expect(byKey.get('metadata-extractor-images/png/sampleWithExifData.png')?.props.mime_type).toBe('image/png');
    expect(byKey.get('metadata-extractor-images/jpg/Apple iPhone 4.jpg')?.props.mime_type).toBe('image/jpeg');
    expect(byKey.get('exiftool-expected-summary.json')?.props.mime_type).toBe('application/json');
  });

  it('agrees with the hash values listed in hashsets/expected_matches.csv', async () => {
    const { records } = await parseFolder(join(TESTDATA, 'exif'));
    const byKey = new Map(records.map((record) => [`exif/${record.key}`, record]));
    const rows = readFileSync(join(TESTDATA, 'hashsets/expected_matches.csv'), 'utf8').trim().split('\n').slice(1);
    expect(rows.length).toBeGreaterThan(10);
    for (const row of rows) {
      const [path = '', md5 = '', sha1 = '', sha256 = '', size = ''] = row.split(',');
      const record = byKey.get(path);
      expect(record, path).toBeDefined();
      expect([identifier(record, 'md5'), identifier(record, 'sha1'), identifier(record, 'sha256'), record?.props.bytes]).toEqual([
        md5.toLowerCase(),
        sha1.toLowerCase(),
        sha256.toLowerCase(),
        Number(size),
      ]);
    }
  });

  it('skips symlinks out of the tree, keeps those inside, and rejects unreadable files', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'crosslink-outside-'));
    writeFileSync(join(outside, 'secret.txt'), 'not part of the case');
    const root = mkdtempSync(join(tmpdir(), 'crosslink-media-'));
    mkdirSync(join(root, 'b'));
    writeFileSync(join(root, 'b', 'garden.gif'), Buffer.from('GIF89a....'));
    writeFileSync(join(root, 'a.bin'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]));
    writeFileSync(join(root, 'locked.jpg'), 'x');
    symlinkSync(join(outside, 'secret.txt'), join(root, 'escape.txt'));
    symlinkSync(outside, join(root, 'escape-dir'));
    symlinkSync(join(root, 'b', 'garden.gif'), join(root, 'c-link.gif'));
    symlinkSync(root, join(root, 'b', 'loop'));
    chmodSync(join(root, 'locked.jpg'), 0o000);
    const { records, rejects } = await parseFolder(root);
    const lockedReadable = process.getuid?.() === 0;
    expect(records.map((record) => record.key)).toEqual(['a.bin', 'b/garden.gif', 'c-link.gif', ...(lockedReadable ? ['locked.jpg'] : [])]);
    expect(records[0]?.props.mime_type).toBe('image/png');
    expect(records[1]?.props.mime_type).toBe('image/gif');
    if (!lockedReadable) expect(rejects).toEqual([{ line: 0, reason: 'cannot read file (EACCES)', raw: 'locked.jpg' }]);
    chmodSync(join(root, 'locked.jpg'), 0o644);
  });

  it('detects folders only, and refuses a path that is not a folder', async () => {
    expect(mediaFolderFormat.detect({ path: '/x', name: 'x', isDirectory: true, head: Buffer.alloc(0), text: '' })).toBe(0.9);
    expect(mediaFolderFormat.detect({ path: '/x.jpg', name: 'x.jpg', isDirectory: false, head: Buffer.alloc(0), text: '' })).toBe(0);
    await expect(parseFolder(join(TESTDATA, 'er/fake_1000.csv'))).rejects.toThrow(/fake_1000\.csv: cannot read the media folder/);
  });

  it('sniffs webp, mp4 and heic brands', () => {
    expect(mimeTypeOf(Buffer.from('RIFF\0\0\0\0WEBPVP8 '), 'x')).toBe('image/webp');
    expect(mimeTypeOf(Buffer.from('\0\0\0\x20ftypisom\0\0\0\0'), 'x')).toBe('video/mp4');
    expect(mimeTypeOf(Buffer.from('\0\0\0\x18ftypheic\0\0\0\0'), 'x')).toBe('image/heic');
    expect(mimeTypeOf(Buffer.from('hello'), 'clip.MOV')).toBe('video/quicktime');
  });
});
