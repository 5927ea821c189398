/**
 * What a path given to `crosslink ingest` holds: a file is one source; a folder is walked and
 * each file detected, and media files are grouped into one media-folder source per folder.
 */
import { stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { isMediaSample, listFiles, readSample } from './files.ts';
import { detectFormat } from './registry.ts';

export interface PlannedSource {
  path: string;
  /** The detected format; undefined when nothing recognised the file (it is reported, not ingested). */
  format?: string;
}

export async function planSources(path: string, forcedFormat?: string): Promise<PlannedSource[]> {
  const info = await stat(path);
  if (forcedFormat) return [{ path, format: forcedFormat }];
  if (!info.isDirectory()) return [{ path, format: detectFormat(await readSample(path))?.format.name }];
  const planned: PlannedSource[] = [];
  const mediaFolders = new Set<string>();
  for (const file of await listFiles(path)) {
    const sample = await readSample(file);
    const detected = detectFormat(sample);
    if (detected && detected.format.name !== 'media-folder') planned.push({ path: file, format: detected.format.name });
    else if (isMediaSample(sample)) mediaFolders.add(dirname(file));
    else if (!/(^|\/)(mapping[^/]*|[^/]*\.mapping)\.json$|(^|\/)(manifest|ground-truth)\.json$/.test(file)) planned.push({ path: file });
  }
  // A folder of media is one source; a nested media folder is covered by its outermost media ancestor.
  const folders = [...mediaFolders].sort();
  for (const folder of folders) {
    if (!folders.some((other) => other !== folder && folder.startsWith(`${other}/`))) planned.push({ path: folder, format: 'media-folder' });
  }
  return planned.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
