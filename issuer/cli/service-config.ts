/**
 * The issuer service's configuration and resources for the commands that work on them (keys,
 * admin, registry, calendar): read from the environment as `npm start` reads it, and refused as
 * it refuses them.
 */
import { EXIT, UsageError, write, type Io } from '../../shared/cli/command.js';
import { CalendarFileError } from '../calendar/read-calendar-file.js';
import { ConfigError, loadConfig, type Config } from '../config.js';
import { openDatabase, type Db } from '../db/database.js';
import { migrate } from '../db/migrate.js';
import { createLogger } from '../logger.js';
import type { ServiceDeps } from '../deps.js';
import { openService } from '../service.js';

/**
 * The service's configuration from the environment (DATA_DIR, DATABASE_URL, …).
 * @throws {UsageError} when the environment is not a valid service configuration.
 */
export function serviceConfig(): Config {
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message);
    throw error;
  }
}

/**
 * Runs `work` on the service's database, migrated as the service migrates it, and closes it.
 * @returns what `work` returns.
 */
export async function withDatabase<T>(config: Config, work: (db: Db) => Promise<T>): Promise<T> {
  const db = openDatabase(config);
  try {
    await migrate(db);
    return await work(db);
  } finally {
    await db.close();
  }
}

/**
 * Opens the service as `npm start` does, logging to the command's stderr, runs `work` on it and
 * closes its database. A bad working calendar file is printed in full, each problem with its
 * line, field, what was expected and what was found, as the service prints it when it refuses
 * to start, and nothing runs.
 * @returns what `work` returns; 2 (EXIT.USAGE) when the working calendar file is bad.
 */
export async function withService(
  config: Config,
  io: Io,
  work: (deps: ServiceDeps) => Promise<number>,
): Promise<number> {
  let deps: ServiceDeps;
  try {
    deps = await openService(config, createLogger(config.logLevel, io.stderr));
  } catch (error) {
    if (!(error instanceof CalendarFileError)) throw error;
    await write(io.stderr, `${error.message}\n`);
    return EXIT.USAGE;
  }
  try {
    return await work(deps);
  } finally {
    await deps.db.close();
  }
}
