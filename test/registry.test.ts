/**
 * Detection across the whole registry: every real sample export is claimed by its own format
 * and by no other as strongly, and files that are no evidence format are claimed by none.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readSample } from '../src/ingest/files.ts';
import { detectFormat, FORMATS } from '../src/ingest/index.ts';

// Joined as a path, not a URL: several sample names hold '#', which a URL would take as a fragment.
const SHARED = fileURLToPath(new URL('../../shared/testdata/', import.meta.url));
const shared = (path: string) => join(SHARED, path);

const SAMPLES: [string, string][] = [
  ['chat/irc/irssi_gardening.log', 'irc-irssi'],
  ['chat/irc/weechat_irc.libera.#gardening.weechatlog', 'irc-weechat'],
  ['chat/irc/znc/#gardening/2024-03-05.log', 'irc-znc'],
  ['chat/irc/mirc_#gardening.log', 'irc-mirc'],
  ['chat/irc/hexchat_libera-#gardening.log', 'irc-hexchat'],
  ['chat/telegram/test_single_export.json', 'telegram-json'],
  ['chat/telegram/test_batch_export.json', 'telegram-json'],
  ['chat/whatsapp/test_ddmmyy_24hrs.txt', 'whatsapp-txt'],
  ['chat/whatsapp/test_mmddyyyy_12hrs.txt', 'whatsapp-txt'],
  ['chat/whatsapp/test_yyyymmdd_24hrs.txt', 'whatsapp-txt'],
  ['er/fake_1000.csv', 'arrests-csv'],
  ['exif', 'media-folder'],
];

describe('format detection over the registry', () => {
  it.each(SAMPLES)('%s is %s, claimed more strongly than by any other format', async (path, expected) => {
    const sample = await readSample(shared(path));
    expect(detectFormat(sample)?.format.name).toBe(expected);
    const scores = [...FORMATS.values()].map((format) => [format.name, format.detect(sample)] as const);
    const best = scores.find(([name]) => name === expected)![1];
    for (const [name, score] of scores) if (name !== expected) expect(score, `${name} vs ${expected}`).toBeLessThan(best);
  });

  it.each(['hashsets/hashset.md5sum', 'hashsets/vics2_hashset_media.json', 'payments/card-types.json', 'README.md'])('%s is claimed by no format', async (path) => {
    expect(detectFormat(await readSample(shared(path)))).toBeUndefined();
  });
});
