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

/** A key the store may sign with, and from when. */
interface LoadedKey {
  readonly signer: Signer;
  readonly file: string;
  /** Seconds since the epoch from which it signs. */
  readonly signsFrom: number;
}

/**
 * Opens the key store: the key of ISSUER_KEY_FILE when configured, else the keys in
 * DATA_DIR/keys, the first generated on first start (private file mode 0600, never overwritten).
 *
 * Pre-publication: a key is published in the JWKS from the first start that sees it, and signs
 * only `publishAhead` seconds later, so that verifiers working offline on cached keys (the
 * police app) have it before the first credential it signs reaches them. The newest key past
 * that time signs; until one is, the oldest loaded key does (the first key of a new service
 * signs at once). The switch happens at that time, without a restart. Keys older than the one
 * that signs are retired: they stay published until the last credential they signed expires.
 */
export async function openKeyStore(
  db: Db,
  options: {
    dataDir: string;
    issuerKeyFile?: string;
    /** Seconds since the epoch. */
    now: () => number;
    /** Seconds a new key is published before it signs. */
    publishAhead: number;
  },
): Promise<KeyStore> {
  const now = options.now();
  const files =
    options.issuerKeyFile === undefined
      ? await keyFiles(join(options.dataDir, 'keys'))
      : [resolve(options.issuerKeyFile)];
  const loaded: LoadedKey[] = [];
  for (const file of files) {
    const signer = await readSignerFile(file);
    await db.kysely
      .insertInto('issuer_keys')
      .values({
        kid: signer.kid,
        public_jwk: JSON.stringify(signer.publicJwk),
        created_at: now,
        retired_at: null,
        last_expiry: 0,
      })
      .onConflict((oc) => oc.column('kid').doNothing())
      .execute();
    const row = await db.kysely
      .selectFrom('issuer_keys')
      .select('created_at')
      .where('kid', '=', signer.kid)
      .executeTakeFirstOrThrow();
    const signsFrom = row.created_at + options.publishAhead;
    loaded.push({ signer, file, signsFrom });
    // Older keys than the first one that may sign are not needed to sign.
    if (signsFrom <= now) break;
  }
  const oldest = loaded.at(-1);
  if (oldest === undefined) throw new Error('key store: no key loaded');
  // With no key past its pre-publication yet, the oldest loaded one signs.
  loaded[loaded.length - 1] = { ...oldest, signsFrom: Number.NEGATIVE_INFINITY };
  // Whatever signed before these keys is retired from signing (it stays published, see jwks()).
  await db.kysely
    .updateTable('issuer_keys')
    .set({ retired_at: now })
    .where(
      'kid',
      'not in',
      loaded.map((k) => k.signer.kid),
    )
    .where('retired_at', 'is', null)
    .execute();
  const signing = (): LoadedKey => {
    const at = options.now();
    return loaded.find((k) => k.signsFrom <= at) ?? (loaded.at(-1) as LoadedKey);
  };
  return {
    current: () => signing().signer,
    currentKeyFile: () => signing().file,
    async jwks(now) {
      const rows = await db.kysely
        .selectFrom('issuer_keys')
        .select(['kid', 'public_jwk'])
        .where((eb) => eb.or([eb('retired_at', 'is', null), eb('last_expiry', '>', now)]))
        .orderBy('created_at', 'desc')
        .orderBy('kid')
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
 * Adds a new signing key in DATA_DIR/keys. Each service publishes it from its next start and
 * signs with it KEY_PUBLISH_AHEAD seconds after the first such start.
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

/** The private key files of the keys in `keysDir`, newest first; one is made when there is none. */
async function keyFiles(keysDir: string): Promise<string[]> {
  // Each key lives in a folder named by its creation time.
  const folders = await keyFolders(keysDir);
  if (folders.length === 0) return [(await addKey(keysDir)).privatePath];
  return folders.map((name) => join(keysDir, name, 'private.jwk.json'));
}
