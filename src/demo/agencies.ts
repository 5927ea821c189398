// The four fictional agencies of the demo world. Each writes its CSVs with its own column names
// and date formats, because real exports differ and the ingest mappings must cope.
import type { Country } from './ids.ts';

export type AgencyKind = 'city-unit' | 'national-centre' | 'task-force' | 'national-unit';
export type WaLocale = 'en-US' | 'en-GB' | 'de-DE';

export interface CsvScheme {
  /** canonical field → column name, in column order. */
  columns: readonly (readonly [string, string])[];
  dateFormat: string;
  timeFormat: string;
}

export interface AgencyDef {
  name: string;
  slug: string;
  country: Country;
  kind: AgencyKind;
  prefix: string;
  timezone: string;
  waLocale: WaLocale;
  ircNetwork: string;
  currency: string;
  /** Share of cases this agency owns. */
  weight: number;
  charges: readonly string[];
  contact: { officer: string; phone: string; email: string };
  arrests: CsvScheme;
  transactions: CsvScheme;
  sightings: CsvScheme;
}

export const AGENCIES: readonly AgencyDef[] = [
  {
    name: 'Harbourview Police Service Sex Crimes Unit', slug: 'harbourview-police', country: 'CA', kind: 'city-unit',
    prefix: 'HV', timezone: 'America/Toronto', waLocale: 'en-US', ircNetwork: 'libera', currency: 'CAD', weight: 0.3,
    charges: ['Offence under s.163.1', 'Online luring charge', 'Offence under s.172.1', 'Breach of release order'],
    contact: { officer: 'Det. Sgt. Marion Lachance', phone: '+14165550142', email: 'm.lachance@harbourview-police.example.org' },
    arrests: {
      columns: [['key', 'BOOKING_NO'], ['last_name', 'SURNAME'], ['first_name', 'GIVEN_NAME'], ['middle_name', 'MIDDLE_NAME'],
        ['birth_date', 'DOB'], ['sex', 'SEX'], ['street', 'ADDRESS'], ['city', 'CITY'], ['postcode', 'POSTAL_CODE'],
        ['region', 'PROVINCE'], ['country', 'COUNTRY'], ['phone', 'PHONE'], ['email', 'EMAIL'], ['aliases', 'ALIASES'],
        ['booking_time', 'BOOKED_AT'], ['charges', 'CHARGES'], ['agency_ref', 'FILE_NO']],
      dateFormat: 'yyyyMMdd', timeFormat: 'yyyyMMdd HH:mm',
    },
    transactions: {
      columns: [['key', 'TXN_ID'], ['card_number', 'PAN'], ['time', 'TXN_TS'], ['amount', 'AMT'], ['currency', 'CCY'],
        ['merchant', 'MERCHANT'], ['mcc', 'MCC'], ['merchant_country', 'MERCH_CTRY'], ['ip', 'IP_ADDR'], ['email', 'EMAIL'], ['phone', 'PHONE']],
      dateFormat: 'yyyyMMdd', timeFormat: 'yyyyMMdd HH:mm:ss',
    },
    sightings: {
      columns: [['key', 'SIGHTING_ID'], ['time', 'OBSERVED'], ['ip', 'IP'], ['port', 'PORT'], ['client_guid', 'CLIENT_GUID'],
        ['network', 'NETWORK'], ['file_hash', 'SHA1'], ['file_name', 'FILE_NAME']],
      dateFormat: 'yyyyMMdd', timeFormat: 'yyyyMMdd HH:mm:ss',
    },
  },
  {
    name: 'Southern Cross Child Protection Centre', slug: 'southern-cross-cpc', country: 'AU', kind: 'national-centre',
    prefix: 'SX', timezone: 'Australia/Sydney', waLocale: 'en-GB', ircNetwork: 'oftc', currency: 'AUD', weight: 0.2,
    charges: ['Offence under s.474.22', 'Offence under s.474.26', 'Online luring charge', 'Breach of bail conditions'],
    contact: { officer: 'Sgt. Priya Fairweather', phone: '+61491570156', email: 'p.fairweather@southern-cross-cpc.example.org' },
    arrests: {
      columns: [['key', 'Record ID'], ['last_name', 'Family Name'], ['first_name', 'Given Name'], ['middle_name', 'Other Names'],
        ['birth_date', 'Date of Birth'], ['sex', 'Gender'], ['street', 'Street Address'], ['city', 'Suburb'], ['postcode', 'Postcode'],
        ['region', 'State'], ['country', 'Country'], ['phone', 'Mobile'], ['email', 'Email Address'], ['aliases', 'Known As'],
        ['booking_time', 'Charged At'], ['charges', 'Offences'], ['agency_ref', 'Agency Reference']],
      dateFormat: 'dd/MM/yyyy', timeFormat: 'dd/MM/yyyy HH:mm',
    },
    transactions: {
      columns: [['key', 'Transaction Ref'], ['time', 'Date Time'], ['card_number', 'Card Number'], ['merchant', 'Merchant Name'],
        ['mcc', 'MCC'], ['merchant_country', 'Merchant Country'], ['amount', 'Amount'], ['currency', 'Currency'], ['email', 'Customer Email'], ['ip', 'Customer IP']],
      dateFormat: 'dd/MM/yyyy', timeFormat: 'dd/MM/yyyy HH:mm:ss',
    },
    sightings: {
      columns: [['key', 'Observation'], ['time', 'Seen At'], ['network', 'Protocol'], ['ip', 'Peer IP'], ['port', 'Peer Port'],
        ['client_guid', 'Client ID'], ['file_name', 'File Name'], ['file_hash', 'SHA-1']],
      dateFormat: 'dd/MM/yyyy', timeFormat: 'dd/MM/yyyy HH:mm:ss',
    },
  },
  {
    name: 'Tri-River Internet Crimes Task Force', slug: 'tri-river-ictf', country: 'US', kind: 'task-force',
    prefix: 'TR', timezone: 'America/Chicago', waLocale: 'en-US', ircNetwork: 'efnet', currency: 'USD', weight: 0.3,
    charges: ['18 U.S.C. 2252 count', '18 U.S.C. 2422(b) count', 'Online luring charge', 'Probation violation'],
    contact: { officer: 'Special Agent Dana Whitfield', phone: '+13125550187', email: 'dwhitfield@tri-river-ictf.example.org' },
    arrests: {
      columns: [['key', 'key'], ['last_name', 'last_name'], ['first_name', 'first_name'], ['middle_name', 'middle_name'],
        ['birth_date', 'dob'], ['sex', 'sex'], ['street', 'street'], ['city', 'city'], ['postcode', 'zip'], ['region', 'state'],
        ['country', 'country'], ['phone', 'phone'], ['email', 'email'], ['aliases', 'aka'], ['booking_time', 'booking_time'],
        ['charges', 'charges'], ['agency_ref', 'case_number']],
      dateFormat: 'MM/dd/yyyy', timeFormat: 'yyyy-MM-dd HH:mm:ss',
    },
    transactions: {
      columns: [['key', 'id'], ['time', 'timestamp'], ['amount', 'amount'], ['currency', 'currency'], ['card_number', 'card_number'],
        ['merchant', 'merchant'], ['mcc', 'mcc'], ['merchant_country', 'merchant_country'], ['ip', 'ip'], ['email', 'email'], ['phone', 'phone']],
      dateFormat: 'yyyy-MM-dd', timeFormat: 'yyyy-MM-dd HH:mm:ss',
    },
    sightings: {
      columns: [['key', 'id'], ['time', 'first_seen'], ['ip', 'ip_address'], ['port', 'port'], ['client_guid', 'guid'],
        ['network', 'network'], ['file_hash', 'sha1'], ['file_name', 'filename']],
      dateFormat: 'yyyy-MM-dd', timeFormat: 'yyyy-MM-dd HH:mm:ss',
    },
  },
  {
    name: 'Northmoor Online Safeguarding Unit', slug: 'northmoor-osu', country: 'GB', kind: 'national-unit',
    prefix: 'NM', timezone: 'Europe/London', waLocale: 'en-GB', ircNetwork: 'quakenet', currency: 'GBP', weight: 0.2,
    charges: ['Offence under s.1 PCA 1978', 'Offence under s.15A SOA 2003', 'Online luring charge', 'Breach of SHPO'],
    contact: { officer: 'DC Gareth Holloway', phone: '+447700900417', email: 'gareth.holloway@northmoor-osu.example.org' },
    arrests: {
      columns: [['key', 'custody_ref'], ['full_name', 'full_name'], ['birth_date', 'date_of_birth'], ['sex', 'sex'],
        ['street', 'address'], ['city', 'town'], ['postcode', 'postcode'], ['region', 'county'], ['country', 'country'],
        ['phone', 'telephone'], ['email', 'email'], ['aliases', 'aliases'], ['booking_time', 'custody_time'],
        ['charges', 'offences'], ['agency_ref', 'force_ref']],
      dateFormat: 'yyyy-MM-dd', timeFormat: 'yyyy-MM-dd HH:mm',
    },
    transactions: {
      columns: [['key', 'TransactionID'], ['time', 'TransactionDate'], ['card_number', 'PAN'], ['amount', 'Value'], ['currency', 'Currency'],
        ['merchant', 'Merchant'], ['mcc', 'MerchantCategory'], ['merchant_country', 'MerchantCountry'], ['email', 'Email'], ['ip', 'IPAddress'], ['phone', 'Phone']],
      dateFormat: 'dd/MM/yyyy', timeFormat: 'dd/MM/yyyy HH:mm:ss',
    },
    sightings: {
      columns: [['key', 'SightingRef'], ['time', 'DateTime'], ['ip', 'IPAddress'], ['port', 'Port'], ['client_guid', 'ClientGUID'],
        ['network', 'Network'], ['file_hash', 'SHA1'], ['file_name', 'FileName']],
      dateFormat: 'dd/MM/yyyy', timeFormat: 'dd/MM/yyyy HH:mm:ss',
    },
  },
];
