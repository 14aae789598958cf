import { readdir, rename } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Kysely, Transaction } from 'kysely';
import type { Ed25519PublicJwk, Signer } from '../../shared/crypto-backend.js';
import { readSignerFile, writeKeyPair } from '../../shared/node/keys.js';
import type { Db } from '../db/database.js';
import type { Database } from '../db/schema.js';

/** Seconds to which a key's last expiry is rounded up. */
export const EXPIRY_GRAIN = 3600;

/** The issuer's keys: one signs, the older ones stay published until their credentials expire. */
export interface KeyStore {
  /** The key that signs now. */
  current(): Signer;
  /**
   * The private key file {@link current} was read from (an absolute path), for a worker thread
   * that opens the same key itself; undefined, or absent, for a signer that is not backed by a
   * file (a KMS, an HSM).
   */
  currentKeyFile?(): string | undefined;
  /** Public keys a verifier must trust now (RFC 7517 JWKS). */
  jwks(now: number): Promise<{ keys: Ed25519PublicJwk[] }>;
  /**
   * Records that `kid` signed something valid until `exp` (rounded up to the hour), so its
   * public key stays published. Pass the issuing transaction as `trx`, so that a credential
   * never commits without it.
   */
  noteExpiry(
    kid: string,
    exp: number,
    trx?: Kysely<Database> | Transaction<Database>,
  ): Promise<void>;
}

/**
 * Opens the key store: the key of ISSUER_KEY_FILE when configured, else the newest key in
 * DATA_DIR/keys, generated on first start (private file mode 0600, never overwritten).
 */
export async function openKeyStore(
  db: Db,
  options: { dataDir: string; issuerKeyFile?: string; now: number },
): Promise<KeyStore> {
  const keyFile = resolve(
    options.issuerKeyFile ?? (await newestKeyFile(join(options.dataDir, 'keys'))),
  );
  const signer = await readSignerFile(keyFile);
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
    currentKeyFile: () => keyFile,
    async jwks(now) {
      const rows = await db.kysely
        .selectFrom('issuer_keys')
        .select(['kid', 'public_jwk'])
        .where((eb) => eb.or([eb('retired_at', 'is', null), eb('last_expiry', '>', now)]))
        .orderBy('created_at', 'desc')
        .execute();
      return { keys: rows.map((r) => JSON.parse(r.public_jwk) as Ed25519PublicJwk) };
    },
    async noteExpiry(kid, exp, trx = db.kysely) {
      // Rounded up to the hour: the row is written (and, on PostgreSQL, locked until the
      // issuing transaction commits) once an hour, not by every issuance; the key stays
      // published up to an hour longer than strictly needed.
      const until = Math.ceil(exp / EXPIRY_GRAIN) * EXPIRY_GRAIN;
      await trx
        .updateTable('issuer_keys')
        .set({ last_expiry: until })
        .where('kid', '=', kid)
        .where('last_expiry', '<', until)
        .execute();
    },
  };
}

/**
 * Adds a new signing key in DATA_DIR/keys; the running services pick it up at their next start.
 * The new folder's name is above every existing one even if the clock went back, so "newest"
 * always means the key added last. It does not touch the database: the key is recorded when a
 * service first starts with it.
 * @returns the new key id.
 * @throws the file system's error when the folder cannot be written.
 */
export async function rotateKey(dataDir: string): Promise<string> {
  return (await addKey(join(dataDir, 'keys'))).kid;
}

/** Writes a new key folder in `keysDir`, named above every existing one. */
async function addKey(keysDir: string): Promise<{ kid: string; privatePath: string }> {
  const newest = (await keyFolders(keysDir))[0];
  const name = String(Math.max(Date.now(), newest === undefined ? 0 : Number(newest) + 1));
  // Written aside and renamed into place: a crash half-way never leaves a key folder without
  // its private key for the next start to trip over (rename is atomic on one file system).
  const aside = join(keysDir, `.new-${name}`);
  const { kid } = await writeKeyPair(aside);
  const dir = join(keysDir, name);
  await rename(aside, dir);
  return { kid, privatePath: join(dir, 'private.jwk.json') };
}

/** The key folders of `keysDir` (named by their creation time in ms), newest first. */
export async function keyFolders(keysDir: string): Promise<string[]> {
  // No folder yet: no key yet.
  const entries = await readdir(keysDir).catch(() => [] as string[]);
  return entries.filter((e) => /^\d{1,15}$/.test(e)).sort((a, b) => Number(b) - Number(a));
}

/** The private key file of the newest key in `keysDir`, made when there is none yet. */
async function newestKeyFile(keysDir: string): Promise<string> {
  // Each key lives in a folder named by its creation time; the newest signs.
  const newest = (await keyFolders(keysDir))[0];
  if (newest !== undefined) return join(keysDir, newest, 'private.jwk.json');
  return (await addKey(keysDir)).privatePath;
}
