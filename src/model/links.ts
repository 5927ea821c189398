/**
 * Link kinds: typed relations between entities. `from`/`to` list the entity kinds a link may
 * join, so the store can refuse a link that makes no sense (a merchant "member of" a person).
 */
import type { EntityKind } from './entities.ts';
import type { PropertyMap } from './properties.ts';

export interface LinkKindSpec {
  readonly label: string;
  readonly directed: boolean;
  readonly from: readonly EntityKind[];
  readonly to: readonly EntityKind[];
  readonly properties: PropertyMap;
}

const ANY_KIND = ['person', 'account', 'chat_room', 'merchant', 'device', 'media', 'location', 'organisation'] as const;

export const LINK_KINDS = {
  member_of: {
    label: 'member of',
    directed: true,
    from: ['account', 'person'],
    to: ['chat_room', 'organisation'],
    properties: { role: { type: 'string', label: 'Role (host, member)' } },
  },
  messaged: {
    label: 'messaged',
    directed: true,
    from: ['account'],
    to: ['account', 'chat_room'],
    properties: { count: { type: 'integer', label: 'Messages' } },
  },
  paid: {
    label: 'paid',
    directed: true,
    from: ['person', 'account'],
    to: ['merchant', 'person', 'account'],
    properties: {
      count: { type: 'integer', label: 'Transactions' },
      total: { type: 'number', label: 'Total amount' },
      currency: { type: 'string', label: 'Currency' },
    },
  },
  arrested_as: {
    label: 'arrested as',
    directed: true,
    from: ['person'],
    to: ['person'],
    properties: { booking_time: { type: 'datetime', label: 'Booking time' }, agency_ref: { type: 'string', label: 'Agency reference' } },
  },
  uses_identifier: {
    label: 'uses identifier',
    directed: true,
    from: ANY_KIND,
    to: ANY_KIND,
    properties: { identifier_type: { type: 'string', label: 'Identifier type' } },
  },
  same_as: {
    label: 'same as',
    directed: false,
    from: ANY_KIND,
    to: ANY_KIND,
    properties: { reason: { type: 'string', label: 'Reason' } },
  },
  renamed_to: {
    label: 'renamed to',
    directed: true,
    from: ['account'],
    to: ['account'],
    properties: { at: { type: 'datetime', label: 'When' } },
  },
  appears_in: {
    label: 'appears in',
    directed: true,
    from: ['media'],
    to: ['chat_room', 'account', 'device'],
    properties: {},
  },
  sighted_at: {
    label: 'sighted at',
    directed: true,
    from: ['device', 'media'],
    to: ['location', 'device'],
    properties: { network: { type: 'string', label: 'P2P network' }, count: { type: 'integer', label: 'Sightings' } },
  },
  near_duplicate_of: {
    label: 'near-duplicate of',
    directed: false,
    from: ['media'],
    to: ['media'],
    properties: { signal: { type: 'string', label: 'Signal' }, distance: { type: 'integer', label: 'Distance' } },
  },
  located_at: {
    label: 'located at',
    directed: true,
    from: ['person', 'media', 'device', 'merchant', 'organisation'],
    to: ['location'],
    properties: {},
  },
  owns: {
    label: 'owns',
    directed: true,
    from: ['person', 'organisation'],
    to: ['account', 'device', 'media'],
    properties: {},
  },
} as const satisfies Record<string, LinkKindSpec>;

export type LinkKind = keyof typeof LINK_KINDS;
export const LINK_KIND_NAMES = Object.keys(LINK_KINDS) as LinkKind[];
