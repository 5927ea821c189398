/**
 * Canonical fields of each mapping kind, and the header names recognised without a mapping
 * ('Last Name', 'SURNAME', 'lname' → last_name), compared case- and punctuation-insensitively.
 */
import type { Mapping } from '../../types.ts';

export type MappingKind = Mapping['kind'];
export const MAPPING_KINDS: readonly MappingKind[] = ['arrests', 'transactions', 'sightings', 'chat'];

const PERSON_FIELDS = [
  'first_name',
  'middle_name',
  'last_name',
  'full_name',
  'aliases',
  'birth_date',
  'sex',
  'street',
  'city',
  'postcode',
  'region',
  'country',
  'national_id',
] as const;

export const CANONICAL_FIELDS: Readonly<Record<MappingKind, readonly string[]>> = {
  // person_key: the subject's id in the source system (PersonFields.key); key identifies the arrest.
  arrests: ['key', 'person_key', ...PERSON_FIELDS, 'phone', 'email', 'booking_time', 'charges', 'agency_ref'],
  transactions: ['key', 'card_number', 'time', 'amount', 'currency', 'merchant', 'mcc', 'merchant_country', 'ip', 'email', 'phone', ...PERSON_FIELDS],
  sightings: ['key', 'time', 'ip', 'port', 'client_guid', 'network', 'file_hash', 'file_name', 'md5', 'sha1', 'sha256'],
  chat: ['key', 'time', 'sender', 'sender_id', 'room', 'text', 'platform', 'reply_to'],
};

/** Fields read as a calendar date, and as an instant. */
export const DATE_FIELDS: ReadonlySet<string> = new Set(['birth_date']);
export const TIME_FIELDS: ReadonlySet<string> = new Set(['booking_time', 'time']);

/** 'Date of Birth' → 'dateofbirth'. */
export function normaliseHeader(header: string): string {
  return header.toLowerCase().replace(/[^a-z0-9]/g, '');
}

const PERSON_SYNONYMS: Record<string, readonly string[]> = {
  first_name: ['firstname', 'fname', 'first', 'givenname', 'given', 'forename', 'forenames'],
  middle_name: ['middlename', 'mname', 'middle', 'middleinitial', 'othernames'],
  last_name: ['lastname', 'lname', 'last', 'surname', 'familyname'],
  full_name: ['fullname', 'name', 'personname', 'subjectname', 'cardholder', 'cardholdername', 'holdername', 'nameoncard'],
  aliases: ['aliases', 'alias', 'aka', 'akas', 'knownas', 'othername'],
  birth_date: ['dob', 'dateofbirth', 'birthdate', 'birthday', 'born', 'birth'],
  sex: ['sex', 'gender'],
  street: ['street', 'address', 'streetaddress', 'address1', 'addressline1', 'addr'],
  city: ['city', 'town', 'locality', 'suburb'],
  postcode: ['postcode', 'postalcode', 'zip', 'zipcode'],
  region: ['region', 'state', 'province', 'county'],
  country: ['country', 'countrycode'],
  national_id: ['nationalid', 'ssn', 'sin', 'nino', 'idnumber', 'nationalinsurancenumber'],
};
const CONTACT_SYNONYMS: Record<string, readonly string[]> = {
  phone: ['phone', 'phonenumber', 'telephone', 'tel', 'mobile', 'cell', 'msisdn'],
  email: ['email', 'emailaddress', 'mail'],
};
const IP = ['ip', 'ipaddress', 'ipaddr', 'clientip', 'sourceip', 'srcip', 'remoteip', 'remoteaddr', 'peerip', 'customerip'];
const TIME = ['time', 'timestamp', 'datetime', 'date', 'createdat', 'occurredat'];

/** Per kind: canonical field → recognised header names (normalised). Earlier fields win a header. */
const SYNONYMS: Readonly<Record<MappingKind, Readonly<Record<string, readonly string[]>>>> = {
  arrests: {
    key: ['key', 'id', 'bookingid', 'bookingno', 'bookingnumber', 'arrestid', 'recordid', 'uniqueid', 'custodyref'],
    person_key: ['personid', 'subjectid', 'personkey'],
    ...PERSON_SYNONYMS,
    ...CONTACT_SYNONYMS,
    booking_time: ['bookingtime', 'bookingdate', 'bookingdatetime', 'arrestdate', 'arresttime', 'arrestdatetime', 'arrested', 'custodytime', 'chargedat'],
    charges: ['charges', 'charge', 'offence', 'offences', 'offense', 'offenses', 'chargedescription', 'statutedescription'],
    agency_ref: ['agencyref', 'agencyreference', 'casenumber', 'caseno', 'caseref', 'reference', 'incidentnumber', 'reportnumber', 'forceref'],
  },
  transactions: {
    key: ['key', 'id', 'transactionid', 'txnid', 'txid', 'transactionref', 'reference', 'ref'],
    card_number: ['cardnumber', 'pan', 'cardno', 'card', 'ccnumber', 'creditcard', 'cardnum', 'primaryaccountnumber'],
    time: [...TIME, 'transactiontime', 'transactiondate', 'txntime', 'txndate', 'txnts'],
    amount: ['amount', 'amt', 'value', 'total', 'transactionamount', 'txnamount'],
    currency: ['currency', 'ccy', 'currencycode'],
    merchant: ['merchant', 'merchantname', 'payee', 'descriptor'],
    mcc: ['mcc', 'merchantcategorycode', 'merchantcategory', 'categorycode'],
    merchant_country: ['merchantcountry', 'merchctry'],
    ip: IP,
    ...CONTACT_SYNONYMS,
    email: ['email', 'emailaddress', 'mail', 'customeremail'],
    ...PERSON_SYNONYMS,
  },
  sightings: {
    key: ['key', 'id', 'sightingid', 'sightingref', 'observation', 'observationid'],
    time: [...TIME, 'seen', 'seenat', 'firstseen', 'lastseen', 'observed', 'observedat'],
    ip: [...IP, 'host'],
    port: ['port', 'peerport', 'remoteport', 'tcpport'],
    client_guid: ['guid', 'clientguid', 'clientid', 'peerid', 'servantguid'],
    network: ['network', 'protocol', 'p2pnetwork'],
    file_hash: ['hash', 'filehash', 'sha1', 'urn', 'sha1urn', 'contenthash'],
    file_name: ['filename', 'file', 'filepath', 'title', 'path'],
    md5: ['md5', 'md5hash'],
    sha1: ['sha1', 'sha1hash'],
    sha256: ['sha256', 'sha256hash'],
  },
  chat: {
    key: ['key', 'id', 'messageid', 'msgid'],
    time: [...TIME, 'sent', 'sentat'],
    sender: ['sender', 'from', 'author', 'user', 'username', 'nick', 'nickname', 'handle', 'screenname', 'sendername'],
    sender_id: ['senderid', 'fromid', 'authorid', 'userid'],
    room: ['room', 'channel', 'chat', 'group', 'conversation', 'thread', 'chatroom', 'roomname', 'channelname'],
    text: ['text', 'message', 'body', 'content', 'msg', 'messagetext'],
    platform: ['platform', 'service', 'app'],
    reply_to: ['replyto', 'inreplyto', 'replytoid', 'parentid'],
  },
};

/** Recognises the headers of `kind`: canonical field → column. Each column and each field is used once. */
export function recogniseHeaders(kind: MappingKind, headers: readonly string[]): Record<string, string> {
  const byName = new Map<string, string[]>();
  for (const [field, names] of Object.entries(SYNONYMS[kind])) {
    for (const name of names) {
      const fields = byName.get(name) ?? [];
      if (!fields.includes(field)) fields.push(field);
      byName.set(name, fields);
    }
  }
  const fields: Record<string, string> = {};
  for (const header of headers) {
    for (const field of byName.get(normaliseHeader(header)) ?? []) {
      if (fields[field] === undefined) {
        fields[field] = header;
        break;
      }
    }
  }
  return fields;
}

/** How strongly each recognised field says "this is that kind of table". */
const EVIDENCE: Readonly<Record<MappingKind, Readonly<Record<string, number>>>> = {
  arrests: { last_name: 2, first_name: 2, full_name: 1.5, birth_date: 2, booking_time: 3, charges: 3, aliases: 1, sex: 1, national_id: 1, agency_ref: 1 },
  transactions: { card_number: 3, amount: 2, merchant: 1, mcc: 1, currency: 1, merchant_country: 1 },
  sightings: { client_guid: 3, file_hash: 3, md5: 2, sha1: 2, sha256: 2, port: 1, network: 1, file_name: 1 },
  chat: { text: 3, sender: 2, sender_id: 1, room: 1, platform: 1, reply_to: 1 },
};
const MIN_EVIDENCE = 3;

/** Evidence for each kind from the headers (0 when below the minimum). */
export function kindScores(headers: readonly string[]): Record<MappingKind, number> {
  const scores = {} as Record<MappingKind, number>;
  for (const kind of MAPPING_KINDS) {
    const recognised = recogniseHeaders(kind, headers);
    let score = 0;
    for (const field of Object.keys(recognised)) score += EVIDENCE[kind][field] ?? 0;
    scores[kind] = score >= MIN_EVIDENCE ? score : 0;
  }
  return scores;
}

/** The kind the headers point to, if one stands out. */
export function inferKind(headers: readonly string[]): MappingKind | undefined {
  const scores = kindScores(headers);
  const ranked = MAPPING_KINDS.filter((kind) => scores[kind] > 0).sort((a, b) => scores[b] - scores[a]);
  const [best, second] = ranked;
  if (best === undefined || (second !== undefined && scores[second] === scores[best])) return undefined;
  return best;
}
