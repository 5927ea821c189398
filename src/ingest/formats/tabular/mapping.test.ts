import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadMapping } from './mapping.ts';

const dir = mkdtempSync(join(tmpdir(), 'crosslink-mapping-'));
function mappingFile(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

describe('loadMapping', () => {
  it('loads a valid mapping, incl. a BOM and a separate timeFormat', async () => {
    const path = mappingFile('ok.json', `\uFEFF${JSON.stringify({ kind: 'arrests', fields: { key: 'BOOKING_NO', last_name: 'SURNAME' }, dateFormat: 'yyyyMMdd', timeFormat: 'yyyyMMdd HH:mm' })}`);
    const mapping = await loadMapping(path);
    expect(mapping.kind).toBe('arrests');
    expect(mapping.fields.last_name).toBe('SURNAME');
    expect(mapping.timeFormat).toBe('yyyyMMdd HH:mm');
  });

  it('names the file and the unknown kind', async () => {
    const path = mappingFile('kind.json', { kind: 'bookings', fields: {} });
    await expect(loadMapping(path)).rejects.toThrow(`${path}: unknown kind "bookings" (allowed: arrests, transactions, sightings, chat)`);
  });

  it('names an unknown canonical field and lists the allowed ones', async () => {
    const path = mappingFile('field.json', { kind: 'transactions', fields: { pan: 'PAN' } });
    const error = (await loadMapping(path).catch((caught: unknown) => caught)) as Error;
    expect(error.message).toContain(`${path}: unknown field 'pan' for kind 'transactions'`);
    expect(error.message).toContain('card_number');
    expect(error.message).toContain('merchant_country');
  });

  it('refuses a column mapped twice', async () => {
    const path = mappingFile('twice.json', { kind: 'arrests', fields: { first_name: 'NAME', full_name: 'NAME' } });
    await expect(loadMapping(path)).rejects.toThrow(`${path}: column 'NAME' is mapped twice (to first_name and full_name)`);
  });

  it('refuses a bad dateFormat token, naming it', async () => {
    const path = mappingFile('date.json', { kind: 'arrests', fields: {}, dateFormat: 'yyyy-QQ-dd' });
    await expect(loadMapping(path)).rejects.toThrow(/date\.json: bad dateFormat: .*unknown token 'QQ'/);
    const noDay = mappingFile('noday.json', { kind: 'arrests', fields: {}, dateFormat: 'yyyy-MM' });
    await expect(loadMapping(noDay)).rejects.toThrow(/noday\.json: bad dateFormat: .*needs a year, a month and a day/);
  });

  it('refuses unknown keys, non-JSON and missing files, naming the file', async () => {
    await expect(loadMapping(mappingFile('key.json', { kind: 'chat', fields: {}, datefmt: 'x' }))).rejects.toThrow(/key\.json: unknown key 'datefmt'/);
    await expect(loadMapping(mappingFile('bad.json', '{ kind: '))).rejects.toThrow(/bad\.json: not valid JSON/);
    await expect(loadMapping(join(dir, 'missing.json'))).rejects.toThrow(/missing\.json: cannot read the mapping file \(ENOENT\)/);
    await expect(loadMapping(mappingFile('fields.json', { kind: 'chat', fields: { text: '' } }))).rejects.toThrow(/fields\.json: field 'text' must name a column/);
  });
});
