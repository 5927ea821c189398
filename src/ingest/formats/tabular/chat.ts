/**
 * Chat rows (CSV or JSON Lines exports of a chat service) → 'message' records with the sender
 * account and room on the row's platform (column, mapping, or 'chat').
 */
import type { Properties } from '../../../model/index.ts';
import type { AccountRef, CanonicalRecord, ParsedItem, ParseInput, RoomRef } from '../../types.ts';
import { buildRows, recordKey, RowReader } from './rows.ts';
import type { Table } from './table.ts';

export function parseChat(input: ParseInput, table: Table): AsyncIterable<ParsedItem> {
  const reader = new RowReader(table, input.options);
  const defaultPlatform = (table.mapping.platform ?? 'chat').trim().toLowerCase();
  return buildRows(table, (row) => {
    const platform = row.get('platform')?.toLowerCase() ?? defaultPlatform;
    const props: Properties = { ...row.extras(), platform };
    const handle = row.get('sender');
    const senderId = row.get('sender_id');
    const roomName = row.get('room');
    const replyTo = row.get('reply_to');
    if (handle !== undefined) props.sender = handle;
    if (senderId !== undefined) props.sender_id = senderId;
    if (roomName !== undefined) props.room = roomName;
    if (replyTo !== undefined) props.reply_to = replyTo;
    let sender: AccountRef | undefined;
    if (handle !== undefined || senderId !== undefined) {
      sender = { platform, handle: handle ?? senderId ?? '', ...(senderId !== undefined ? { id: senderId } : {}) };
    }
    const room: RoomRef | undefined = roomName !== undefined ? { platform, name: roomName } : undefined;
    const record: CanonicalRecord = {
      kind: 'message',
      key: recordKey(row),
      line: row.line,
      byteOffset: row.offset,
      occurredAt: reader.instant(row, 'time'),
      text: row.get('text') ?? null,
      props,
      ...(sender ? { sender } : {}),
      ...(room ? { room } : {}),
    };
    return record;
  });
}
