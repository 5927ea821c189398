/**
 * WhatsApp exports as the phones share them: a .zip holding the chat text (`_chat.txt` on
 * iOS, `WhatsApp Chat with X.txt` on Android) beside the media. The zip is the source (its
 * bytes are what custody records); the chat text inside is streamed through the .txt parser.
 */
import { basename, dirname, join } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { Unzip, UnzipInflate, type UnzipFile } from 'fflate';
import type { ParseInput, ParsedItem, Sample, SourceFormat } from '../types.ts';
import { whatsappFormat } from './whatsapp.ts';

const CHAT_ENTRY = /(^|\/)(_chat\.txt|WhatsApp[ -]Chat[^/]*\.txt)$/i;
const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

function detect(sample: Sample): number {
  if (sample.isDirectory || sample.head.length < 4 || !sample.head.subarray(0, 4).equals(ZIP_MAGIC)) return 0;
  // Entry names stand in clear in the local headers; the chat text is usually the first entry.
  const names = sample.head.toString('latin1');
  return /_chat\.txt|WhatsApp[ -]Chat/i.test(names) ? 0.9 : 0;
}

/** Streams the first chat entry of the zip; resolves with its name, or undefined when there is none. */
function openChatEntry(zip: Readable): { text: PassThrough; entry: Promise<string | undefined> } {
  const text = new PassThrough();
  let found: string | undefined;
  let settle: (name: string | undefined) => void = () => undefined;
  const entry = new Promise<string | undefined>((resolve) => (settle = resolve));
  const unzip = new Unzip((file: UnzipFile) => {
    if (found !== undefined || !CHAT_ENTRY.test(file.name)) return;
    found = file.name;
    settle(found);
    file.ondata = (error, data, final) => {
      if (error) {
        text.destroy(error);
        return;
      }
      if (data.length > 0) text.write(Buffer.from(data));
      if (final) text.end();
    };
    file.start();
  });
  unzip.register(UnzipInflate);
  zip.on('data', (chunk: Buffer) => {
    try {
      unzip.push(chunk);
    } catch (error) {
      text.destroy(error as Error);
      zip.destroy();
    }
  });
  zip.on('end', () => {
    try {
      unzip.push(new Uint8Array(0), true);
    } catch {
      // A truncated archive: whatever was read of the chat text stands.
    }
    if (found === undefined) settle(undefined);
    if (!text.writableEnded) text.end();
  });
  zip.on('error', (error) => text.destroy(error));
  return { text, entry };
}

async function* parse(input: ParseInput): AsyncIterable<ParsedItem> {
  const probe = openChatEntry(input.open());
  const name = await Promise.race([probe.entry, new Promise<undefined>((resolve) => probe.text.once('close', () => resolve(undefined)))]);
  probe.text.destroy();
  if (name === undefined) {
    yield { type: 'reject', reject: { line: 0, reason: 'the zip holds no WhatsApp chat text (_chat.txt or "WhatsApp Chat with ….txt")', raw: basename(input.path) } };
    return;
  }
  // `_chat.txt` is named after nothing: the room comes from the zip's own name.
  const chatPath = /(^|\/)_chat\.txt$/i.test(name) ? join(dirname(input.path), basename(input.path).replace(/\.zip$/i, '.txt')) : join(dirname(input.path), basename(name));
  // The .txt parser reads its input twice (a bounded first look at the date layout, then all of
  // it): each read decompresses the entry afresh, so nothing is held in memory.
  yield* whatsappFormat.parse({ path: chatPath, options: input.options, open: () => openChatEntry(input.open()).text });
}

export const whatsappZipFormat: SourceFormat = {
  name: 'whatsapp-zip',
  label: 'WhatsApp chat export (.zip)',
  detect,
  parse,
};
