import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Ed25519PublicJwk, Signer } from '../../shared/crypto-backend.js';
import { readSignerFile, writeKeyPair } from '../../shared/node/keys.js';
import type { Db } from '../db/database.js';

/** The issuer's keys: one signs, the older ones stay published until their credentials expire. */
export interface KeyStore {
  /** The key that signs now. */
  current(): Signer;
  /** Public keys a verifier must trust now (RFC 7517 JWKS). */
  jwks(now: number): Promise<{ keys: Ed25519PublicJwk[] }>;
  /** Records that `kid` signed something valid until `exp`, so its public key stays published. */
  noteExpiry(kid: string, exp: number): Promise<void>;
}

/**
 * Opens the key store: the key of ISSUER_KEY_FILE when configured, else the newest key in
 * DATA_DIR/keys, generated on first start (private file mode 0600, never overwritten).
 */
export async function openKeyStore(
  db: Db,
  options: { dataDir: string; issuerKeyFile?: string; now: number },
): Promise<KeyStore> {
  const signer =
    options.issuerKeyFile !== undefined
      ? await readSignerFile(options.issuerKeyFile)
      : await newestKey(join(options.dataDir, 'keys'));
  await db.kysely
    .insertInto('issuer_keys')
    .values({
      kid: signer.kid,
      public_jwk: JSON.stringify(signer.publicJwk),
      created_at: options.now,
      retired_at: null,
      last_expiry: 0,
    })
    .onConflict((oc) => oc.column('kid').doNothing())
    .execute();
  // Whatever signed before this key is retired from signing (it stays published, see jwks()).
  await db.kysely
    .updateTable('issuer_keys')
    .set({ retired_at: options.now })
    .where('kid', '!=', signer.kid)
    .where('retired_at', 'is', null)
    .execute();
  return {
    current: () => signer,
    async jwks(now) {
      const rows = await db.kysely
        .selectFrom('issuer_keys')
        .select(['kid', 'public_jwk'])
        .where((eb) => eb.or([eb('retired_at', 'is', null), eb('last_expiry', '>', now)]))
        .orderBy('created_at', 'desc')
        .execute();
      return { keys: rows.map((r) => JSON.parse(r.public_jwk) as Ed25519PublicJwk) };
    },
    async noteExpiry(kid, exp) {
      await db.kysely
        .updateTable('issuer_keys')
        .set({ last_expiry: exp })
        .where('kid', '=', kid)
        .where('last_expiry', '<', exp)
        .execute();
    },
  };
}

/**
 * Adds a new signing key in DATA_DIR/keys; the running services pick it up at their next start.
 * @returns the new key id.
 */
export async function rotateKey(dataDir: string): Promise<string> {
  const dir = join(dataDir, 'keys', String(Date.now()));
  const { kid } = await writeKeyPair(dir);
  return kid;
}

async function newestKey(keysDir: string): Promise<Signer> {
  // No folder yet: no key yet.
  const entries = await readdir(keysDir).catch(() => [] as string[]);
  // Each key lives in a folder named by its creation time; the newest signs.
  const newest = entries.filter((e) => /^\d+$/.test(e)).sort((a, b) => Number(b) - Number(a))[0];
  if (newest !== undefined) return readSignerFile(join(keysDir, newest, 'private.jwk.json'));
  const { privatePath } = await writeKeyPair(join(keysDir, String(Date.now())));
  return readSignerFile(privatePath);
}
