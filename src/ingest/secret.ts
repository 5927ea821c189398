/**
 * The key for card-number tokens. From CROSSLINK_SECRET; for the embedded store, a key file
 * beside the database made on first use. It never goes into the database: whoever holds both
 * the key and the tokens could recover card numbers by trying the few digits they hide.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { cardSecretFromEnv } from '../extract/index.ts';
import { UserError } from '../model/index.ts';
import type { Store } from '../store/index.ts';

// A throw-away store (memory://) gets one key per process, so its sources still link to each other.
const processKey = randomBytes(32);

export function resolveCardSecret(store: Store, env: NodeJS.ProcessEnv = process.env): Buffer {
  if (env['CROSSLINK_SECRET']) return cardSecretFromEnv(env);
  if (store.backend === 'embedded' && !store.location.startsWith('memory://')) {
    // Beside the store's directory, not in it: copying the database alone does not copy the key.
    const file = join(dirname(store.location), `${basename(store.location)}.card-token.key`);
    if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600, flag: 'wx' });
    return Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
  }
  if (store.backend === 'embedded') return processKey;
  throw new UserError('set CROSSLINK_SECRET (at least 32 random bytes as hex, the same on every node of this store) to tokenise card numbers; keep it outside the database');
}
