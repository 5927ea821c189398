/**
 * Entity kinds: the things in a case. Declared once as data; the store's lookup table,
 * validation, exports and UI labels are all derived from this list.
 */
import type { PropertyMap } from './properties.ts';

export interface EntityKindSpec {
  readonly label: string;
  readonly plural: string;
  /** Person-like entities are candidates for resolution into subjects. */
  readonly personLike: boolean;
  readonly properties: PropertyMap;
}

export const ENTITY_KINDS = {
  person: {
    label: 'Person',
    plural: 'People',
    personLike: true,
    properties: {
      full_name: { type: 'string', label: 'Full name' },
      first_name: { type: 'string', label: 'First name' },
      middle_name: { type: 'string', label: 'Middle name' },
      last_name: { type: 'string', label: 'Last name' },
      aliases: { type: 'string[]', label: 'Aliases' },
      birth_date: { type: 'date', label: 'Birth date' },
      sex: { type: 'string', label: 'Sex' },
      nationality: { type: 'string', label: 'Nationality' },
    },
  },
  account: {
    label: 'Account',
    plural: 'Accounts',
    personLike: true,
    properties: {
      platform: { type: 'string', label: 'Platform', required: true },
      handle: { type: 'string', label: 'Handle', required: true },
      platform_id: { type: 'string', label: 'Platform user id' },
      display_name: { type: 'string', label: 'Display name' },
    },
  },
  chat_room: {
    label: 'Chat room',
    plural: 'Chat rooms',
    personLike: false,
    properties: {
      platform: { type: 'string', label: 'Platform', required: true },
      name: { type: 'string', label: 'Name', required: true },
      network: { type: 'string', label: 'Network or server' },
      topic: { type: 'text', label: 'Topic' },
    },
  },
  merchant: {
    label: 'Merchant',
    plural: 'Merchants',
    personLike: false,
    properties: {
      name: { type: 'string', label: 'Name', required: true },
      mcc: { type: 'string', label: 'Merchant category code' },
      country: { type: 'string', label: 'Country' },
    },
  },
  device: {
    label: 'Device',
    plural: 'Devices',
    personLike: false,
    properties: {
      make: { type: 'string', label: 'Make' },
      model: { type: 'string', label: 'Model' },
      serial: { type: 'string', label: 'Serial number' },
      client_guid: { type: 'string', label: 'P2P client GUID' },
    },
  },
  media: {
    label: 'Media file',
    plural: 'Media files',
    personLike: false,
    properties: {
      file_name: { type: 'string', label: 'File name' },
      bytes: { type: 'integer', label: 'Size (bytes)' },
      mime_type: { type: 'string', label: 'MIME type' },
      width: { type: 'integer', label: 'Width' },
      height: { type: 'integer', label: 'Height' },
      md5: { type: 'string', label: 'MD5' },
      sha1: { type: 'string', label: 'SHA-1' },
      sha256: { type: 'string', label: 'SHA-256' },
      pdq: { type: 'string', label: 'PDQ perceptual hash' },
      pdq_quality: { type: 'integer', label: 'PDQ quality (0–100; below 50 not matched)' },
      camera_make: { type: 'string', label: 'Camera make' },
      camera_model: { type: 'string', label: 'Camera model' },
      camera_serial: { type: 'string', label: 'Camera body serial number' },
      lens: { type: 'string', label: 'Lens' },
      captured_at: { type: 'string', label: 'Capture time (as the camera wrote it)' },
      software: { type: 'string', label: 'Software' },
      gps_latitude: { type: 'number', label: 'GPS latitude' },
      gps_longitude: { type: 'number', label: 'GPS longitude' },
    },
  },
  location: {
    label: 'Location',
    plural: 'Locations',
    personLike: false,
    properties: {
      address: { type: 'string', label: 'Address' },
      city: { type: 'string', label: 'City' },
      postcode: { type: 'string', label: 'Postcode' },
      region: { type: 'string', label: 'Region' },
      country: { type: 'string', label: 'Country' },
      latitude: { type: 'number', label: 'Latitude' },
      longitude: { type: 'number', label: 'Longitude' },
    },
  },
  organisation: {
    label: 'Organisation',
    plural: 'Organisations',
    personLike: false,
    properties: {
      name: { type: 'string', label: 'Name', required: true },
      country: { type: 'string', label: 'Country' },
    },
  },
} as const satisfies Record<string, EntityKindSpec>;

export type EntityKind = keyof typeof ENTITY_KINDS;
export const ENTITY_KIND_NAMES = Object.keys(ENTITY_KINDS) as EntityKind[];
