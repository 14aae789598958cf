import { stat } from 'node:fs/promises';
import { makeDirs } from '../shared/node/make-dirs.js';
import { ConfigError, type Config } from './config.js';
import type { Logger } from './logger.js';

/** Permission bits of group and others: none may be set on DATA_DIR in production. */
const GROUP_OR_OTHERS = 0o077;

/**
 * Makes DATA_DIR (mode 0700) when it is missing, and checks the mode of one that exists. It
 * holds the SQLite database, the issuer's private keys and the VAPID key pair: in production a
 * folder that its group or others may read, write or enter refuses the start; elsewhere it is
 * only logged, as a developer's checkout often has a 0755 folder.
 * @throws {ConfigError} when the folder cannot be made or is not a folder; in production when it
 *   gives group or others any access.
 */
export async function prepareDataDir(config: Config, logger: Logger): Promise<void> {
  const dir = config.dataDir;
  // makeDirs returns only once `dir` is a folder (made, or there already).
  try {
    makeDirs(dir, 0o700);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(
      code === 'EEXIST'
        ? `DATA_DIR ${dir}: expected a folder, found another kind of file`
        : `DATA_DIR ${dir}: expected a folder that can be made or used, found ${code ?? 'an error'} making it`,
    );
  }
  const mode = (await stat(dir)).mode & 0o777;
  if ((mode & GROUP_OR_OTHERS) === 0) return;
  const found = `mode ${mode.toString(8).padStart(4, '0')}`;
  if (config.env === 'production')
    throw new ConfigError(
      `DATA_DIR ${dir}: expected mode 0700 (keys and the database inside; no access for group or others), found ${found}; run chmod 700 on it`,
    );
  logger.warn({ dataDir: dir, mode: found }, 'DATA_DIR gives group or others access');
}
