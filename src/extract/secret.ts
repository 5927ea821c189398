/**
 * The key for card-number tokens, from CROSSLINK_SECRET. Tokens only link across cases (and
 * nodes) that share the key, so a silent random key would quietly break linking: fail loudly.
 */

/** Fixed, public, and therefore only for development and demos: tokens made with it are guessable. */
export const DEV_SECRET = 'crosslink-development-secret-NOT-FOR-CASEWORK';

export function cardSecretFromEnv(env: NodeJS.ProcessEnv = process.env): Buffer {
  const raw = env['CROSSLINK_SECRET'];
  if (raw === undefined || raw === '') {
    if (env['CROSSLINK_ALLOW_DEV_SECRET'] === '1') return Buffer.from(DEV_SECRET, 'utf8');
    throw new Error(
      'CROSSLINK_SECRET is not set. Card numbers are stored only as keyed tokens, so Crosslink needs a secret of at least 16 bytes: ' +
        'e.g. `export CROSSLINK_SECRET=$(openssl rand -hex 32)`, the same value on every node that should link cards. ' +
        'For development only, CROSSLINK_ALLOW_DEV_SECRET=1 uses a fixed public key.',
    );
  }
  // Hex when it looks like hex (what `openssl rand -hex` gives), otherwise the UTF-8 bytes.
  const key = /^(?:[0-9a-fA-F]{2})+$/.test(raw) ? Buffer.from(raw, 'hex') : Buffer.from(raw, 'utf8');
  if (key.length < 16) {
    throw new Error(`CROSSLINK_SECRET is too short (${key.length} bytes): use at least 16 bytes, e.g. \`openssl rand -hex 32\`.`);
  }
  return key;
}
