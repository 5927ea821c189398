// EXIF summaries checked against ExifTool's values for the shared test photos (testdata/exif),
// hand-built EXIF blocks for the edge cases photos rarely show, and seeded fuzzing for robustness.
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exifFromBuffer, inspectExif, isoCaptureTime, readExif, type ExifSummary } from './exif.ts';

const EXIF_DIR = join(import.meta.dirname, '../../../shared/testdata/exif');
const IMAGES = join(EXIF_DIR, 'metadata-extractor-images');

type Expected = Record<string, string | number | undefined>;
const summary = JSON.parse(readFileSync(join(EXIF_DIR, 'exiftool-expected-summary.json'), 'utf8')) as Expected[];
const full = JSON.parse(readFileSync(join(EXIF_DIR, 'exiftool-expected-full.json'), 'utf8')) as Expected[];
const fullBySource = new Map(full.map((entry) => [entry.SourceFile, entry]));

/** ExifTool prints numeric-looking strings as numbers and keeps padding: compare as trimmed text. */
function text(value: string | number | undefined): string | undefined {
  if (value === undefined) return undefined;
  const trimmed = String(value).trim();
  return trimmed === '' ? undefined : trimmed;
}

/** ExifTool's "2020:05:04 18:39:11.644-04:00" written as ISO 8601. */
function iso(exiftool: string): string {
  return exiftool.replace(/^(\d{4}):(\d{2}):(\d{2}) /, '$1-$2-$3T');
}

function firstOf(entry: Expected | undefined, keys: readonly string[]): string | undefined {
  for (const key of keys) {
    const value = text(entry?.[key]);
    if (value !== undefined) return value;
  }
  return undefined;
}

describe('readExif on the shared test photos (values from ExifTool)', () => {
  it('covers every photo listed', () => {
    expect(summary.length).toBe(19);
  });

  for (const expected of summary) {
    const source = String(expected.SourceFile);
    const details = fullBySource.get(source);
    it(source, async () => {
      const exif = await readExif(join(EXIF_DIR, source));
      expect(exif).not.toBeNull();
      const got = exif as ExifSummary;
      if (expected.Make !== undefined) expect(got.make).toBe(text(expected.Make));
      if (expected.Model !== undefined) expect(got.model).toBe(text(expected.Model));
      // Serial numbers link cases: present when ExifTool found one, absent otherwise.
      expect(got.serialNumber).toBe(text(expected.SerialNumber ?? expected.CameraSerialNumber));
      expect(got.internalSerialNumber).toBe(text(expected.InternalSerialNumber));
      expect(got.lensSerialNumber).toBe(text(expected.LensSerialNumber));
      expect(got.lensModel).toBe(
        firstOf(details, ['ExifIFD:LensModel', 'Canon:LensModel', 'Olympus:LensModel', 'FLIR:LensModel', 'XMP-aux:Lens']),
      );
      expect(got.dateTimeOriginal).toBe(text(expected.DateTimeOriginal));
      expect(got.offsetTimeOriginal).toBe(text(expected.OffsetTimeOriginal) ?? text(details?.['FLIR:DateTimeOriginal'])?.slice(-6));
      const subSecond = text(details?.['Composite:SubSecDateTimeOriginal']);
      const dateTime = text(expected.DateTimeOriginal);
      const expectedIso = subSecond
        ? iso(subSecond)
        : dateTime === undefined
          ? undefined
          : iso(dateTime) + (dateTime.match(/[+-]\d\d:\d\d$/) ? '' : (text(expected.OffsetTimeOriginal) ?? ''));
      expect(got.captureTime).toBe(expectedIso);
      expect(got.software).toBe(text(expected.Software));
      expect(got.orientation).toBe(expected.Orientation);
      expect(got.width).toBe(expected.ImageWidth);
      expect(got.height).toBe(expected.ImageHeight);
      const latitude = expected.GPSLatitude;
      const longitude = expected.GPSLongitude;
      if (typeof latitude === 'number' && typeof longitude === 'number' && !(latitude === 0 && longitude === 0)) {
        expect(got.gps?.latitude).toBeCloseTo(latitude, 9);
        expect(got.gps?.longitude).toBeCloseTo(longitude, 9);
        expect(got.gps?.altitude).toBe(expected.GPSAltitude);
      } else {
        // "null island" (0,0) and unreadable positions are not locations.
        expect(got.gps).toBeUndefined();
      }
    });
  }

  it('notes a 0,0 position instead of reporting it', async () => {
    const exif = await readExif(join(IMAGES, 'jpg/Samsung GT-I9000 (Galaxy S).jpg'));
    expect(exif?.gps).toBeUndefined();
    expect(exif?.notes?.some((note) => note.includes('0,0'))).toBe(true);
  });

  it('keeps what it can read when an IFD entry is damaged (Sony DSC-HX5V)', async () => {
    const exif = await readExif(join(IMAGES, 'jpg/Sony DSC-HX5V (2).jpg'));
    expect(exif?.make).toBe('SONY');
    expect(exif?.gps?.latitude).toBeCloseTo(51.778615, 6);
    expect(exif?.notes?.some((note) => note.includes('damaged'))).toBe(true);
  });

  it('finds the Exif item at the end of a HEIF file', async () => {
    const exif = await readExif(join(IMAGES, 'heic/exif-at-eof.heic'));
    expect(exif?.format).toBe('heif');
    expect(exif?.gps?.longitude).toBeCloseTo(106.243105095844, 9);
  });
});

describe('files without EXIF', () => {
  const dir = mkdtempSync(join(tmpdir(), 'crosslink-exif-'));

  it('returns null for a file that is not an image', async () => {
    const file = join(dir, 'notes.txt');
    writeFileSync(file, 'just some text, no image here\n');
    expect(await inspectExif(file)).toEqual({ exif: null });
  });

  it('returns null for an empty file and a missing file, without throwing', async () => {
    const file = join(dir, 'empty.jpg');
    writeFileSync(file, Buffer.alloc(0));
    expect(await readExif(file)).toBeNull();
    const missing = await inspectExif(join(dir, 'does-not-exist.jpg'));
    expect(missing.exif).toBeNull();
    expect(missing.problem).toMatch(/cannot open/);
  });

  it('returns null for a JPEG and a PNG without EXIF', async () => {
    const jpeg = jpegWith(undefined, 40, 30);
    expect((await exifFromBuffer(jpeg)).exif).toBeNull();
    const png = readFileSync(join(IMAGES, 'png/sampleWithExifData.png'));
    // Drop the eXIf chunk: what is left is a valid PNG with no EXIF.
    expect((await exifFromBuffer(withoutPngChunk(png, 'eXIf'))).exif).toBeNull();
  });

  it('says why a damaged EXIF block gave nothing', async () => {
    const result = await exifFromBuffer(jpegWith(Buffer.from('II*\0\xff\xff\xff\x7f', 'latin1'), 1, 1));
    expect(result.exif).toBeNull();
    expect(result.problem).toMatch(/damaged/);
  });
});

describe('hand-built EXIF blocks', () => {
  it('signs GPS by its references and altitude below sea level', async () => {
    const tiff = buildTiff({
      ifd0: [ascii(0x010f, 'Acme'), ascii(0x0110, 'Cam 1')],
      gps: [ascii(1, 'S'), rational(2, [33, 1], [52, 1], [3036, 100]), ascii(3, 'W'), rational(4, [70, 1], [30, 1], [0, 1]), byte(5, 1), rational(6, [125, 10])],
    });
    const exif = (await exifFromBuffer(jpegWith(tiff, 8, 8))).exif;
    expect(exif?.gps?.latitude).toBeCloseTo(-(33 + 52 / 60 + 30.36 / 3600), 12);
    expect(exif?.gps?.longitude).toBeCloseTo(-70.5, 12);
    expect(exif?.gps?.altitude).toBe(-12.5);
  });

  it('rejects a position out of range', async () => {
    const tiff = buildTiff({ ifd0: [ascii(0x010f, 'Acme')], gps: [ascii(1, 'N'), rational(2, [95, 1], [0, 1], [0, 1]), ascii(3, 'E'), rational(4, [10, 1], [0, 1], [0, 1])] });
    const exif = (await exifFromBuffer(jpegWith(tiff, 8, 8))).exif;
    expect(exif?.gps).toBeUndefined();
    expect(exif?.notes?.some((note) => note.includes('out of range'))).toBe(true);
  });

  it('keeps the capture time as written and adds the offset only when recorded', async () => {
    const withOffset = buildTiff({ ifd0: [ascii(0x010f, 'Acme')], exif: [ascii(0x9003, '2021:12:31 23:59:58'), ascii(0x9011, '+05:30'), ascii(0x9291, '07')] });
    const a = (await exifFromBuffer(jpegWith(withOffset, 8, 8))).exif;
    expect(a?.dateTimeOriginal).toBe('2021:12:31 23:59:58');
    expect(a?.offsetTimeOriginal).toBe('+05:30');
    expect(a?.captureTime).toBe('2021-12-31T23:59:58.07+05:30');
    const zeroed = buildTiff({ ifd0: [ascii(0x010f, 'Acme')], exif: [ascii(0x9003, '0000:00:00 00:00:00')] });
    const b = (await exifFromBuffer(jpegWith(zeroed, 8, 8))).exif;
    expect(b?.dateTimeOriginal).toBeUndefined();
    expect(b?.captureTime).toBeUndefined();
  });

  it('reads the standard body and lens serials, trimmed', async () => {
    const tiff = buildTiff({
      ifd0: [ascii(0x010f, 'Acme  '), ascii(0x0110, 'Cam 2')],
      exif: [ascii(0xa431, '  0123456789  '), ascii(0xa430, 'J. Doe'), ascii(0xa434, 'Zoom 24-70'), ascii(0xa435, 'L998877')],
    });
    const exif = (await exifFromBuffer(jpegWith(tiff, 640, 480))).exif;
    expect(exif).toMatchObject({ make: 'Acme', serialNumber: '0123456789', ownerName: 'J. Doe', lensModel: 'Zoom 24-70', lensSerialNumber: 'L998877', width: 640, height: 480 });
  });

  it('converts capture times only when they are real dates', () => {
    expect(isoCaptureTime('2020:02:29 10:00:00')).toBe('2020-02-29T10:00:00');
    expect(isoCaptureTime('2019:02:29 10:00:00')).toBeUndefined();
    expect(isoCaptureTime('2019:13:01 10:00:00')).toBeUndefined();
    expect(isoCaptureTime('    :  :     :  :  ')).toBeUndefined();
  });
});

describe('fuzzing: damaged and truncated images never throw or hang', () => {
  const photos = [
    'jpg/Canon EOS REBEL T3i.jpg',
    'jpg/Issue 339.jpg',
    'jpg/Olympus C720UZ.jpg',
    'jpg/Panasonic DMC-LC70 (Lumix).jpg',
    'jpg/Reconyx HF2 Pro Covert.jpg',
    'jpg/FLIR Vue Pro 640.jpg',
    'jpg/Sony DSC-HX5V (2).jpg',
    'jpg/Issue 508.jpg',
    'heic/exif-at-eof.heic',
    'heic/IMG_2927.HEIC',
    'png/sampleWithExifData.png',
  ];

  for (const photo of photos) {
    it(photo, async () => {
      const original = readFileSync(join(IMAGES, photo));
      // Mutate where the metadata is: the first 64 KiB, and for HEIF also the Exif item near the end.
      const head = original.subarray(0, Math.min(original.length, 64 * 1024));
      const random = seededRandom(hashName(photo));
      for (let round = 0; round < 150; round++) {
        const bytes = Buffer.from(round % 3 === 0 ? original : head);
        mutate(bytes, random, photo.endsWith('.heic') || photo.endsWith('.HEIC') ? original.length : head.length);
        const cut = round % 5 === 0 ? bytes.subarray(0, Math.floor(random() * bytes.length)) : bytes;
        const result = await exifFromBuffer(cut);
        if (result.exif) checkShape(result.exif);
      }
    }, 60_000);
  }

  it('random bytes behind each image signature', async () => {
    const random = seededRandom(7);
    const signatures = [
      [0xff, 0xd8, 0xff, 0xe1],
      [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
      [...Buffer.from('\0\0\0\x18ftypheic', 'latin1')],
      [...Buffer.from('RIFF\0\0\0\0WEBP', 'latin1')],
      [...Buffer.from('II*\0\x08\0\0\0', 'latin1')],
      [...Buffer.from('MM\0*\0\0\0\x08', 'latin1')],
    ];
    for (let round = 0; round < 600; round++) {
      const signature = signatures[round % signatures.length] as number[];
      const bytes = Buffer.alloc(signature.length + Math.floor(random() * 2048));
      for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(random() * 256);
      Buffer.from(signature).copy(bytes);
      const result = await exifFromBuffer(bytes);
      if (result.exif) checkShape(result.exif);
    }
  }, 60_000);
});

// ---------------------------------------------------------------------------------------------

function checkShape(exif: ExifSummary): void {
  for (const key of ['make', 'model', 'serialNumber', 'internalSerialNumber', 'lensModel', 'software', 'dateTimeOriginal'] as const) {
    if (exif[key] !== undefined) expect(typeof exif[key]).toBe('string');
  }
  if (exif.gps) {
    expect(Math.abs(exif.gps.latitude)).toBeLessThanOrEqual(90);
    expect(Math.abs(exif.gps.longitude)).toBeLessThanOrEqual(180);
    expect(exif.gps.latitude === 0 && exif.gps.longitude === 0).toBe(false);
  }
  if (exif.orientation !== undefined) expect(exif.orientation).toBeGreaterThanOrEqual(1);
}

function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hashName(name: string): number {
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** Flips bytes, writes extreme 16/32-bit values (counts, offsets) and zeroes runs within `limit`. */
function mutate(bytes: Buffer, random: () => number, limit: number): void {
  const span = Math.min(limit, bytes.length);
  if (span < 8) return;
  const edits = 1 + Math.floor(random() * 8);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(random() * (span - 4));
    const kind = Math.floor(random() * 4);
    if (kind === 0) bytes[at] = Math.floor(random() * 256);
    else if (kind === 1) bytes.writeUInt16BE([0, 1, 0xffff, 0x7fff][Math.floor(random() * 4)] as number, at);
    else if (kind === 2) bytes.writeUInt32LE([0, 0xffffffff, 8, 0x7fffffff][Math.floor(random() * 4)] as number, at);
    else bytes.fill(0, at, Math.min(span, at + Math.floor(random() * 64)));
  }
}

interface IfdEntrySpec {
  readonly tag: number;
  readonly type: number;
  readonly count: number;
  readonly data: Buffer;
}

function ascii(tag: number, value: string): IfdEntrySpec {
  const data = Buffer.from(`${value}\0`, 'latin1');
  return { tag, type: 2, count: data.length, data };
}

function byte(tag: number, value: number): IfdEntrySpec {
  return { tag, type: 1, count: 1, data: Buffer.from([value]) };
}

function rational(tag: number, ...values: [number, number][]): IfdEntrySpec {
  const data = Buffer.alloc(values.length * 8);
  values.forEach(([num, den], i) => {
    data.writeUInt32LE(num, i * 8);
    data.writeUInt32LE(den, i * 8 + 4);
  });
  return { tag, type: 5, count: values.length, data };
}

/** A little-endian TIFF block with IFD0 and optional EXIF and GPS IFDs. */
function buildTiff(spec: { ifd0: IfdEntrySpec[]; exif?: IfdEntrySpec[]; gps?: IfdEntrySpec[] }): Buffer {
  const chunks: Buffer[] = [];
  let size = 8;
  const place = (data: Buffer): number => {
    const at = size;
    chunks.push(data);
    size += data.length;
    return at;
  };
  const writeIfd = (entries: IfdEntrySpec[]): number => {
    const sorted = [...entries].sort((a, b) => a.tag - b.tag);
    const ifd = Buffer.alloc(2 + sorted.length * 12 + 4);
    const at = place(ifd);
    ifd.writeUInt16LE(sorted.length, 0);
    sorted.forEach((entry, i) => {
      const p = 2 + i * 12;
      ifd.writeUInt16LE(entry.tag, p);
      ifd.writeUInt16LE(entry.type, p + 2);
      ifd.writeUInt32LE(entry.count, p + 4);
      if (entry.data.length <= 4) entry.data.copy(ifd, p + 8);
      else ifd.writeUInt32LE(place(entry.data), p + 8);
    });
    return at;
  };
  const pointer = (tag: number, at: number): IfdEntrySpec => {
    const data = Buffer.alloc(4);
    data.writeUInt32LE(at);
    return { tag, type: 4, count: 1, data };
  };
  // Sub-IFDs first, so IFD0 can point at them (IFD0 need not come first in the block).
  const extra: IfdEntrySpec[] = [];
  if (spec.exif) extra.push(pointer(0x8769, writeIfd(spec.exif)));
  if (spec.gps) extra.push(pointer(0x8825, writeIfd(spec.gps)));
  const ifd0 = writeIfd([...spec.ifd0, ...extra]);
  const header = Buffer.from('II*\0\0\0\0\0', 'latin1');
  header.writeUInt32LE(ifd0, 4);
  return Buffer.concat([header, ...chunks]);
}

/** A minimal JPEG: optional EXIF APP1, a baseline frame header with the given size, empty scan. */
function jpegWith(tiff: Buffer | undefined, width: number, height: number): Buffer {
  const parts: Buffer[] = [Buffer.from([0xff, 0xd8])];
  if (tiff) {
    const body = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
    const head = Buffer.from([0xff, 0xe1, 0, 0]);
    head.writeUInt16BE(body.length + 2, 2);
    parts.push(head, body);
  }
  const sof = Buffer.from([0xff, 0xc0, 0, 11, 8, 0, 0, 0, 0, 1, 1, 0x11, 0]);
  sof.writeUInt16BE(height, 5);
  sof.writeUInt16BE(width, 7);
  parts.push(sof, Buffer.from([0xff, 0xda, 0, 8, 1, 1, 0, 0, 0x3f, 0, 0xff, 0xd9]));
  return Buffer.concat(parts);
}

function withoutPngChunk(png: Buffer, type: string): Buffer {
  const kept: Buffer[] = [png.subarray(0, 8)];
  let p = 8;
  while (p + 12 <= png.length) {
    const length = png.readUInt32BE(p);
    const end = p + 12 + length;
    if (png.toString('latin1', p + 4, p + 8) !== type) kept.push(png.subarray(p, end));
    p = end;
  }
  return Buffer.concat(kept);
}
