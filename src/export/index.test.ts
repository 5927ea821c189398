import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { isUserError } from '../model/index.ts';
import { EXPORT_FORMATS, EXPORT_FORMAT_NAMES, buildExportRegistry, exportFormat, type ExportFormat } from './index.ts';
import { exportToString, randomGraph, sampleGraph } from './testkit.ts';

describe('export registry', () => {
  it('offers the formats the CLI names: graphml, gexf, i2, ftm, csv', () => {
    expect([...EXPORT_FORMAT_NAMES].sort()).toEqual(['csv', 'ftm', 'gexf', 'graphml', 'i2']);
    for (const name of EXPORT_FORMAT_NAMES) {
      const format = exportFormat(name);
      expect(format.name).toBe(name);
      expect(format.extension).toMatch(/^[a-z0-9]+(\.[a-z0-9]+)*$/);
      expect(format.mediaType).toMatch(/^[a-z]+\/[\w.+-]+(; charset=utf-8)?$/);
      expect(format.description.length).toBeGreaterThan(10);
    }
  });

  it('refuses an unknown format with a user error that lists the valid ones', () => {
    let error: unknown;
    try {
      exportFormat('pdf');
    } catch (caught) {
      error = caught;
    }
    expect(isUserError(error)).toBe(true);
    const message = (error as Error).message;
    expect(message).toContain("'pdf'");
    for (const name of EXPORT_FORMAT_NAMES) expect(message).toContain(name);
  });

  it('refuses two formats of the same name at start-up', () => {
    const format = EXPORT_FORMATS.get('csv') as ExportFormat;
    expect(() => buildExportRegistry([format, { ...format }])).toThrow(/registered twice/);
  });

  it('does not treat inherited object keys as format names', () => {
    expect(() => exportFormat('constructor')).toThrow(/unknown export format/);
    expect(() => exportFormat('__proto__')).toThrow(/unknown export format/);
  });
});

describe('export streams', () => {
  it('rejects, instead of hanging, when the stream fails while the export is written', async () => {
    const graph = randomGraph(5, { nodes: 3000, edges: 6000 });
    for (const format of EXPORT_FORMATS.values()) {
      let writes = 0;
      const out = new Writable({
        highWaterMark: 64,
        write(_chunk, _encoding, callback) {
          writes++;
          setImmediate(() => callback(writes > 1 ? new Error('disk full') : null));
        },
      });
      expect((await exportToString(format, graph)).length, `${format.name} writes more than one chunk`).toBeGreaterThan(600_000);
      await expect(format.write(graph, out), format.name).rejects.toThrow(/disk full/);
      // The stream's owner still hears about the error; the writer only stopped listening.
      expect(out.listenerCount('error'), format.name).toBe(0);
    }
  });

  it('rejects when the stream was already closed', async () => {
    for (const format of EXPORT_FORMATS.values()) {
      const out = new Writable({ write: (_chunk, _encoding, callback) => callback() });
      out.destroy();
      await expect(format.write(sampleGraph(), out), format.name).rejects.toThrow(/closed/);
    }
  });

  it('leaves the stream open for its owner', async () => {
    for (const format of EXPORT_FORMATS.values()) {
      const out = new Writable({ write: (_chunk, _encoding, callback) => callback() });
      await format.write(sampleGraph(), out);
      expect(out.writableEnded, format.name).toBe(false);
    }
  });

  it('writes valid UTF-8 for graphs with lone surrogates in every field', async () => {
    for (const format of EXPORT_FORMATS.values()) {
      // exportToString decodes with a fatal decoder: invalid UTF-8 throws.
      await expect(exportToString(format, randomGraph(9, { nodes: 200, edges: 400 }))).resolves.toBeTypeOf('string');
    }
  });
});
