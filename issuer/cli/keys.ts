import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  errnoOf,
  EXIT,
  integerFrom,
  parse,
  UsageError,
  write,
  type Command,
  type Io,
} from '../../shared/cli/command.js';
import { reissueAll, type ReissueCounts } from '../credentials/reissue-all.js';
import type { Config } from '../config.js';
import { SQLITE_FILE } from '../db/database.js';
import { rotateKey } from '../keys/key-store.js';
import { listKeys, type KeyInfo } from '../keys/list-keys.js';
import { serviceConfig, withDatabase, withService } from './service-config.js';

const USAGE =
  'liangzheng keys rotate | liangzheng keys list | liangzheng keys reissue [--rate N (500)] [--quiet]   (configured by DATA_DIR, DATABASE_URL)';
const OPTIONS = { rate: { type: 'string' }, quiet: { type: 'boolean' } } as const;
const ACTIONS = ['rotate', 'list', 'reissue'] as const;

/** Credentials re-signed per second by `keys reissue` unless --rate says otherwise. */
const DEFAULT_REISSUE_RATE = 500;
/** Most credentials in one transaction of `keys reissue` (reissueAll's default batch). */
const REISSUE_BATCH = 500;

/**
 * `liangzheng keys`: the issuer service's signing keys, in the service's own configuration
 * (the environment, as `npm start` reads it).
 *
 * - `rotate` adds a new key in DATA_DIR/keys and prints its kid. Each service signs with it from
 *   its next start; the older keys stop signing then and stay in /.well-known/jwks.json until
 *   the last credential they signed has expired.
 * - `list` prints every key: kid, created, retired, last expiry, state.
 * - `reissue` re-signs every live credential with the key that signs now (after a rotation, once
 *   the new key signs), in batches, at most `--rate` a second (default 500; 0: no limit),
 *   progress on stderr after each batch (`--quiet`: none), the counts on stdout. Exit 0 done;
 *   1 stopped by a failure (run it again to continue); 2 a usage or configuration error, or a
 *   newer key that does not sign yet (nothing re-signed).
 */
export const keysCommand: Command = {
  name: 'keys',
  usage: USAGE,
  summary:
    "rotate the issuer service's signing key, list its keys, or re-sign every live credential with the key that signs now",
  async run(args, io) {
    const { positionals, values } = parse(args, OPTIONS);
    const [action, ...rest] = positionals;
    if (!isAction(action) || rest.length > 0)
      throw new UsageError(
        `expected "rotate", "list" or "reissue", found ${action === undefined ? 'nothing' : JSON.stringify(positionals.join(' '))}`,
      );
    if (action !== 'reissue' && (values.rate !== undefined || values.quiet !== undefined))
      throw new UsageError(`--rate and --quiet: expected with reissue only, found with ${action}`);
    if (action === 'reissue') {
      const rate = integerFrom(values.rate, '--rate', DEFAULT_REISSUE_RATE, 1_000_000);
      return reissue(serviceConfig(), io, { rate, quiet: values.quiet === true });
    }
    const config = serviceConfig();
    if (action === 'rotate') {
      if (config.issuerKeyFile !== undefined) {
        throw new UsageError(
          'ISSUER_KEY_FILE is set: the signing key comes from configuration, not DATA_DIR; rotate by configuring a new key file and restarting',
        );
      }
      let kid: string;
      try {
        kid = await rotateKey(config.dataDir);
      } catch (cause) {
        throw new UsageError(
          `${config.dataDir}/keys: cannot write the new key (${errnoOf(cause)})`,
        );
      }
      await write(io.stdout, `${kid}\n`);
      await write(
        io.stderr,
        `new key written; each service publishes it from its next start and signs with it ${config.keyPublishAhead} s (KEY_PUBLISH_AHEAD) after the first such start; the old key stays published until its credentials expire\n`,
      );
      return EXIT.VALID;
    }
    const now = Math.floor(io.now().getTime() / 1000);
    // Listing creates nothing: no SQLite file yet means no service has started, so no database.
    if (config.databaseUrl === undefined && !existsSync(join(config.dataDir, SQLITE_FILE))) {
      await write(
        io.stdout,
        table(await listKeys(undefined, config.dataDir, now, config.keyPublishAhead)),
      );
      return EXIT.VALID;
    }
    const keys = await withDatabase(config, (db) =>
      listKeys(db, config.dataDir, now, config.keyPublishAhead),
    );
    await write(io.stdout, table(keys));
    return EXIT.VALID;
  },
};

function isAction(action: string | undefined): action is (typeof ACTIONS)[number] {
  return (ACTIONS as readonly (string | undefined)[]).includes(action);
}

/**
 * `keys reissue`: reissueAll in the service's configuration, throttled to `rate` credentials a
 * second (0: no limit), one batch a second at most (a batch of `rate`, at most 500), progress on
 * stderr after each batch. A run that stops (killed, a failure) is continued by running it
 * again: every batch is one transaction, and a credential already signed by the current key is
 * not picked up again.
 * @returns 0 when done; 1 when a batch failed (those before it stay committed); 2 when the
 *   working calendar file is bad (its problems on stderr, as the service prints them).
 * @throws {UsageError} when a newer key is published but does not sign yet: re-signing now
 *   would use the key about to be replaced.
 */
async function reissue(
  config: Config,
  io: Io,
  options: { readonly rate: number; readonly quiet: boolean },
): Promise<number> {
  const progress = (text: string) => (options.quiet ? undefined : write(io.stderr, text));
  return withService(config, io, async (deps) => {
    const now = Math.floor(io.now().getTime() / 1000);
    const keys = await listKeys(deps.db, config.dataDir, now, config.keyPublishAhead);
    const pending = keys.find((k) => k.state === 'pending');
    if (pending !== undefined)
      throw new UsageError(
        `key ${pending.kid ?? '(unreadable)'} is published but signs only from ${time(pending.signsFrom ?? null)} (KEY_PUBLISH_AHEAD): nothing was re-signed; run keys reissue once it signs`,
      );
    const kid = deps.keys.current().kid;
    await progress(
      `re-signing every live credential not signed by ${kid} or of format version 1, ${options.rate === 0 ? 'without a rate limit' : `at most ${options.rate} a second`}\n`,
    );
    let counts: ReissueCounts = { reissued: 0, skipped: 0, batches: 0 };
    try {
      counts = await reissueAll(deps, {
        actor: 'cli',
        batchSize: options.rate === 0 ? REISSUE_BATCH : Math.min(options.rate, REISSUE_BATCH),
        ...(options.rate === 0 ? {} : { ratePerSecond: options.rate }),
        onBatch: async (done) => {
          counts = done;
          await progress(
            `${done.reissued} re-signed, ${done.skipped} skipped so far (${done.batches} ${done.batches === 1 ? 'batch' : 'batches'})\n`,
          );
        },
      });
    } catch (error) {
      // The signing pool's own messages (ERR_SIGN_…, reissueAll's @throws) name a file at
      // most; a database error's text may quote a row, so only its name and code are shown.
      const code = (error as { code?: unknown }).code;
      const why =
        typeof code === 'string' && code.startsWith('ERR_SIGN_') && error instanceof Error
          ? `${code}: ${error.message}`
          : `${error instanceof Error ? error.name : 'error'}${typeof code === 'string' ? ` ${code}` : ''}`;
      await write(
        io.stderr,
        `liangzheng keys: reissue stopped after ${counts.reissued} re-signed (${why}); what was re-signed stays; run keys reissue again to continue\n`,
      );
      return EXIT.INVALID;
    }
    await write(
      io.stdout,
      `${counts.reissued} re-signed, ${counts.skipped} skipped (licence not usable now, device revoked, or changed meanwhile), signed by ${kid}\n`,
    );
    return EXIT.VALID;
  });
}

const time = (seconds: number | null) =>
  seconds === null || seconds === 0
    ? '-'
    : new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

function table(keys: readonly KeyInfo[]): string {
  const rows = [
    ['kid', 'created', 'signs from', 'retired', 'last expiry', 'state'],
    ...keys.map((k) => [
      k.kid ?? '(unreadable)',
      time(k.createdAt),
      time(k.signsFrom ?? null),
      time(k.retiredAt),
      time(k.lastExpiry),
      k.state,
    ]),
  ];
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows
    .map((r) =>
      r
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')
    .concat('\n');
}
