import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { jwkThumbprint, parsePublicJwk } from '../../shared/jwk.js';
import type { Db } from '../db/database.js';
import { keyFolders } from './key-store.js';

/** One issuer key as an operator sees it. */
export interface KeyInfo {
  /** RFC 7638 thumbprint; undefined when the folder's public key cannot be read. */
  readonly kid: string | undefined;
  /** Seconds since the epoch: the folder's creation time, else when a service first used it. */
  readonly createdAt: number;
  readonly retiredAt: number | null;
  /** The latest `exp` of a credential it signed (0: none yet). */
  readonly lastExpiry: number;
  /** Seconds since the epoch: when a service first published it (undefined: none has yet). */
  readonly publishedAt?: number;
  /**
   * `signing`: the key services sign with; `pending`: published, signs from `signsFrom`
   * (pre-publication, KEY_PUBLISH_AHEAD); `next`: the newest key in DATA_DIR, not yet published,
   * published from the next start; `published`: no longer signing, still in the JWKS for
   * credentials that have not expired; `withdrawn`: retired and out of the JWKS; `unused`: an
   * older key folder no service ever used; `unreadable`: a folder whose public key does not read.
   */
  readonly state:
    'signing' | 'pending' | 'next' | 'published' | 'withdrawn' | 'unused' | 'unreadable';
  /** A pending key: when it starts signing. */
  readonly signsFrom?: number;
  /** The key folder, when the key lives in DATA_DIR/keys (not for ISSUER_KEY_FILE keys). */
  readonly folder?: string;
}

/**
 * Lists the issuer keys: those recorded in the database (every key a service has signed with)
 * and those in DATA_DIR/keys, newest first. Reads public keys only (`jwks.json`).
 * @param db undefined when there is no database yet (no service has started).
 */
export async function listKeys(
  db: Db | undefined,
  dataDir: string,
  now: number,
  publishAhead: number,
): Promise<KeyInfo[]> {
  const rows =
    db === undefined
      ? []
      : await db.kysely
          .selectFrom('issuer_keys')
          .select(['kid', 'created_at', 'retired_at', 'last_expiry'])
          .execute();
  const recorded = new Map(rows.map((r) => [r.kid, r]));
  const keysDir = join(dataDir, 'keys');
  const folders = await keyFolders(keysDir);
  const out: KeyInfo[] = [];
  for (const [i, name] of folders.entries()) {
    const folder = join(keysDir, name);
    const kid = await folderKid(folder);
    const createdAt = Math.floor(Number(name) / 1000);
    const row = kid === undefined ? undefined : recorded.get(kid);
    if (row === undefined) {
      out.push({
        kid,
        createdAt,
        retiredAt: null,
        lastExpiry: 0,
        state: kid === undefined ? 'unreadable' : i === 0 ? 'next' : 'unused',
        folder,
      });
      continue;
    }
    recorded.delete(row.kid);
    out.push({ ...fromRow(row, now), createdAt, folder });
  }
  // Keys known only to the database: ISSUER_KEY_FILE keys, or folders removed since.
  for (const row of recorded.values()) out.push(fromRow(row, now));
  out.sort((a, b) => b.createdAt - a.createdAt);
  return withSigningKey(out, now, publishAhead);
}

/**
 * Among the keys not retired (newest first), the one that signs by the key store's rule: the
 * newest past its pre-publication, else the oldest. Newer ones are pending, older ones only
 * published (a service retires them at its next start).
 */
function withSigningKey(keys: KeyInfo[], now: number, publishAhead: number): KeyInfo[] {
  const live = keys.filter((k) => k.state === 'signing');
  const signing = live.find((k) => (k.publishedAt ?? now) + publishAhead <= now) ?? live.at(-1);
  const at = signing === undefined ? -1 : live.indexOf(signing);
  return keys.map((k) => {
    const i = live.indexOf(k);
    if (i < 0 || i === at) return k;
    return i < at
      ? { ...k, state: 'pending', signsFrom: (k.publishedAt ?? now) + publishAhead }
      : { ...k, state: 'published' };
  });
}

function fromRow(
  row: { kid: string; created_at: number; retired_at: number | null; last_expiry: number },
  now: number,
): KeyInfo {
  return {
    kid: row.kid,
    createdAt: row.created_at,
    retiredAt: row.retired_at,
    lastExpiry: row.last_expiry,
    publishedAt: row.created_at,
    // The same rule as KeyStore.jwks(): published while current or while its credentials live.
    state: row.retired_at === null ? 'signing' : row.last_expiry > now ? 'published' : 'withdrawn',
  };
}

async function folderKid(folder: string): Promise<string | undefined> {
  try {
    const jwks = JSON.parse(await readFile(join(folder, 'jwks.json'), 'utf8')) as unknown;
    const first = (jwks as { keys?: unknown[] } | null)?.keys?.[0];
    return jwkThumbprint(parsePublicJwk(first, 'key folder jwks.json'));
  } catch {
    return undefined;
  }
}
