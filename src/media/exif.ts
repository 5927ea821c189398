/**
 * EXIF summary of an image for linking cases: make, model and serial numbers (a camera body serial
 * is an identifier shared across cases), lens, capture time, GPS position (a location entity),
 * software, orientation and pixel size. Reads only the metadata segments (JPEG APP1, PNG eXIf,
 * HEIF/AVIF Exif item, WebP EXIF chunk, TIFF IFDs), never the pixels, and never throws on a file.
 *
 * Why a small reader of our own rather than exifr: on the shared test photos exifr drops a whole
 * IFD when one entry has an invalid type (the Sony DSC-HX5V photo loses make, model, time and GPS),
 * parses no maker notes (where Canon, Olympus, Panasonic, Reconyx and FLIR keep their serials),
 * reads no PNG eXIf chunk, and leaves a file handle open when a parse fails.
 */
import { open, type FileHandle } from 'node:fs/promises';

export interface GpsPosition {
  /** Decimal degrees, north positive. */
  readonly latitude: number;
  /** Decimal degrees, east positive. */
  readonly longitude: number;
  /** Metres above sea level (negative below), when recorded. */
  readonly altitude?: number;
}

export interface ExifSummary {
  readonly format: ImageFormat;
  readonly make?: string;
  readonly model?: string;
  /** The body serial number: EXIF BodySerialNumber, the IFD0/DNG serial, a maker note's or XMP's. */
  readonly serialNumber?: string;
  /** A maker's second, internal serial (Canon, Olympus, Panasonic, Fujifilm maker notes). */
  readonly internalSerialNumber?: string;
  /** EXIF CameraOwnerName: set by the owner in the camera menu. */
  readonly ownerName?: string;
  readonly lensMake?: string;
  readonly lensModel?: string;
  readonly lensSerialNumber?: string;
  /**
   * DateTimeOriginal exactly as written ("2020:05:04 18:39:11"): it has no zone, so it is kept
   * as text rather than turned into an instant that would silently read it as UTC.
   */
  readonly dateTimeOriginal?: string;
  /** OffsetTimeOriginal as written ("-04:00"), when present. */
  readonly offsetTimeOriginal?: string;
  /**
   * The capture time as ISO 8601 local time, with the offset when known
   * ("2020-05-04T18:39:11.644-04:00", or "2011-01-13T14:33:39" without one); absent when
   * DateTimeOriginal is not a valid date.
   */
  readonly captureTime?: string;
  readonly gps?: GpsPosition;
  readonly software?: string;
  /** EXIF orientation 1–8. */
  readonly orientation?: number;
  /** Pixel size of the stored image (JPEG frame, PNG header, HEIF primary item), else the EXIF one. */
  readonly width?: number;
  readonly height?: number;
  /** What was seen but not used, e.g. a 0,0 GPS position or damaged entries that were skipped. */
  readonly notes?: readonly string[];
}

export type ImageFormat = 'jpeg' | 'png' | 'heif' | 'webp' | 'tiff';

export interface ExifReadResult {
  /** null when the file is not an image we read, has no EXIF, or its EXIF cannot be read. */
  readonly exif: ExifSummary | null;
  /** Why a file that looked like an image gave nothing (damaged, unreadable): for the caller to note. */
  readonly problem?: string;
}

/** The EXIF summary of a file, or null (not an image, no EXIF, or damaged). Never throws. */
export async function readExif(file: string): Promise<ExifSummary | null> {
  return (await inspectExif(file)).exif;
}

/** Like readExif, but says why a file that looked like an image gave nothing. Never throws. */
export async function inspectExif(file: string): Promise<ExifReadResult> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    return { exif: null, problem: `cannot open: ${messageOf(error)}` };
  }
  try {
    const { size } = await handle.stat();
    return await inspect(new FileSource(handle, size));
  } catch (error) {
    return { exif: null, problem: `cannot read: ${messageOf(error)}` };
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/** The EXIF summary of an image held in memory. Never throws. */
export async function exifFromBuffer(bytes: Uint8Array): Promise<ExifReadResult> {
  try {
    return await inspect(new BufferSource(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)));
  } catch (error) {
    return { exif: null, problem: `cannot read: ${messageOf(error)}` };
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

// ---------------------------------------------------------------------------------------------
// Random access to the file, so only the metadata segments are read.

interface ByteSource {
  readonly size: number;
  /** Up to `length` bytes from `position` (fewer at the end of the file). */
  read(position: number, length: number): Promise<Buffer>;
}

const EMPTY = Buffer.alloc(0);
/** Each disk read fetches at least this much, so walking small JPEG segments costs one or two reads. */
const READ_AHEAD = 64 * 1024;
/** How much of a TIFF-based file (TIFF, DNG, NEF, CR2, ORF, RW2) is read for its IFDs. */
const TIFF_HEAD = 4 * 1024 * 1024;
/** One metadata block (an EXIF segment, a HEIF meta box) larger than this is not read. */
const MAX_BLOCK = 16 * 1024 * 1024;

class FileSource implements ByteSource {
  private window: Buffer = EMPTY;
  private windowStart = 0;

  constructor(
    private readonly handle: FileHandle,
    readonly size: number,
  ) {}

  async read(position: number, length: number): Promise<Buffer> {
    if (!(position >= 0) || !(length > 0) || position >= this.size) return EMPTY;
    const wanted = Math.min(length, this.size - position);
    const offset = position - this.windowStart;
    if (offset >= 0 && offset + wanted <= this.window.length) return this.window.subarray(offset, offset + wanted);
    // A fresh buffer each time: slices handed out earlier stay valid.
    const buffer = Buffer.allocUnsafe(Math.min(Math.max(wanted, READ_AHEAD), this.size - position));
    const { bytesRead } = await this.handle.read(buffer, 0, buffer.length, position);
    this.window = buffer.subarray(0, bytesRead);
    this.windowStart = position;
    return this.window.subarray(0, Math.min(wanted, bytesRead));
  }
}

class BufferSource implements ByteSource {
  readonly size: number;
  constructor(private readonly bytes: Buffer) {
    this.size = bytes.length;
  }
  read(position: number, length: number): Promise<Buffer> {
    if (!(position >= 0) || !(length > 0)) return Promise.resolve(EMPTY);
    return Promise.resolve(this.bytes.subarray(position, position + length));
  }
}

// ---------------------------------------------------------------------------------------------
// Containers: find the TIFF (EXIF) block, XMP, FLIR data and the pixel size.

interface Found {
  format: ImageFormat;
  tiff?: Buffer;
  xmp?: string;
  width?: number;
  height?: number;
  flir?: FlirInfo;
  notes: string[];
}

async function inspect(source: ByteSource): Promise<ExifReadResult> {
  const head = await source.read(0, 32);
  let found: Found | undefined;
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) found = await scanJpeg(source);
  else if (head.length >= 8 && head.subarray(0, 8).equals(PNG_SIGNATURE)) found = await scanPng(source);
  else if (head.length >= 12 && head.toString('latin1', 4, 8) === 'ftyp' && HEIF_BRANDS.has(head.toString('latin1', 8, 12)))
    found = await scanHeif(source);
  else if (head.length >= 12 && head.toString('latin1', 0, 4) === 'RIFF' && head.toString('latin1', 8, 12) === 'WEBP') found = await scanWebp(source);
  else if (head.length >= 8 && tiffByteOrder(head) !== undefined) {
    // TIFF-based raw files keep their IFDs near the start; offsets past this block are skipped.
    found = { format: 'tiff', tiff: await source.read(0, Math.min(source.size, TIFF_HEAD)), notes: [] };
  }
  if (!found) return { exif: null };
  if (!found.tiff) return { exif: null };
  const summary = summarise(found);
  if (!summary) return { exif: null, problem: 'damaged EXIF block (no readable TIFF header or first IFD)' };
  return { exif: summary };
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const HEIF_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'mif1', 'msf1', 'avif', 'avis', 'mif2']);
const EXIF_HEADER = Buffer.from('Exif\0', 'latin1');
const XMP_HEADER = Buffer.from('http://ns.adobe.com/xap/1.0/\0', 'latin1');
const FLIR_HEADER = Buffer.from('FLIR\0', 'latin1');
/** A corrupt file cannot make a walk loop longer than this. */
const MAX_SEGMENTS = 4096;

function isSof(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

async function scanJpeg(source: ByteSource): Promise<Found> {
  const found: Found = { format: 'jpeg', notes: [] };
  const flirParts: FlirPart[] = [];
  let position = 2;
  for (let segments = 0; segments < MAX_SEGMENTS && position + 4 <= source.size; segments++) {
    const marker = await source.read(position, 4);
    if (marker.length < 4 || marker[0] !== 0xff) break;
    const code = marker[1] as number;
    if (code === 0xff) {
      position++; // fill byte
      continue;
    }
    if (code === 0xd8 || code === 0x01 || (code >= 0xd0 && code <= 0xd7)) {
      position += 2;
      continue;
    }
    if (code === 0xda || code === 0xd9) break; // image data or end: no metadata follows in a normal file
    const length = marker.readUInt16BE(2);
    if (length < 2) break;
    const start = position + 4;
    const size = length - 2;
    if (code === 0xe1) {
      const signature = await source.read(start, Math.min(size, XMP_HEADER.length));
      if (!found.tiff && startsWith(signature, EXIF_HEADER) && size > 6) {
        found.tiff = Buffer.from(await source.read(start + 6, size - 6));
      } else if (found.xmp === undefined && startsWith(signature, XMP_HEADER)) {
        found.xmp = (await source.read(start + XMP_HEADER.length, size - XMP_HEADER.length)).toString('utf8');
      } else if (startsWith(signature, FLIR_HEADER) && size > 8) {
        flirParts.push({ start: start + 8, length: size - 8 });
      }
    } else if (isSof(code) && found.width === undefined) {
      const frame = await source.read(start, 5);
      if (frame.length === 5) {
        found.height = frame.readUInt16BE(1);
        found.width = frame.readUInt16BE(3);
      }
    }
    position = start + size;
  }
  if (flirParts.length > 0) found.flir = await readFlir(source, flirParts);
  return found;
}

async function scanPng(source: ByteSource): Promise<Found> {
  const found: Found = { format: 'png', notes: [] };
  let position = 8;
  for (let chunks = 0; chunks < MAX_SEGMENTS * 4 && position + 8 <= source.size; chunks++) {
    const header = await source.read(position, 8);
    if (header.length < 8) break;
    const length = header.readUInt32BE(0);
    const type = header.toString('latin1', 4, 8);
    const start = position + 8;
    if (type === 'IHDR' && length >= 8) {
      const data = await source.read(start, 8);
      if (data.length === 8) {
        found.width = data.readUInt32BE(0);
        found.height = data.readUInt32BE(4);
      }
    } else if (type === 'eXIf' && !found.tiff && length <= MAX_BLOCK) {
      found.tiff = Buffer.from(await source.read(start, length));
    } else if (type === 'iTXt' && found.xmp === undefined && length <= MAX_BLOCK) {
      const data = await source.read(start, length);
      if (data.toString('latin1', 0, 18) === 'XML:com.adobe.xmp\0') found.xmp = data.toString('utf8');
    } else if (type === 'IEND') break;
    position = start + length + 4; // data, then CRC
  }
  return found;
}

async function scanWebp(source: ByteSource): Promise<Found> {
  const found: Found = { format: 'webp', notes: [] };
  let position = 12;
  for (let chunks = 0; chunks < MAX_SEGMENTS && position + 8 <= source.size; chunks++) {
    const header = await source.read(position, 8);
    if (header.length < 8) break;
    const type = header.toString('latin1', 0, 4);
    const length = header.readUInt32LE(4);
    const start = position + 8;
    if (type === 'VP8X' && length >= 10) {
      const data = await source.read(start, 10);
      if (data.length === 10) {
        found.width = 1 + data.readUIntLE(4, 3);
        found.height = 1 + data.readUIntLE(7, 3);
      }
    } else if (type === 'VP8 ' && found.width === undefined && length >= 10) {
      const data = await source.read(start, 10);
      if (data.length === 10) {
        found.width = data.readUInt16LE(6) & 0x3fff;
        found.height = data.readUInt16LE(8) & 0x3fff;
      }
    } else if (type === 'VP8L' && found.width === undefined && length >= 5) {
      const data = await source.read(start, 5);
      if (data.length === 5) {
        const bits = data.readUInt32LE(1);
        found.width = (bits & 0x3fff) + 1;
        found.height = ((bits >>> 14) & 0x3fff) + 1;
      }
    } else if (type === 'EXIF' && !found.tiff && length <= MAX_BLOCK) {
      let data = await source.read(start, length);
      if (startsWith(data, EXIF_HEADER)) data = data.subarray(6); // some writers keep the JPEG prefix
      found.tiff = Buffer.from(data);
    } else if (type === 'XMP ' && found.xmp === undefined && length <= MAX_BLOCK) {
      found.xmp = (await source.read(start, length)).toString('utf8');
    }
    position = start + length + (length % 2);
  }
  return found;
}

// HEIF/AVIF (ISO base media): the Exif item is found through meta → iinf (its id) → iloc (where).

interface Box {
  readonly type: string;
  /** Start of the box's payload (after size, type and any large size). */
  readonly start: number;
  readonly end: number;
}

/** The boxes inside `data[from, to)`; a box running past `to` is cut there. */
function boxesIn(data: Buffer, from: number, to: number): Box[] {
  const boxes: Box[] = [];
  let position = from;
  while (position + 8 <= to && boxes.length < MAX_SEGMENTS) {
    let size = data.readUInt32BE(position);
    const type = data.toString('latin1', position + 4, position + 8);
    let start = position + 8;
    if (size === 1) {
      if (position + 16 > to) break;
      size = Number(data.readBigUInt64BE(position + 8));
      start = position + 16;
    } else if (size === 0) size = to - position;
    if (size < start - position) break;
    const end = Math.min(position + size, to);
    boxes.push({ type, start, end });
    position += size;
  }
  return boxes;
}

async function scanHeif(source: ByteSource): Promise<Found> {
  const found: Found = { format: 'heif', notes: [] };
  // Top-level boxes: read their headers one by one (mdat may be gigabytes) to find 'meta'.
  let position = 0;
  let meta: Buffer | undefined;
  for (let boxes = 0; boxes < MAX_SEGMENTS && position + 8 <= source.size; boxes++) {
    const header = await source.read(position, 16);
    if (header.length < 8) break;
    let size = header.readUInt32BE(0);
    const type = header.toString('latin1', 4, 8);
    let headerSize = 8;
    if (size === 1 && header.length >= 16) {
      size = Number(header.readBigUInt64BE(8));
      headerSize = 16;
    } else if (size === 0) size = source.size - position;
    if (size < headerSize) break;
    if (type === 'meta') {
      if (size > MAX_BLOCK) {
        found.notes.push('HEIF meta box too large to read');
        return found;
      }
      meta = await source.read(position, size);
      break;
    }
    position += size;
  }
  if (!meta || meta.length < 12) return found;
  // 'meta' is a full box: 4 bytes of version and flags before its children.
  const children = boxesIn(meta, 12, meta.length);
  const child = (type: string): Box | undefined => children.find((box) => box.type === type);
  const primary = readPrimaryItem(meta, child('pitm'));
  const exifItem = findExifItem(meta, child('iinf'));
  const locations = readItemLocations(meta, child('iloc'));
  const size = readItemSize(meta, child('iprp'), primary);
  if (size) {
    found.width = size.width;
    found.height = size.height;
  }
  if (exifItem === undefined) return found;
  const location = locations.get(exifItem);
  if (!location || location.length <= 4 || location.length > MAX_BLOCK) return found;
  let payload: Buffer;
  if (location.method === 1) {
    const idat = child('idat');
    if (!idat) return found;
    payload = meta.subarray(idat.start + location.offset, Math.min(idat.end, idat.start + location.offset + location.length));
  } else if (location.method === 0) payload = await source.read(location.offset, location.length);
  else return found;
  if (payload.length <= 4) return found;
  // The Exif item starts with the offset of the TIFF header within the rest of the item.
  const tiffStart = 4 + payload.readUInt32BE(0);
  if (tiffStart < payload.length) found.tiff = Buffer.from(payload.subarray(tiffStart));
  return found;
}

function fullBoxVersion(data: Buffer, box: Box): number {
  return box.start < box.end ? (data[box.start] as number) : -1;
}

function readPrimaryItem(data: Buffer, pitm: Box | undefined): number | undefined {
  if (!pitm || pitm.end - pitm.start < 6) return undefined;
  return fullBoxVersion(data, pitm) === 0 ? data.readUInt16BE(pitm.start + 4) : data.readUInt32BE(pitm.start + 4);
}

function findExifItem(data: Buffer, iinf: Box | undefined): number | undefined {
  if (!iinf) return undefined;
  const version = fullBoxVersion(data, iinf);
  const entriesStart = iinf.start + 4 + (version === 0 ? 2 : 4);
  for (const infe of boxesIn(data, entriesStart, iinf.end)) {
    if (infe.type !== 'infe' || infe.end - infe.start < 12) continue;
    const infeVersion = fullBoxVersion(data, infe);
    if (infeVersion < 2) continue;
    const idSize = infeVersion === 2 ? 2 : 4;
    const id = idSize === 2 ? data.readUInt16BE(infe.start + 4) : data.readUInt32BE(infe.start + 4);
    const typeAt = infe.start + 4 + idSize + 2;
    if (typeAt + 4 <= infe.end && data.toString('latin1', typeAt, typeAt + 4) === 'Exif') return id;
  }
  return undefined;
}

interface ItemLocation {
  readonly method: number;
  readonly offset: number;
  readonly length: number;
}

function readItemLocations(data: Buffer, iloc: Box | undefined): Map<number, ItemLocation> {
  const locations = new Map<number, ItemLocation>();
  if (!iloc || iloc.end - iloc.start < 8) return locations;
  const version = fullBoxVersion(data, iloc);
  let p = iloc.start + 4;
  const readSized = (bytes: number): number => {
    if (p + bytes > iloc.end) throw new RangeError('iloc cut short');
    let value = 0;
    for (let i = 0; i < bytes; i++) value = value * 256 + (data[p + i] as number);
    p += bytes;
    return value;
  };
  try {
    const sizes = readSized(2);
    const offsetSize = sizes >> 12;
    const lengthSize = (sizes >> 8) & 0xf;
    const baseOffsetSize = (sizes >> 4) & 0xf;
    const indexSize = version === 1 || version === 2 ? sizes & 0xf : 0;
    const count = version < 2 ? readSized(2) : readSized(4);
    for (let i = 0; i < count && i < MAX_SEGMENTS * 16; i++) {
      const id = version < 2 ? readSized(2) : readSized(4);
      const method = version === 1 || version === 2 ? readSized(2) & 0xf : 0;
      readSized(2); // data reference index
      const base = readSized(baseOffsetSize);
      const extents = readSized(2);
      // With all field sizes zero an extent takes no bytes: cap the count so a bad box cannot spin.
      const extentBytes = indexSize + offsetSize + lengthSize;
      if (extentBytes === 0 && extents > 1) break;
      let first: ItemLocation | undefined;
      for (let e = 0; e < extents; e++) {
        if (indexSize > 0) readSized(indexSize);
        const offset = readSized(offsetSize);
        const length = readSized(lengthSize);
        // Exif items have one extent; a split one is read from its first extent only.
        first ??= { method, offset: base + offset, length };
      }
      if (first) locations.set(id, first);
    }
  } catch {
    // A cut iloc keeps the locations read so far.
  }
  return locations;
}

function readItemSize(data: Buffer, iprp: Box | undefined, item: number | undefined): { width: number; height: number } | undefined {
  if (!iprp || item === undefined) return undefined;
  const parts = boxesIn(data, iprp.start, iprp.end);
  const ipco = parts.find((box) => box.type === 'ipco');
  const ipma = parts.find((box) => box.type === 'ipma');
  if (!ipco || !ipma || ipma.end - ipma.start < 8) return undefined;
  const properties = boxesIn(data, ipco.start, ipco.end);
  const version = fullBoxVersion(data, ipma);
  const wideIndex = (data[ipma.start + 3] as number) & 1;
  let p = ipma.start + 4;
  const count = data.readUInt32BE(p);
  p += 4;
  for (let i = 0; i < count && p < ipma.end; i++) {
    if (p + (version < 1 ? 3 : 5) > ipma.end) return undefined;
    const id = version < 1 ? data.readUInt16BE(p) : data.readUInt32BE(p);
    p += version < 1 ? 2 : 4;
    const associations = data[p] as number;
    p += 1;
    let width: number | undefined;
    let height: number | undefined;
    let rotation = 0;
    for (let a = 0; a < associations; a++) {
      if (p + (wideIndex ? 2 : 1) > ipma.end) return undefined;
      const index = wideIndex ? data.readUInt16BE(p) & 0x7fff : (data[p] as number) & 0x7f;
      p += wideIndex ? 2 : 1;
      if (id !== item) continue;
      const property = properties[index - 1]; // property indices are 1-based
      if (property?.type === 'ispe' && property.end - property.start >= 12) {
        width = data.readUInt32BE(property.start + 4);
        height = data.readUInt32BE(property.start + 8);
      } else if (property?.type === 'irot' && property.end > property.start) rotation = (data[property.start] as number) & 3;
    }
    if (id === item && width !== undefined && height !== undefined) {
      // irot turns the image a quarter anticlockwise per step: an odd count swaps the sides.
      return rotation % 2 === 1 ? { width: height, height: width } : { width, height };
    }
  }
  return undefined;
}

// FLIR thermal cameras keep serials and the capture time in an FFF record split over APP1 segments.

interface FlirPart {
  readonly start: number;
  readonly length: number;
}

interface FlirInfo {
  readonly serialNumber?: string;
  readonly model?: string;
  readonly lensModel?: string;
  readonly lensSerialNumber?: string;
  readonly dateTimeOriginal?: string;
  readonly offset?: string;
  readonly subSeconds?: string;
}

async function readFlir(source: ByteSource, parts: readonly FlirPart[]): Promise<FlirInfo | undefined> {
  // Reads `length` bytes at an offset in the FFF data, which is the concatenation of the parts.
  const readFff = async (offset: number, length: number): Promise<Buffer> => {
    const pieces: Buffer[] = [];
    let skip = offset;
    let wanted = length;
    for (const part of parts) {
      if (wanted <= 0) break;
      if (skip >= part.length) {
        skip -= part.length;
        continue;
      }
      const take = Math.min(part.length - skip, wanted);
      pieces.push(await source.read(part.start + skip, take));
      wanted -= take;
      skip = 0;
    }
    return Buffer.concat(pieces);
  };
  const header = await readFff(0, 0x40);
  if (header.length < 0x40 || header.toString('latin1', 0, 4) !== 'FFF\0') return undefined;
  // The byte order is the one in which the format version reads as 1xx.
  let little = false;
  const versionIn = (le: boolean): number => (le ? header.readUInt32LE(0x14) : header.readUInt32BE(0x14));
  if (!(versionIn(false) >= 100 && versionIn(false) < 200)) {
    if (!(versionIn(true) >= 100 && versionIn(true) < 200)) return undefined;
    little = true;
  }
  const u32 = (b: Buffer, at: number, le: boolean): number => (le ? b.readUInt32LE(at) : b.readUInt32BE(at));
  const directoryAt = u32(header, 0x18, little);
  const entries = Math.min(u32(header, 0x1c, little), 1024);
  const directory = await readFff(directoryAt, entries * 0x20);
  for (let i = 0; i + 0x20 <= directory.length; i += 0x20) {
    const type = little ? directory.readUInt16LE(i) : directory.readUInt16BE(i);
    if (type !== 0x20) continue; // CameraInfo
    const at = u32(directory, i + 0x0c, little);
    const length = u32(directory, i + 0x10, little);
    const record = await readFff(at, Math.min(length, 0x1000));
    if (record.length < 0x38e) return undefined;
    // The record's own byte order: its first word reads as 2 when right.
    const le = record.readUInt16LE(0) === 2 ? true : record.readUInt16BE(0) === 2 ? false : little;
    const text = (from: number, size: number): string | undefined => cleanText(record.subarray(from, from + size));
    const info: { -readonly [K in keyof FlirInfo]: FlirInfo[K] } = {
      model: text(0xd4, 32),
      serialNumber: text(0x104, 16),
      lensModel: text(0x170, 32),
      lensSerialNumber: text(0x1a0, 16),
    };
    const seconds = u32(record, 0x384, le);
    const milliseconds = u32(record, 0x388, le) & 0xffff;
    const zoneMinutes = le ? record.readInt16LE(0x38c) : record.readInt16BE(0x38c);
    if (seconds > 0 && Math.abs(zoneMinutes) <= 14 * 60) {
      // The record holds UTC seconds and the zone as minutes west; show the local time as written.
      const local = new Date((seconds - zoneMinutes * 60) * 1000);
      const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
      const offset = formatOffset(-zoneMinutes);
      info.subSeconds = pad(milliseconds % 1000, 3);
      info.offset = offset;
      info.dateTimeOriginal =
        `${pad(local.getUTCFullYear(), 4)}:${pad(local.getUTCMonth() + 1)}:${pad(local.getUTCDate())} ` +
        `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}.${info.subSeconds}${offset}`;
    }
    return info;
  }
  return undefined;
}

function formatOffset(minutesEast: number): string {
  const sign = minutesEast < 0 ? '-' : '+';
  const total = Math.abs(minutesEast);
  return `${sign}${String(Math.floor(total / 60)).padStart(2, '0')}:${String(total % 60).padStart(2, '0')}`;
}

// ---------------------------------------------------------------------------------------------
// TIFF / EXIF IFDs. Every offset is checked against the block; a bad entry is skipped, not fatal.

/** Bytes per value of each TIFF type (index = type number); 0 = unknown type. */
const TYPE_SIZES = [0, 1, 1, 2, 4, 8, 1, 1, 2, 4, 8, 4, 8, 4];
const ASCII = 2;
const MAX_IFD_ENTRIES = 1000;

interface Entry {
  readonly tag: number;
  readonly type: number;
  readonly count: number;
  /** Where the value's bytes start in the block. */
  readonly at: number;
}

/** A view of a TIFF-structured block with its byte order and the base that offsets count from. */
class Ifds {
  damaged = 0;

  constructor(
    readonly data: Buffer,
    readonly little: boolean,
    /** Offsets stored in the IFDs count from here (the TIFF header, or a maker note's own header). */
    readonly base: number,
  ) {}

  u16(at: number): number {
    return this.little ? this.data.readUInt16LE(at) : this.data.readUInt16BE(at);
  }

  u32(at: number): number {
    return this.little ? this.data.readUInt32LE(at) : this.data.readUInt32BE(at);
  }

  /** The entries of the IFD at absolute position `at`, or undefined if there is none there. */
  read(at: number): Map<number, Entry> | undefined {
    if (!(at >= 0) || at + 2 > this.data.length) return undefined;
    const count = this.u16(at);
    if (count === 0 || count > MAX_IFD_ENTRIES) return undefined;
    const entries = new Map<number, Entry>();
    for (let i = 0; i < count; i++) {
      const p = at + 2 + i * 12;
      if (p + 12 > this.data.length) {
        this.damaged++; // the IFD runs past the block: keep what was read
        break;
      }
      const tag = this.u16(p);
      const type = this.u16(p + 2);
      const valueCount = this.u32(p + 4);
      const unit = TYPE_SIZES[type] ?? 0;
      if (unit === 0) {
        this.damaged++;
        continue;
      }
      const bytes = unit * valueCount;
      const valueAt = bytes <= 4 ? p + 8 : this.base + this.u32(p + 8);
      if (bytes > this.data.length || valueAt + bytes > this.data.length) {
        this.damaged++;
        continue;
      }
      if (!entries.has(tag)) entries.set(tag, { tag, type, count: valueCount, at: valueAt });
    }
    return entries;
  }

  /** Whether an IFD plausibly starts at `at` in this byte order (sane entry count, known first type). */
  looksLikeIfd(at: number): boolean {
    if (!(at >= 0) || at + 14 > this.data.length) return false;
    const count = this.u16(at);
    const firstType = this.u16(at + 4);
    return count > 0 && count <= 512 && firstType >= 1 && firstType < TYPE_SIZES.length;
  }

  /** Position of the IFD that follows the one at `at` (0 if none). */
  next(at: number): number {
    if (at + 2 > this.data.length) return 0;
    const end = at + 2 + this.u16(at) * 12;
    return end + 4 <= this.data.length ? this.u32(end) : 0;
  }

  /** The sub-IFD an entry points to (a LONG/IFD offset from the base). */
  child(entry: Entry | undefined): Map<number, Entry> | undefined {
    const offset = this.number(entry);
    return offset === undefined ? undefined : this.read(this.base + offset);
  }

  bytes(entry: Entry): Buffer {
    return this.data.subarray(entry.at, entry.at + (TYPE_SIZES[entry.type] ?? 0) * entry.count);
  }

  /** The numbers of a numeric entry; a rational with a zero denominator is NaN. */
  numbers(entry: Entry | undefined): number[] {
    if (!entry) return [];
    const out: number[] = [];
    const { data, little } = this;
    const n = Math.min(entry.count, 64);
    for (let i = 0; i < n; i++) {
      const p = entry.at + i * (TYPE_SIZES[entry.type] ?? 0);
      switch (entry.type) {
        case 1:
        case 7:
          out.push(data[p] as number);
          break;
        case 6:
          out.push(data.readInt8(p));
          break;
        case 3:
          out.push(this.u16(p));
          break;
        case 8:
          out.push(little ? data.readInt16LE(p) : data.readInt16BE(p));
          break;
        case 4:
        case 13:
          out.push(this.u32(p));
          break;
        case 9:
          out.push(little ? data.readInt32LE(p) : data.readInt32BE(p));
          break;
        case 5:
        case 10: {
          const signed = entry.type === 10;
          const num = signed ? (little ? data.readInt32LE(p) : data.readInt32BE(p)) : this.u32(p);
          const den = signed ? (little ? data.readInt32LE(p + 4) : data.readInt32BE(p + 4)) : this.u32(p + 4);
          out.push(den === 0 ? Number.NaN : num / den);
          break;
        }
        case 11:
          out.push(little ? data.readFloatLE(p) : data.readFloatBE(p));
          break;
        case 12:
          out.push(little ? data.readDoubleLE(p) : data.readDoubleBE(p));
          break;
        default:
          return out;
      }
    }
    return out;
  }

  number(entry: Entry | undefined): number | undefined {
    const value = this.numbers(entry)[0];
    return value === undefined || Number.isNaN(value) ? undefined : value;
  }

  /** Text of an ASCII/UNDEFINED entry (cut at the first NUL, trimmed), or a number as text. */
  text(entry: Entry | undefined): string | undefined {
    if (!entry) return undefined;
    if (entry.type === ASCII || entry.type === 7 || entry.type === 1) return cleanText(this.bytes(entry));
    const value = this.number(entry);
    return value === undefined ? undefined : String(value);
  }
}

/** Bytes as trimmed text: cut at the first NUL; UTF-8 when valid, else Latin-1; control characters dropped. */
function cleanText(bytes: Buffer): string | undefined {
  const nul = bytes.indexOf(0);
  const raw = nul === -1 ? bytes : bytes.subarray(0, nul);
  let text = raw.toString('utf8');
  if (text.includes('\ufffd')) text = raw.toString('latin1');
  // eslint-disable-next-line no-control-regex -- stripping control characters is the point
  text = text.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return text === '' ? undefined : text;
}

function tiffByteOrder(data: Buffer): boolean | undefined {
  if (data.length < 8) return undefined;
  const order = data.toString('latin1', 0, 2);
  const little = order === 'II' ? true : order === 'MM' ? false : undefined;
  if (little === undefined) return undefined;
  const magic = little ? data.readUInt16LE(2) : data.readUInt16BE(2);
  // 42 is TIFF; Olympus ORF and Panasonic RW2 raw files use their own magic numbers.
  return magic === 42 || magic === 0x4f52 || magic === 0x5352 || magic === 0x55 ? little : undefined;
}

const TAG = {
  imageWidth: 0x0100,
  imageHeight: 0x0101,
  make: 0x010f,
  model: 0x0110,
  orientation: 0x0112,
  software: 0x0131,
  xmp: 0x02bc,
  exifIfd: 0x8769,
  gpsIfd: 0x8825,
  dateTimeOriginal: 0x9003,
  offsetTimeOriginal: 0x9011,
  subSecTimeOriginal: 0x9291,
  makerNote: 0x927c,
  pixelWidth: 0xa002,
  pixelHeight: 0xa003,
  ownerName: 0xa430,
  bodySerialNumber: 0xa431,
  lensMake: 0xa433,
  lensModel: 0xa434,
  lensSerialNumber: 0xa435,
  dngCameraSerialNumber: 0xc62f,
} as const;

interface MakerInfo {
  serialNumber?: string;
  internalSerialNumber?: string;
  lensModel?: string;
  lensSerialNumber?: string;
}

function summarise(found: Found): ExifSummary | null {
  const block = found.tiff as Buffer;
  const little = tiffByteOrder(block);
  if (little === undefined) return null;
  const ifds = new Ifds(block, little, 0);
  const ifd0At = ifds.u32(4);
  const ifd0 = ifds.read(ifd0At);
  if (!ifd0) return null;
  const ifd1At = ifds.next(ifd0At);
  const ifd1 = ifd1At > 8 && ifd1At !== ifd0At ? ifds.read(ifd1At) : undefined;
  const exif = ifds.child(ifd0.get(TAG.exifIfd)) ?? new Map<number, Entry>();
  const gpsIfd = ifds.child(ifd0.get(TAG.gpsIfd));
  const notes = [...found.notes];

  const make = ifds.text(ifd0.get(TAG.make));
  const model = ifds.text(ifd0.get(TAG.model));
  const maker = readMakerNote(ifds, exif.get(TAG.makerNote), make, model, notes);
  const xmp = found.xmp ?? xmpFromTiff(ifds, ifd0.get(TAG.xmp));
  const fromXmp = xmp === undefined ? {} : readXmp(xmp);
  const flir = found.flir;

  const raw = ifds.text(exif.get(TAG.dateTimeOriginal));
  const dateTimeOriginal = raw !== undefined && !/^[0:\s]*$/.test(raw) ? raw : flir?.dateTimeOriginal;
  const offsetTimeOriginal = raw !== undefined ? validOffset(ifds.text(exif.get(TAG.offsetTimeOriginal))) : flir?.offset;
  const subSeconds = raw !== undefined ? ifds.text(exif.get(TAG.subSecTimeOriginal)) : flir?.subSeconds;
  const gps = gpsIfd ? readGps(ifds, gpsIfd, notes) : undefined;
  const orientation = ifds.number(ifd0.get(TAG.orientation)) ?? (ifd1 ? ifds.number(ifd1.get(TAG.orientation)) : undefined);
  if (ifds.damaged > 0) notes.push(`${ifds.damaged} damaged EXIF entr${ifds.damaged === 1 ? 'y' : 'ies'} skipped`);

  const width = found.width ?? ifds.number(exif.get(TAG.pixelWidth)) ?? ifds.number(ifd0.get(TAG.imageWidth));
  const height = found.height ?? ifds.number(exif.get(TAG.pixelHeight)) ?? ifds.number(ifd0.get(TAG.imageHeight));
  const summary: { -readonly [K in keyof ExifSummary]: ExifSummary[K] } = {
    format: found.format,
    make: make ?? (flir ? 'FLIR' : undefined),
    model: model ?? flir?.model,
    serialNumber:
      ifds.text(exif.get(TAG.bodySerialNumber)) ??
      ifds.text(ifd0.get(TAG.bodySerialNumber)) ??
      ifds.text(ifd0.get(TAG.dngCameraSerialNumber)) ??
      maker.serialNumber ??
      flir?.serialNumber ??
      fromXmp.serialNumber,
    internalSerialNumber: maker.internalSerialNumber,
    ownerName: ifds.text(exif.get(TAG.ownerName)),
    lensMake: ifds.text(exif.get(TAG.lensMake)),
    lensModel: ifds.text(exif.get(TAG.lensModel)) ?? maker.lensModel ?? flir?.lensModel ?? fromXmp.lensModel,
    lensSerialNumber: ifds.text(exif.get(TAG.lensSerialNumber)) ?? maker.lensSerialNumber ?? flir?.lensSerialNumber ?? fromXmp.lensSerialNumber,
    dateTimeOriginal,
    offsetTimeOriginal,
    captureTime: dateTimeOriginal === undefined ? undefined : isoCaptureTime(dateTimeOriginal, subSeconds, offsetTimeOriginal),
    gps,
    software: ifds.text(ifd0.get(TAG.software)),
    orientation: orientation !== undefined && orientation >= 1 && orientation <= 8 ? orientation : undefined,
    width: width !== undefined && width > 0 ? width : undefined,
    height: height !== undefined && height > 0 ? height : undefined,
    notes: notes.length > 0 ? notes : undefined,
  };
  for (const key of Object.keys(summary) as (keyof ExifSummary)[]) if (summary[key] === undefined) delete summary[key];
  return summary;
}

function validOffset(text: string | undefined): string | undefined {
  return text !== undefined && /^[+-](0\d|1[0-4]):[0-5]\d$/.test(text) ? text : undefined;
}

/** "2020:05:04 18:39:11" (+ subseconds, offset) as ISO 8601; undefined when it is not a real date. */
export function isoCaptureTime(raw: string, subSeconds?: string, offset?: string): string | undefined {
  const match = /^(\d{4})[:-](\d{2})[:-](\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?([+-]\d{2}:\d{2}|Z)?$/.exec(raw.trim());
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s, inlineFraction, inlineOffset] = match as unknown as string[];
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (year < 1800 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 60) return undefined;
  const digits = inlineFraction ?? (subSeconds !== undefined && /^\d+$/.test(subSeconds.trim()) ? subSeconds.trim() : undefined);
  const zone = inlineOffset ?? offset;
  return `${y}-${mo}-${d}T${h}:${mi}:${s}${digits ? `.${digits}` : ''}${zone ?? ''}`;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function readGps(ifds: Ifds, gps: Map<number, Entry>, notes: string[]): GpsPosition | undefined {
  const coordinate = (valueTag: number, refTag: number, negative: string): number | undefined => {
    const parts = ifds.numbers(gps.get(valueTag));
    if (parts.length === 0 || parts.some((part) => !Number.isFinite(part) || part < 0)) return undefined;
    const value = (parts[0] ?? 0) + (parts[1] ?? 0) / 60 + (parts[2] ?? 0) / 3600;
    const ref = ifds.text(gps.get(refTag))?.toUpperCase();
    return ref === negative ? -value : value;
  };
  if (!gps.has(2) && !gps.has(4)) return undefined;
  const latitude = coordinate(2, 1, 'S');
  const longitude = coordinate(4, 3, 'W');
  if (latitude === undefined || longitude === undefined) {
    notes.push('GPS position unreadable (missing or zero-denominator values)');
    return undefined;
  }
  if (Math.abs(latitude) > 90 || Math.abs(longitude) > 180) {
    notes.push(`GPS position out of range (${latitude}, ${longitude})`);
    return undefined;
  }
  if (latitude === 0 && longitude === 0) {
    notes.push('GPS position 0,0 ignored (a receiver without a fix)');
    return undefined;
  }
  const altitudeValue = ifds.numbers(gps.get(6))[0];
  const below = ifds.numbers(gps.get(5))[0] === 1;
  const altitude = altitudeValue !== undefined && Number.isFinite(altitudeValue) ? (below ? -altitudeValue : altitudeValue) : undefined;
  return altitude === undefined ? { latitude, longitude } : { latitude, longitude, altitude };
}

function xmpFromTiff(ifds: Ifds, entry: Entry | undefined): string | undefined {
  return entry ? ifds.bytes(entry).toString('utf8') : undefined;
}

/** Camera facts XMP carries when EXIF does not (Adobe tools move the serial to aux:SerialNumber). */
function readXmp(xmp: string): MakerInfo {
  const property = (names: readonly string[]): string | undefined => {
    for (const name of names) {
      const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      const match = new RegExp(`${escaped}\\s*=\\s*"([^"]*)"|<${escaped}>([^<]*)</${escaped}>`).exec(xmp);
      const value = match ? (match[1] ?? match[2] ?? '').trim() : '';
      if (value !== '') return decodeXmlEntities(value);
    }
    return undefined;
  };
  return {
    serialNumber: property(['exifEX:BodySerialNumber', 'aux:SerialNumber']),
    lensModel: property(['exifEX:LensModel', 'aux:Lens']),
    lensSerialNumber: property(['exifEX:LensSerialNumber', 'aux:LensSerialNumber']),
  };
}

function decodeXmlEntities(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|apos);/g, (_, name: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" })[name] ?? '');
}

// ---------------------------------------------------------------------------------------------
// Maker notes: only the serial numbers and lens facts, for the makers whose layout is public.

function startsWith(data: Buffer, prefix: Buffer): boolean {
  return data.length >= prefix.length && data.subarray(0, prefix.length).equals(prefix);
}

function readMakerNote(ifds: Ifds, entry: Entry | undefined, make: string | undefined, model: string | undefined, notes: string[]): MakerInfo {
  if (!entry) return {};
  const { data } = ifds;
  const at = entry.at;
  const note = ifds.bytes(entry);
  const prefix = note.toString('latin1', 0, 16);
  const brand = (make ?? '').toUpperCase();
  try {
    if (prefix.startsWith('OLYMPUS\0') || prefix.startsWith('OM SYSTEM\0')) {
      // Newer Olympus/OM: own byte order after the header, offsets from the maker note's start.
      const headerSize = prefix.startsWith('OLYMPUS\0') ? 12 : 16;
      const order = note.toString('latin1', headerSize - 4, headerSize - 2);
      const olympus = new Ifds(data, order === 'II' ? true : order === 'MM' ? false : ifds.little, at);
      return olympusTags(olympus, olympus.read(at + headerSize));
    }
    if (prefix.startsWith('OLYMP\0') || prefix.startsWith('EPSON\0') || prefix.startsWith('MINOL\0')) {
      return olympusTags(ifds, ifds.read(at + 8));
    }
    if (prefix.startsWith('Nikon\0')) {
      // Nikon type 3 embeds a whole TIFF header at +10; offsets count from it.
      const inner = tiffByteOrder(note.subarray(10));
      if (inner === undefined) return {};
      const nikon = new Ifds(data, inner, at + 10);
      const tags = nikon.read(at + 10 + nikon.u32(at + 14));
      return tags ? { serialNumber: nikon.text(tags.get(0x001d)) } : {};
    }
    if (prefix.startsWith('Panasonic\0')) {
      const tags = ifds.read(at + 12);
      if (!tags) return {};
      return {
        internalSerialNumber: ifds.text(tags.get(0x0025)),
        lensModel: ifds.text(tags.get(0x0051)),
        lensSerialNumber: ifds.text(tags.get(0x0052)),
      };
    }
    if (prefix.startsWith('FUJIFILM')) {
      const fuji = new Ifds(data, true, at);
      const tags = fuji.read(at + fuji.u32(at + 8));
      return tags ? { internalSerialNumber: fuji.text(tags.get(0x0010)) } : {};
    }
    if (prefix.startsWith('RECONYXH2\0')) {
      return { serialNumber: utf16Text(note.subarray(0x7e, 0x7e + 30), true) };
    }
    if (prefix.startsWith('RECONYXUF\0')) {
      return { serialNumber: cleanText(note.subarray(0x4b, 0x4b + 15)) };
    }
    if (brand.startsWith('RECONYX') && note.length >= 0x48 && (note.readUInt16LE(0) === 0xf101 || note.readUInt16BE(0) === 0xf101)) {
      return { serialNumber: utf16Text(note.subarray(0x2a, 0x2a + 30), note.readUInt16LE(0) === 0xf101) };
    }
    if (brand.startsWith('CANON')) {
      // Canon maker notes may use the other byte order than the TIFF around them, and when an
      // editor has moved one, its footer ("II*\0" + the original offset) says by how much.
      const little = ifds.looksLikeIfd(at) ? ifds.little : !ifds.little;
      let base = ifds.base;
      const footer = note.subarray(note.length - 8);
      const footerOrder = tiffByteOrder(Buffer.concat([footer, Buffer.alloc(4)]));
      if (note.length > 8 && footerOrder !== undefined) {
        const original = footerOrder ? footer.readUInt32LE(4) : footer.readUInt32BE(4);
        base = ifds.base + (at - ifds.base - original);
      }
      const canon = new Ifds(data, little, base);
      return canonTags(canon, canon.read(at), model ?? '');
    }
  } catch {
    notes.push('maker note damaged');
  }
  return {};
}

function olympusTags(ifds: Ifds, tags: Map<number, Entry> | undefined): MakerInfo {
  if (!tags) return {};
  // 0x101a in the older (camera-era) layout, 0x0404 in some Epson/Minolta-style ones.
  const info: MakerInfo = { serialNumber: ifds.text(tags.get(0x101a)) ?? ifds.text(tags.get(0x0404)) };
  const equipmentEntry = tags.get(0x2010);
  if (equipmentEntry) {
    // The Equipment IFD is either pointed to (IFD/LONG) or stored inline as UNDEFINED bytes.
    const equipment = equipmentEntry.type === 7 ? ifds.read(equipmentEntry.at) : ifds.child(equipmentEntry);
    if (equipment) {
      info.serialNumber ??= ifds.text(equipment.get(0x0101));
      info.internalSerialNumber = ifds.text(equipment.get(0x0102));
      info.lensSerialNumber = ifds.text(equipment.get(0x0202));
      info.lensModel = ifds.text(equipment.get(0x0203));
    }
  }
  return info;
}

function canonTags(ifds: Ifds, tags: Map<number, Entry> | undefined, model: string): MakerInfo {
  if (!tags) return {};
  const info: MakerInfo = {
    internalSerialNumber: ifds.text(tags.get(0x0096)),
    lensModel: ifds.text(tags.get(0x0095)),
  };
  const serial = ifds.number(tags.get(0x000c));
  if (serial !== undefined && serial > 0) {
    // As Canon prints it on the body (ExifTool's formats): 10 digits, 6 on the EOS-1D.
    info.serialNumber = /EOS-1D/.test(model) ? String(serial).padStart(6, '0') : String(serial).padStart(10, '0');
  }
  const lensInfo = tags.get(0x4019);
  if (lensInfo && lensInfo.count >= 5) {
    const bytes = ifds.bytes(lensInfo).subarray(0, 5);
    if (bytes.some((byte) => byte !== 0)) info.lensSerialNumber = bytes.toString('hex');
  }
  return info;
}

function utf16Text(bytes: Buffer, little: boolean): string | undefined {
  const even = bytes.subarray(0, bytes.length - (bytes.length % 2));
  const swapped = little ? even : Buffer.from(even).swap16();
  return cleanText(Buffer.from(swapped.toString('utf16le'), 'utf8'));
}
