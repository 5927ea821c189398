/**
 * How much a piece of evidence ties two things together. Paths treat 1 / strength as length, so
 * strong evidence is short; case similarity and brokers read the same numbers.
 *
 * Rarity is the main idea (as in IDF): an identifier used by two entities says much more than one
 * used by two hundred (a carrier-NAT address, a shop's card terminal).
 */
import { IDENTIFIER_TYPES, type IdentifierType } from '../model/index.ts';

/** What one shared identifier of a type is worth before rarity: personal, high-entropy ones most. */
export function identifierTypeWeight(type: string): number {
  if (type === 'ip') return 0.3;
  if (type === 'name_dob') return 1;
  const spec = IDENTIFIER_TYPES[type as IdentifierType];
  if (!spec || !spec.matchable) return 0.2;
  return 1.5;
}

/** Network services every IRC user meets; they say nothing about who someone is. */
export const SERVICE_HANDLES = new Set(['chanserv', 'nickserv', 'memoserv', 'operserv', 'hostserv', 'botserv', 'q', 'x', 'global']);

/**
 * How far a handle (`name@platform`) singles someone out, from 0 to 1. WhatsApp exports name
 * people as the phone's address book does ("Jack"), and a bare short first name is shared by many
 * people on any platform; `coldwalrus67` or `misty_rider` is somebody's own.
 */
export function handleDistinctiveness(value: string): number {
  const at = value.lastIndexOf('@');
  const name = (at > 0 ? value.slice(0, at) : value).toLowerCase();
  const platform = at > 0 ? value.slice(at + 1) : '';
  if (platform === 'irc' && SERVICE_HANDLES.has(name)) return 0;
  if (platform === 'whatsapp') return 0.2;
  if (/^[a-z]{1,8}$/.test(name)) return 0.3;
  return 1;
}

/** What one shared identifier is worth before rarity, looking at its value where the type alone is not enough. */
export function identifierValueWeight(type: string, value: string): number {
  return type === 'handle' ? identifierTypeWeight(type) * handleDistinctiveness(value) : identifierTypeWeight(type);
}

/** Strength of an entity's use of an identifier that `degree` entities use in all. */
export function identifierStrength(degree: number, type: string, value: string): number {
  return identifierValueWeight(type, value) / Math.log2(1 + Math.max(1, degree));
}

const LINK_KIND_WEIGHT: Record<string, number> = {
  renamed_to: 2,
  same_as: 2,
  arrested_as: 2,
  near_duplicate_of: 1.5,
  owns: 1.5,
  messaged: 1,
  paid: 1,
  uses_identifier: 1,
  member_of: 0.5,
  appears_in: 0.5,
  sighted_at: 0.5,
  located_at: 0.5,
};

/** Strength of a link seen `count` times: grows with repetition, slowly (the tenth message adds less than the second). */
export function linkStrength(kind: string, count: number): number {
  return (LINK_KIND_WEIGHT[kind] ?? 0.5) * (1 + Math.log2(Math.max(1, count)));
}
