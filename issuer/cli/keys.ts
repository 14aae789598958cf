import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { env } from 'node:process';
import { EXIT, parse, UsageError, write, type Command } from '../../shared/cli/command.js';
import { ConfigError, loadConfig, type Config } from '../config.js';
import { openDatabase, SQLITE_FILE } from '../db/database.js';
import { migrate } from '../db/migrate.js';
import { rotateKey } from '../keys/key-store.js';
import { listKeys, type KeyInfo } from '../keys/list-keys.js';

const USAGE =
  'liangzheng keys rotate | liangzheng keys list   (configured by DATA_DIR, DATABASE_URL)';

/**
 * `liangzheng keys`: the issuer service's signing keys, in the service's own configuration
 * (the environment, as `npm start` reads it).
 *
 * - `rotate` adds a new key in DATA_DIR/keys and prints its kid. Each service signs with it from
 *   its next start; the older keys stop signing then and stay in /.well-known/jwks.json until
 *   the last credential they signed has expired.
 * - `list` prints every key: kid, created, retired, last expiry, state.
 */
export const keysCommand: Command = {
  name: 'keys',
  usage: USAGE,
  summary: "rotate the issuer service's signing key, or list its keys",
  async run(args, io) {
    const { positionals } = parse(args, {});
    const [action, ...rest] = positionals;
    if ((action !== 'rotate' && action !== 'list') || rest.length > 0)
      throw new UsageError(
        `expected "rotate" or "list", found ${action === undefined ? 'nothing' : JSON.stringify(positionals.join(' '))}`,
      );
    const config = configFromEnv();
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
          `${config.dataDir}/keys: cannot write the new key (${(cause as NodeJS.ErrnoException).code ?? 'error'})`,
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
    const db = openDatabase(config);
    try {
      await migrate(db);
      await write(
        io.stdout,
        table(await listKeys(db, config.dataDir, now, config.keyPublishAhead)),
      );
    } finally {
      await db.close();
    }
    return EXIT.VALID;
  },
};

function configFromEnv(): Config {
  try {
    return loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message);
    throw error;
  }
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
