/**
 * Identifier types: normalised selectors that link records across cases. The flags say how
 * matching may use them (as followthemoney's property types do), and `entropy` says whether a
 * value can be guessed by trying all of them — which decides how federation may share it.
 */

export interface IdentifierTypeSpec {
  readonly label: string;
  /** Two entities sharing this value are a candidate match. */
  readonly matchable: boolean;
  /** Worth listing every other record that carries it (the "pivot" view). */
  readonly pivot: boolean;
  /** `low`: few possible values (phones, birth dates) — never shared as a plain or shared-key hash. */
  readonly entropy: 'low' | 'high';
  /** Stored value is a keyed token, never the original (card numbers). */
  readonly tokenised: boolean;
  /** Example of a normalised value, used by documentation and tests. */
  readonly example: string;
}

export const IDENTIFIER_TYPES = {
  email: { label: 'Email', matchable: true, pivot: true, entropy: 'high', tokenised: false, example: 'sam.rowe@example.com' },
  phone: { label: 'Phone (E.164)', matchable: true, pivot: true, entropy: 'low', tokenised: false, example: '+14165550123' },
  handle: { label: 'Handle', matchable: true, pivot: true, entropy: 'low', tokenised: false, example: 'dark_falcon77@telegram' },
  ip: { label: 'IP address', matchable: true, pivot: true, entropy: 'low', tokenised: false, example: '198.51.100.23' },
  url: { label: 'URL', matchable: false, pivot: true, entropy: 'high', tokenised: false, example: 'https://example.com/garden' },
  domain: { label: 'Domain', matchable: false, pivot: true, entropy: 'low', tokenised: false, example: 'example.com' },
  card: { label: 'Payment card (token)', matchable: true, pivot: true, entropy: 'low', tokenised: true, example: 'hmac:5f2b…' },
  wallet: { label: 'Crypto wallet', matchable: true, pivot: true, entropy: 'high', tokenised: false, example: 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq' },
  md5: { label: 'MD5', matchable: true, pivot: true, entropy: 'high', tokenised: false, example: 'd41d8cd98f00b204e9800998ecf8427e' },
  sha1: { label: 'SHA-1', matchable: true, pivot: true, entropy: 'high', tokenised: false, example: 'da39a3ee5e6b4b0d3255bfef95601890afd80709' },
  sha256: {
    label: 'SHA-256',
    matchable: true,
    pivot: true,
    entropy: 'high',
    tokenised: false,
    example: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  },
  pdq: {
    label: 'PDQ perceptual hash',
    matchable: true,
    pivot: false,
    entropy: 'high',
    tokenised: false,
    example: 'f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22',
  },
  name_dob: { label: 'Name and birth date', matchable: true, pivot: true, entropy: 'low', tokenised: false, example: 'rowe|samuel|1984-03-07' },
  camera_serial: { label: 'Camera serial number', matchable: true, pivot: true, entropy: 'high', tokenised: false, example: 'canon:0123456789' },
  client_guid: { label: 'P2P client GUID', matchable: true, pivot: true, entropy: 'high', tokenised: false, example: '3f2a9c0e8b1d4e6fa7c5d2b1e0f9a8c7' },
} as const satisfies Record<string, IdentifierTypeSpec>;

export type IdentifierType = keyof typeof IDENTIFIER_TYPES;
export const IDENTIFIER_TYPE_NAMES = Object.keys(IDENTIFIER_TYPES) as IdentifierType[];
