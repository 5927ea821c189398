/**
 * Media from the command line: `hash` (file hashes, PDQ and EXIF of files, no store needed),
 * `match --case` (what a case's media match in other cases and hash sets), `hashset import|export`
 * and `categorise`. Never an image: hashes and metadata only.
 */
import type { Command } from 'commander';
import { describeNotice, raiseMediaHits } from '../access/index.ts';
import { UserError } from '../model/index.ts';
import { appendAudit } from '../store/index.ts';
import { acceptStoreOptions, currentActor, currentPrincipal, withStore, type StoreOptions } from './context.ts';
import { emit, table, type OutputOptions } from './output.ts';

const media = () => import('../media/index.ts');
const HASH_SET_FORMATS = ['vics', 'known-good', 'csv'] as const;
type HashSetFormatName = (typeof HASH_SET_FORMATS)[number];

function hashSetFormat(value: string | undefined): HashSetFormatName | undefined {
  if (value === undefined) return undefined;
  const name = value === 'nsrl' ? 'known-good' : value;
  if (!(HASH_SET_FORMATS as readonly string[]).includes(name)) throw new UserError(`--format '${value}' must be one of: vics, csv, known-good (or nsrl)`);
  return name as HashSetFormatName;
}

function threshold(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0 || number > 128) throw new UserError(`--threshold '${value}' must be a whole number of bits from 0 to 128 (PDQ default 31)`);
  return number;
}

/** The agency a categorisation or export belongs to: the acting user's. */
async function actingAgency(): Promise<string> {
  const agencyId = currentPrincipal()?.agencyId;
  if (!agencyId) throw new UserError('categories belong to an agency: act as a user of one (--token), not the node administrator');
  return agencyId;
}

export function registerMedia(program: Command): void {
  program
    .command('hash')
    .description('MD5, SHA-1, SHA-256, PDQ (with quality) and EXIF of files; nothing is stored')
    .argument('<files...>', 'image or other files')
    .option('--json', 'print as JSON: [{ file, md5, sha1, sha256, pdq, quality, exif }]')
    .action(async (files: string[], options: OutputOptions) => {
      const { hashFile, pdqFromFile, pdqFromFilesOnThreads, inspectExif } = await media();
      // Many files: PDQ on a worker thread per core (starting them costs more than a few files take).
      const pdqs = new Map<string, Awaited<ReturnType<typeof pdqFromFile>> | null>();
      if (files.length > 4) {
        for await (const item of pdqFromFilesOnThreads(files)) pdqs.set(item.file, item.ok ? item.result : null);
      }
      const results = [];
      for (const file of files) {
        const hashes = await hashFile(file).catch((error: NodeJS.ErrnoException) => {
          throw new UserError(`${file}: cannot read (${error.code ?? error.message})`);
        });
        const pdq = pdqs.has(file) ? pdqs.get(file)! : await pdqFromFile(file).catch(() => null);
        const exif = await inspectExif(file);
        results.push({ file, md5: hashes.md5, sha1: hashes.sha1, sha256: hashes.sha256, pdq: pdq?.hash ?? null, quality: pdq?.quality ?? null, exif: exif.exif });
      }
      emit(options, results, (list) =>
        list
          .map((r) =>
            [
              r.file,
              `  md5     ${r.md5}`,
              `  sha1    ${r.sha1}`,
              `  sha256  ${r.sha256}`,
              `  pdq     ${r.pdq ?? '(not an image it can decode)'}${r.quality === null ? '' : `  quality ${r.quality}${r.quality < 50 ? ' (too low to match)' : ''}`}`,
              ...(r.exif && (r.exif.make || r.exif.model || r.exif.serialNumber) ? [`  camera  ${[r.exif.make, r.exif.model, r.exif.serialNumber ? `serial ${r.exif.serialNumber}` : ''].filter(Boolean).join(' ')}`] : []),
              ...(r.exif?.captureTime ? [`  taken   ${r.exif.captureTime}`] : []),
              ...(r.exif?.gps ? [`  gps     ${r.exif.gps.latitude}, ${r.exif.gps.longitude}`] : []),
            ].join('\n'),
          )
          .join('\n'),
      );
    });

  // `match confirm|reject` (resolution decisions) and `match --case` share the name, as the issues do.
  const existing = program.commands.find((command) => command.name() === 'match');
  // Not a leaf (confirm|reject sit under it), yet it opens a store: it takes --db and --token too.
  acceptStoreOptions(existing ?? program.command('match'))
    .description("media matches of a case (--case), or an analyst's decision on a pair of person records (confirm|reject)")
    .option('--case <ref>', "the case whose media to match: the same file or a near-identical picture (PDQ) in other cases you may see, and hash-set entries")
    .option('--threshold <bits>', 'PDQ Hamming distance that counts as a match', '31')
    .option('--json', 'print as JSON: { matches: [{ media, hits: [{ where, signal, distance, case | set, … }] }], hits: [hit notices from cases you may not see] }')
    .action(async (options: OutputOptions & { case?: string; threshold: string }, command: Command) => {
      if (!options.case) throw new UserError("name a case (crosslink match --case REF) or a decision (crosslink match confirm|reject A B)");
      const caseRef = options.case;
      const bits = threshold(options.threshold);
      const { matchPendingMedia, mediaHits } = await media();
      const result = await withStore(command.optsWithGlobals<StoreOptions>(), 'initialised', async (store) => {
        // Finishes any matching an interrupted ingest left undone before answering.
        await matchPendingMedia(store.db);
        const hits = await mediaHits(store.db, caseRef, { threshold: bits, agencyId: currentPrincipal()?.agencyId ?? undefined });
        await appendAudit(store.db, { actor: currentActor(), action: 'media.match', details: { case: caseRef, threshold: bits, media: hits.length } });
        // Matches in cases the user may not see stay hidden; their holders' contacts come as notices.
        return { matches: hits, hits: await raiseMediaHits(store.db, caseRef, { threshold: bits }) };
      });
      const notices = result.hits.map(describeNotice).join('\n');
      emit(options, result, ({ matches: list }) =>
        (list.length === 0
          ? `No media of ${options.case} match anything else you may see.`
          : table(
              ['MEDIA', 'WHERE', 'SIGNAL', 'DISTANCE', 'DETAIL'],
              list.flatMap((item) =>
                item.hits.map((hit) => [
                  item.media.file,
                  hit.where === 'case' ? `${hit.case} (${hit.agency})` : `hash set ${hit.set}`,
                  hit.signal,
                  hit.distance,
                  hit.where === 'case' ? `${hit.file} ${hit.entity}` : [hit.category ? `category ${hit.category}` : '', hit.series ? `series ${hit.series}` : '', hit.victimIdentified ? 'victim identified' : ''].filter(Boolean).join(', '),
                ]),
              ),
            )) + (notices === '' ? '' : `\n${notices}`),
      );
    });

  const hashset = program.command('hashset').description('import and export hash sets (Project VIC VICS JSON, known-good/NSRL lists, CSV)');
  hashset
    .command('import')
    .description('import a hash set: VICS or CSV with categories, or a known-good list whose files are left out of review and matching')
    .argument('<file>', 'the hash-set file')
    .option('--format <format>', 'vics, csv or known-good (default: detected)')
    .option('--known-good', 'treat the file as a known-good list whatever its format')
    .option('--name <name>', 'a name for the set (default: the file name)')
    .option('--json', 'print the result as JSON')
    .action(async (file: string, options: OutputOptions & { format?: string; knownGood?: boolean; name?: string }, command: Command) => {
      const format = hashSetFormat(options.format);
      const { importHashSet } = await media();
      const result = await withStore(command.optsWithGlobals<StoreOptions>(), 'initialised', async (store) => {
        const imported = await importHashSet(store.db, file, { format, knownGood: options.knownGood, name: options.name, actor: currentActor() });
        if (!imported.skipped) await appendAudit(store.db, { actor: currentActor(), action: 'hashset.import', details: { set: imported.set, name: imported.name, kind: imported.kind, entries: imported.entries, rejects: imported.rejects.length } });
        return imported;
      });
      emit(options, { ...result, rejects: result.rejects.slice(0, 1000), rejectCount: result.rejects.length }, (r) =>
        [
          r.skipped ? `${file} was imported before as '${r.name}' (${r.entries} entries); nothing added.` : `Imported ${r.entries} entries from ${file} as ${r.kind === 'known_good' ? 'a known-good list' : 'a categorised set'} '${r.name}' (${r.format}).`,
          ...r.rejects.slice(0, 20).map((reject) => `  ${reject.file}:${reject.line}: ${reject.reason}`),
          ...(r.rejectCount > 20 ? [`  … and ${r.rejectCount - 20} more rejected lines (see --json)`] : []),
        ].join('\n'),
      );
    });

  hashset
    .command('export')
    .description("export your agency's categorised media hashes")
    .argument('<file>', 'file to write')
    .requiredOption('--format <format>', 'vics or csv')
    .option('--json', 'print the result as JSON')
    .action(async (file: string, options: OutputOptions & { format: string }, command: Command) => {
      const format = hashSetFormat(options.format);
      if (format === 'known-good') throw new UserError('export writes categorised sets: --format vics or csv');
      const { categorisedEntries, writeHashSetFile } = await media();
      const result = await withStore(command.optsWithGlobals<StoreOptions>(), 'initialised', async (store) => {
        const agencyId = await actingAgency();
        const written = await writeHashSetFile(file, format!, categorisedEntries(store.db, agencyId));
        await appendAudit(store.db, { actor: currentActor(), action: 'hashset.export', details: { file, format, entries: written.written } });
        return { file, format, entries: written.written };
      });
      emit(options, result, (r) => `Wrote ${r.entries} categorised hashes to ${r.file} (${r.format}).`);
    });

  program
    .command('categorise')
    .description("record a reviewer's category for a media file (by SHA-256); stored with who and when, the latest counts")
    .argument('<sha256>', "the file's SHA-256")
    .argument('<category>', 'the category (your scheme: a number or a label)')
    .option('--json', 'print the result as JSON')
    .action(async (sha256: string, category: string, options: OutputOptions, command: Command) => {
      const { categoriseMedia } = await media();
      const result = await withStore(command.optsWithGlobals<StoreOptions>(), 'initialised', async (store) => {
        const agencyId = await actingAgency();
        await categoriseMedia(store.db, { sha256, category, agencyId, actor: currentActor() });
        await appendAudit(store.db, { actor: currentActor(), action: 'media.categorise', agencyId, details: { sha256: sha256.toLowerCase(), category } });
        return { sha256: sha256.toLowerCase(), category, by: currentActor() };
      });
      emit(options, result, (r) => `Recorded category ${r.category} for ${r.sha256} (by ${r.by}).`);
    });
}
