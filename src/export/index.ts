/**
 * @module export — the graph in the formats of other tools: GraphML and GEXF (Gephi, Cytoscape,
 * yEd), i2 Analyst's Notebook import CSV, followthemoney JSON lines (Aleph) and plain CSV. An
 * explicit list (no import side effects) that refuses duplicate names at start-up.
 */
import { UserError } from '../model/index.ts';
import { csvFormat } from './csv.ts';
import { ftmFormat } from './ftm.ts';
import { gexfFormat } from './gexf.ts';
import { graphmlFormat } from './graphml.ts';
import { i2Format } from './i2.ts';
import type { ExportFormat } from './types.ts';

export type { ExportFormat, ExportStream } from './types.ts';

export function buildExportRegistry(formats: readonly ExportFormat[]): ReadonlyMap<string, ExportFormat> {
  const registry = new Map<string, ExportFormat>();
  for (const format of formats) {
    if (registry.has(format.name)) throw new Error(`export format '${format.name}' is registered twice`);
    registry.set(format.name, format);
  }
  return registry;
}

export const EXPORT_FORMATS: ReadonlyMap<string, ExportFormat> = buildExportRegistry([graphmlFormat, gexfFormat, i2Format, ftmFormat, csvFormat]);

export const EXPORT_FORMAT_NAMES: readonly string[] = [...EXPORT_FORMATS.keys()];

/** The format called `name`; a UserError naming the valid ones otherwise. */
export function exportFormat(name: string): ExportFormat {
  const format = EXPORT_FORMATS.get(name);
  if (!format) throw new UserError(`unknown export format '${name}' (valid: ${EXPORT_FORMAT_NAMES.join(', ')})`);
  return format;
}

export { csvFormat, ftmFormat, gexfFormat, graphmlFormat, i2Format };
