import { describe, expect, it } from 'vitest';
import {
  ENTITY_KINDS,
  IDENTIFIER_TYPES,
  LINK_KINDS,
  UserError,
  propertiesJsonSchema,
  validateEntity,
  validateLink,
  validateRecord,
} from './index.ts';

describe('model declaration', () => {
  it('declares the kinds the investigators name', () => {
    for (const kind of ['person', 'account', 'chat_room', 'merchant', 'device', 'media', 'location', 'organisation']) {
      expect(ENTITY_KINDS).toHaveProperty(kind);
    }
    for (const type of ['email', 'phone', 'handle', 'ip', 'url', 'domain', 'card', 'wallet', 'md5', 'sha1', 'sha256', 'pdq', 'name_dob']) {
      expect(IDENTIFIER_TYPES).toHaveProperty(type);
    }
    for (const kind of ['member_of', 'messaged', 'paid', 'arrested_as', 'uses_identifier', 'same_as', 'appears_in', 'sighted_at']) {
      expect(LINK_KINDS).toHaveProperty(kind);
    }
  });

  it('marks guessable identifiers as low entropy, so federation never shares them as plain hashes', () => {
    expect(IDENTIFIER_TYPES.phone.entropy).toBe('low');
    expect(IDENTIFIER_TYPES.card.entropy).toBe('low');
    expect(IDENTIFIER_TYPES.card.tokenised).toBe(true);
    expect(IDENTIFIER_TYPES.sha256.entropy).toBe('high');
  });

  it('link endpoints only name declared entity kinds', () => {
    for (const spec of Object.values(LINK_KINDS)) {
      for (const kind of [...spec.from, ...spec.to]) expect(ENTITY_KINDS).toHaveProperty(kind);
    }
  });
});

describe('validation', () => {
  it('accepts well-formed properties and keeps undeclared ones', () => {
    expect(() => validateEntity('person', { full_name: 'Sam Rowe', birth_date: '1984-03-07', shoe_size: 9 })).not.toThrow();
    expect(() => validateRecord('message', { platform: 'irc', room: '#cars' })).not.toThrow();
  });

  it('refuses unknown kinds naming the choices', () => {
    expect(() => validateEntity('vehicle', {})).toThrow(/unknown entity kind 'vehicle' \(expected one of: person, account/);
  });

  it('refuses malformed properties with the property name', () => {
    expect(() => validateEntity('person', { birth_date: '1984-02-30' })).toThrow(/birth_date must be a date/);
    expect(() => validateEntity('account', { platform: 'irc' })).toThrow(UserError);
    expect(() => validateEntity('account', { platform: 'irc' })).toThrow(/handle is required/);
    expect(() => validateRecord('transaction', { amount: 'ten' })).toThrow(/amount must be a number/);
  });

  it('refuses links between kinds that make no sense', () => {
    expect(() => validateLink('member_of', 'account', 'chat_room', { role: 'host' })).not.toThrow();
    expect(() => validateLink('member_of', 'merchant', 'person', {})).toThrow(/cannot join merchant to person/);
  });

  it('derives a JSON Schema from a declaration', () => {
    const schema = propertiesJsonSchema(ENTITY_KINDS.account.properties) as { required: string[]; properties: Record<string, unknown> };
    expect(schema.required).toEqual(['platform', 'handle']);
    expect(schema.properties['platform']).toMatchObject({ type: 'string', title: 'Platform' });
  });
});
