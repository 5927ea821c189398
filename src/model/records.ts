/**
 * Record kinds: one canonical event from a source. Each format's parser yields these, so
 * everything after ingestion reads one shape whatever the source was.
 */
import type { PropertyMap } from './properties.ts';

export interface RecordKindSpec {
  readonly label: string;
  readonly properties: PropertyMap;
}

export const RECORD_KINDS = {
  message: {
    label: 'Message',
    properties: {
      platform: { type: 'string', label: 'Platform', required: true },
      room: { type: 'string', label: 'Chat room' },
      sender: { type: 'string', label: 'Sender' },
      sender_id: { type: 'string', label: 'Sender id' },
      reply_to: { type: 'string', label: 'Reply to' },
      forwarded_from: { type: 'string', label: 'Forwarded from' },
      edited: { type: 'boolean', label: 'Edited' },
      attachments: { type: 'string[]', label: 'Attachments' },
    },
  },
  room_event: {
    label: 'Chat room event',
    properties: {
      platform: { type: 'string', label: 'Platform', required: true },
      room: { type: 'string', label: 'Chat room' },
      event: { type: 'string', label: 'Event (join, part, quit, nick, topic, system)', required: true },
      actor: { type: 'string', label: 'Actor' },
      target: { type: 'string', label: 'Target' },
    },
  },
  transaction: {
    label: 'Card transaction',
    properties: {
      amount: { type: 'number', label: 'Amount' },
      currency: { type: 'string', label: 'Currency' },
      merchant: { type: 'string', label: 'Merchant' },
      mcc: { type: 'string', label: 'MCC' },
      card_bin: { type: 'string', label: 'Card BIN' },
      card_last4: { type: 'string', label: 'Card last 4' },
    },
  },
  arrest: {
    label: 'Arrest or booking',
    properties: {
      full_name: { type: 'string', label: 'Full name' },
      birth_date: { type: 'date', label: 'Birth date' },
      charges: { type: 'string[]', label: 'Charges' },
      agency_ref: { type: 'string', label: 'Agency reference' },
    },
  },
  sighting: {
    label: 'P2P sighting',
    properties: {
      network: { type: 'string', label: 'Network' },
      port: { type: 'integer', label: 'Port' },
      file_name: { type: 'string', label: 'File name' },
    },
  },
  media: {
    label: 'Media file',
    properties: {
      file_name: { type: 'string', label: 'File name', required: true },
      bytes: { type: 'integer', label: 'Size (bytes)' },
    },
  },
} as const satisfies Record<string, RecordKindSpec>;

export type RecordKind = keyof typeof RECORD_KINDS;
export const RECORD_KIND_NAMES = Object.keys(RECORD_KINDS) as RecordKind[];
