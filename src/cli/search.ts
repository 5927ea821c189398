/** `crosslink search "…"`: words, "phrases", identifiers in any notation, ~fuzzy names, filters. */
import type { Command } from 'commander';
import { describeNotice } from '../access/index.ts';
import { UserError } from '../model/index.ts';
import { appendAudit } from '../store/index.ts';
import { currentActor, withStore, type StoreOptions } from './context.ts';
import { emit, table, type OutputOptions } from './output.ts';

interface SearchCommandOptions extends OutputOptions {
  case: string[];
  kind: string[];
  from?: string;
  to?: string;
  region?: string;
  limit: string;
  offset: string;
}

const collect = (value: string, previous: string[]) => [...previous, value];

export function registerSearch(program: Command): void {
  program
    .command('search')
    .description('search every case you may see: words, "phrases", -exclusions, identifiers as typed, ~fuzzy names, @handles')
    .argument('<query>', 'e.g. \'"rally on sunday" (416) 555-0123 ~"ryan rogers" case:HV-2025-0001 kind:message from:2025-01-01\'')
    .option('--case <ref>', 'only this case (repeatable)', collect, [])
    .option('--kind <kind>', 'only this record or entity kind (repeatable)', collect, [])
    .option('--from <date>', 'records on or after this day (YYYY-MM-DD)')
    .option('--to <date>', 'records on or before this day (YYYY-MM-DD)')
    .option('--region <cc>', 'phone region for numbers typed without a country code', 'US')
    .option('--limit <n>', 'records per page', '20')
    .option('--offset <n>', 'records to skip (paging)', '0')
    .option('--json', 'print the result as JSON')
    .action(async (text: string, options: SearchCommandOptions, command: Command) => {
      const limit = Number(options.limit);
      const offset = Number(options.offset);
      if (!Number.isInteger(limit) || limit < 1 || limit > 200) throw new UserError(`--limit '${options.limit}' must be a whole number from 1 to 200`);
      if (!Number.isInteger(offset) || offset < 0) throw new UserError(`--offset '${options.offset}' must be a whole number ≥ 0`);
      const filters = [
        ...options.case.map((ref) => `case:"${ref}"`),
        ...options.kind.map((kind) => `kind:${kind}`),
        ...(options.from ? [`from:${options.from}`] : []),
        ...(options.to ? [`to:${options.to}`] : []),
      ];
      const { parseQuery, search } = await import('../search/index.ts');
      const { resolveCardSecret } = await import('../ingest/index.ts');
      const result = await withStore(command.optsWithGlobals<StoreOptions>(), 'initialised', async (store) => {
        const query = parseQuery([text, ...filters].join(' '), { region: options.region?.toUpperCase(), secret: resolveCardSecret(store) });
        const found = await search(store.db, query, { limit, offset });
        // The query as parsed, not as typed: a card number in it is never written to the log.
        await appendAudit(store.db, {
          actor: currentActor(),
          action: 'search',
          details: { text: query.text, identifiers: query.identifiers.map((term) => ({ type: term.type, shown: term.shown })), handles: query.handles, fuzzy: query.fuzzy, records: found.records.total, entities: found.entities.length },
        });
        return found;
      });
      emit(options, result, (r) => {
        const lines: string[] = [];
        if (r.entities.length > 0) {
          lines.push(table(['ENTITY', 'KIND', 'CASE', 'AGENCY', 'MATCHED', 'SCORE'], r.entities.map((e) => [e.label, e.kind, e.case, e.agency, e.matched, e.score])), '');
        }
        lines.push(`${r.records.total.toLocaleString('en')}${r.records.more ? '+' : ''} records${r.records.total > r.records.hits.length ? ` (showing ${offset + 1}–${offset + r.records.hits.length})` : ''}`);
        for (const hit of r.records.hits) {
          lines.push(`${hit.case}  ${hit.source.file}:${hit.source.line ?? '?'}  ${hit.occurredAt?.slice(0, 16).replace('T', ' ') ?? ''}  ${hit.actor ?? ''}`);
          if (hit.snippet) lines.push(`    ${hit.snippet.replace(/\s+/g, ' ')}`);
        }
        if (r.hits && r.hits.length > 0) lines.push('', ...r.hits.map(describeNotice));
        return lines.join('\n');
      });
    });
}
