/**
 * P2P sighting rows → 'sighting' records: peer IP, client GUID and the file hash, typed by its
 * length (md5, sha1, sha256) or read from Gnutella's base32 `urn:sha1:`.
 */
import type { Properties } from '../../../model/index.ts';
import type { CanonicalRecord, FieldIdentifier, ParsedItem, ParseInput } from '../../types.ts';
import { buildRows, recordKey, RowReader } from './rows.ts';
import type { Table } from './table.ts';
import { parsePort, readHash } from './values.ts';

export function parseSightings(input: ParseInput, table: Table): AsyncIterable<ParsedItem> {
  const reader = new RowReader(table, input.options);
  return buildRows(table, (row) => {
    const props: Properties = row.extras();
    const identifiers: FieldIdentifier[] = [];
    const network = row.get('network');
    if (network !== undefined) props.network = network.toLowerCase();
    const portText = row.get('port');
    if (portText !== undefined) {
      const port = parsePort(portText);
      if (port === null) return reader.fail(row, 'port', 'a port number');
      props.port = port;
    }
    const fileName = row.get('file_name');
    if (fileName !== undefined) props.file_name = fileName;
    reader.identifier(row, 'ip', 'ip', identifiers);
    reader.identifier(row, 'client_guid', 'client_guid', identifiers);
    for (const field of ['file_hash', 'md5', 'sha1', 'sha256']) {
      const raw = row.get(field);
      if (raw === undefined) continue;
      const hash = readHash(raw);
      // A value that is no known hash stays visible as a property rather than losing the row.
      if (!hash || (field !== 'file_hash' && hash.type !== field)) props[field] = raw;
      else if (!identifiers.some((known) => known.type === hash.type && known.raw === hash.value)) {
        identifiers.push({ type: hash.type, raw: hash.value, role: `column:${reader.column(field)}` });
      }
    }
    const record: CanonicalRecord = {
      kind: 'sighting',
      key: recordKey(row),
      line: row.line,
      byteOffset: row.offset,
      occurredAt: reader.instant(row, 'time'),
      text: null,
      props,
      ...(identifiers.length > 0 ? { identifiers } : {}),
    };
    return record;
  });
}
