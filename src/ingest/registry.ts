/**
 * The source formats Crosslink reads: an explicit list (no import side effects) that refuses
 * duplicate names at start-up, detection by the highest score, and lookup by name.
 */
import { UserError } from '../model/index.ts';
import { discordFormat } from './formats/discord.ts';
import { IRC_FORMATS } from './formats/irc/index.ts';
import { mediaFolderFormat } from './formats/media-folder.ts';
import { TABULAR_FORMATS } from './formats/tabular/index.ts';
import { telegramFormat } from './formats/telegram.ts';
import { whatsappFormat } from './formats/whatsapp.ts';
import { whatsappZipFormat } from './formats/whatsapp-zip.ts';
import type { Sample, SourceFormat } from './types.ts';

export function buildRegistry(formats: readonly SourceFormat[]): ReadonlyMap<string, SourceFormat> {
  const registry = new Map<string, SourceFormat>();
  for (const format of formats) {
    if (registry.has(format.name)) throw new Error(`source format '${format.name}' is registered twice`);
    registry.set(format.name, format);
  }
  return registry;
}

export const FORMATS: ReadonlyMap<string, SourceFormat> = buildRegistry([
  ...IRC_FORMATS,
  telegramFormat,
  discordFormat,
  whatsappFormat,
  whatsappZipFormat,
  ...TABULAR_FORMATS,
  mediaFolderFormat,
]);

export function formatByName(name: string): SourceFormat {
  const format = FORMATS.get(name);
  if (!format) throw new UserError(`unknown format '${name}' (known: ${[...FORMATS.keys()].join(', ')})`);
  return format;
}

/** The format that claims the sample most strongly, or undefined when none does. */
export function detectFormat(sample: Sample): { format: SourceFormat; score: number } | undefined {
  let best: { format: SourceFormat; score: number } | undefined;
  for (const format of FORMATS.values()) {
    let score = 0;
    try {
      score = format.detect(sample);
    } catch {
      score = 0; // A detector that trips over odd bytes simply does not claim the file.
    }
    if (score > 0 && (!best || score > best.score)) best = { format, score };
  }
  return best;
}
