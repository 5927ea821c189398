import { describe, expect, it } from 'vitest';
import { inferKind, recogniseHeaders } from './fields.ts';

describe('header recognition', () => {
  it('recognises person headers however they are written', () => {
    for (const header of ['Last Name', 'SURNAME', 'last_name', 'lname', 'Family-Name']) {
      expect(recogniseHeaders('arrests', [header]).last_name).toBe(header);
    }
    for (const header of ['DOB', 'Date of Birth', 'birthdate', 'BIRTH_DATE']) {
      expect(recogniseHeaders('arrests', [header]).birth_date).toBe(header);
    }
    expect(recogniseHeaders('arrests', ['unique_id', 'first_name', 'surname', 'dob', 'city', 'email', 'cluster'])).toEqual({
      key: 'unique_id',
      first_name: 'first_name',
      last_name: 'surname',
      birth_date: 'dob',
      city: 'city',
      email: 'email',
    });
  });

  it('recognises transaction, sighting and chat headers', () => {
    for (const header of ['PAN', 'card number', 'card_no', 'Card-Number']) {
      expect(recogniseHeaders('transactions', [header]).card_number).toBe(header);
    }
    expect(recogniseHeaders('sightings', ['GUID']).client_guid).toBe('GUID');
    expect(recogniseHeaders('sightings', ['client_guid']).client_guid).toBe('client_guid');
    expect(recogniseHeaders('sightings', ['SHA1']).file_hash).toBe('SHA1');
    expect(recogniseHeaders('sightings', ['hash', 'SHA1', 'md5'])).toEqual({ file_hash: 'hash', sha1: 'SHA1', md5: 'md5' });
    expect(recogniseHeaders('chat', ['Timestamp', 'From', 'Channel', 'Message'])).toEqual({ time: 'Timestamp', sender: 'From', room: 'Channel', text: 'Message' });
  });

  it('infers the kind from the recognised fields', () => {
    expect(inferKind(['id', 'card_number', 'time', 'amount', 'merchant'])).toBe('transactions');
    expect(inferKind(['time', 'ip', 'port', 'guid', 'sha1', 'filename'])).toBe('sightings');
    expect(inferKind(['time', 'sender', 'room', 'text'])).toBe('chat');
    expect(inferKind(['unique_id', 'first_name', 'surname', 'dob', 'city', 'email'])).toBe('arrests');
    expect(inferKind(['alpha', 'beta', 'gamma'])).toBeUndefined();
  });
});
