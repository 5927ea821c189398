/**
 * `crosslink ingest <file|dir> --case REF`: reads evidence into a case. With --json, one JSON
 * object per source on its own line; on a terminal, a progress bar and a summary per file.
 */
import { createWriteStream } from 'node:fs';
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { UserError, isUserError } from '../model/index.ts';
import type { IngestReport, Mapping } from '../ingest/index.ts';
import type { Store } from '../store/index.ts';
import { currentActor, withStore, type StoreOptions } from './context.ts';
import { formatError, type OutputOptions } from './output.ts';

interface IngestCommandOptions extends OutputOptions {
  case: string;
  format?: string;
  mapping?: string;
  region?: string;
  timezone?: string;
  network?: string;
  locale?: string;
  rejects?: string;
}

// Loaded on use, so other commands do not pay for the parsers at start-up.
const ingestModule = () => import('../ingest/index.ts');

function summary(report: IngestReport): string {
  if (report.skipped) return `${report.file}: already ingested as source ${report.source} (${report.records} records) — nothing added`;
  const identifiers = Object.entries(report.identifiers)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([type, count]) => `${count} ${type}`)
    .join(', ');
  return (
    `${report.file}: ${report.format}, ${report.records} records, ${report.rejects} rejects, ${report.links} links` +
    `${identifiers ? `; identifiers: ${identifiers}` : ''}${report.resumed ? ' (resumed)' : ''} in ${report.seconds}s`
  );
}

async function writeRejects(store: Store, reports: IngestReport[], path: string): Promise<void> {
  const out = createWriteStream(path);
  const cell = (value: string | number) => `"${String(value).replaceAll('"', '""')}"`;
  out.write('file,line,reason,raw\n');
  for (const report of reports) {
    const rows = await store.db.selectFrom('source_rejects').select(['line', 'reason', 'raw']).where('source_id', '=', report.source).orderBy('line').execute();
    for (const row of rows) out.write(`${[report.file, row.line, row.reason, row.raw].map(cell).join(',')}\n`);
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
}

async function printSomeRejects(store: Store, report: IngestReport): Promise<void> {
  if (report.rejects === 0 || report.skipped) return;
  const rows = await store.db.selectFrom('source_rejects').select(['line', 'reason']).where('source_id', '=', report.source).orderBy('line').limit(5).execute();
  for (const row of rows) process.stderr.write(`  ${report.file}:${row.line}: ${row.reason}\n`);
  if (report.rejects > rows.length) process.stderr.write(`  … ${report.rejects - rows.length} more (write them all with --rejects FILE)\n`);
}

export function registerIngest(program: Command): void {
  program
    .command('ingest')
    .description('ingest a file, or every file in a folder, into a case')
    .argument('<path>', 'a chat export, log, CSV/JSONL, or a folder (walked; media files become one source per folder)')
    .requiredOption('--case <ref>', 'the case to ingest into')
    .option('--format <name>', 'read as this format instead of detecting it')
    .option('--mapping <file>', 'column mapping (JSON) for CSV and JSON Lines sources')
    .option('--region <cc>', 'default phone region for numbers without a country code, e.g. CA')
    .option('--timezone <zone>', 'IANA time zone of local times in the source, e.g. America/Toronto', 'UTC')
    .option('--network <name>', 'IRC network, when the path does not say')
    .option('--locale <locale>', 'WhatsApp export locale when dates are ambiguous, e.g. en-GB')
    .option('--rejects <file>', 'write every rejected line (file, line, reason, raw) to this CSV')
    .option('--json', 'print one JSON object per source')
    .action(async (path: string, options: IngestCommandOptions, command: Command) => {
      const { ingestSource, loadMapping, planSources, resolveCardSecret } = await ingestModule();
      const { isValidTimeZone } = await import('../ingest/time.ts');
      if (options.timezone && !isValidTimeZone(options.timezone)) throw new UserError(`--timezone '${options.timezone}' is not an IANA time zone (e.g. Europe/London)`);
      let mapping: Mapping | undefined;
      if (options.mapping) mapping = await loadMapping(options.mapping);
      const planned = await planSources(path, options.format).catch((error: NodeJS.ErrnoException) => {
        throw new UserError(`${path}: cannot read (${error.code ?? error.message})`);
      });
      let failures = 0;
      await withStore(command.optsWithGlobals<StoreOptions>(), 'initialised', async (store) => {
        const secret = resolveCardSecret(store);
        const reports: IngestReport[] = [];
        for (const source of planned) {
          if (!source.format) {
            failures++;
            process.stderr.write(`${formatError(`${source.path}: not a format Crosslink recognises (name one with --format)`, options)}\n`);
            continue;
          }
          const bar = progressBar(options);
          try {
            const report = await ingestSource(store, source.path, {
              caseRef: options.case,
              format: source.format,
              mapping,
              region: options.region,
              timezone: options.timezone,
              network: options.network,
              locale: options.locale,
              actor: currentActor(),
              secret,
              onProgress: bar.update,
            });
            bar.stop();
            reports.push(report);
            if (options.json) process.stdout.write(`${JSON.stringify(report)}\n`);
            else {
              process.stdout.write(`${summary(report)}\n`);
              await printSomeRejects(store, report);
            }
          } catch (error) {
            bar.stop();
            // A bad file is reported and the rest of the folder still loads; a bug stops everything.
            if (!isUserError(error)) throw error;
            failures++;
            process.stderr.write(`${formatError(error.message, { ...options, code: error.code })}\n`);
          }
        }
        if (options.rejects) await writeRejects(store, reports, options.rejects);
      });
      if (failures > 0) process.exitCode = 1;
    });
}

/** A line per committed batch on stderr, for logs (CROSSLINK_PROGRESS=plain) where a bar cannot redraw. */
function plainProgress() {
  return {
    update(progress: { file: string; records: number; rejects: number; phase: string }) {
      process.stderr.write(`progress ${progress.file}: ${progress.phase}, ${progress.records} records, ${progress.rejects} rejects\n`);
    },
    stop: () => undefined,
  };
}

function progressBar(options: OutputOptions) {
  if (process.env['CROSSLINK_PROGRESS'] === 'plain') return plainProgress();
  if (options.json || !process.stderr.isTTY) return { update: () => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar(
    {
      format: '{file} [{bar}] {percentage}% | {records} records, {rate} rec/s | {rejects} rejects | ETA {eta_formatted}',
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  const started = performance.now();
  let running = false;
  return {
    update(progress: { file: string; bytesDone: number; bytesTotal: number; records: number; rejects: number; phase: string }) {
      const payload = {
        file: progress.file.length > 30 ? `…${progress.file.slice(-29)}` : progress.file,
        records: progress.records,
        rejects: progress.rejects,
        rate: Math.round(progress.records / Math.max(0.001, (performance.now() - started) / 1000)),
      };
      if (!running) {
        bar.start(Math.max(1, progress.bytesTotal), progress.bytesDone, payload);
        running = true;
      }
      bar.setTotal(Math.max(1, progress.bytesTotal));
      bar.update(progress.bytesDone, payload);
    },
    stop() {
      if (running) bar.stop();
      running = false;
    },
  };
}
