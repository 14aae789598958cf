/** Opening the service and listening: what main.ts and the tests share. */
import type { Server } from 'node:http';
import { createApp } from './app.js';
import { identityCheckFromEnv } from './application/identity-check.js';
import { createDevIdentityCheck } from './application/identity-check-dev.js';
import type { Config } from './config.js';
import { openDatabase, type Db } from './db/database.js';
import { migrate } from './db/migrate.js';
import type { ServiceDeps } from './deps.js';
import { openKeyStore } from './keys/key-store.js';
import type { Logger } from './logger.js';
import { openStatusLists } from './status/status-store.js';

/** A running service. */
export interface Running {
  readonly server: Server;
  readonly deps: ServiceDeps;
  readonly url: string;
  /** Stops taking connections, lets requests in flight finish, closes the database. */
  stop(): Promise<void>;
}

/** Opens everything the service needs, in order, and returns its dependencies. */
export async function openService(
  config: Config,
  logger: Logger,
  now: () => number = () => Math.floor(Date.now() / 1000),
): Promise<ServiceDeps> {
  const db: Db = openDatabase(config);
  await migrate(db);
  const keys = await openKeyStore(db, {
    dataDir: config.dataDir,
    now: now(),
    ...(config.issuerKeyFile === undefined ? {} : { issuerKeyFile: config.issuerKeyFile }),
  });
  const statusLists = openStatusLists({ db, keys, config, now });
  // Production must name a real identity check (identityCheckFromEnv refuses the development one).
  const identityCheck =
    config.env === 'production'
      ? identityCheckFromEnv(process.env, { production: true })
      : createDevIdentityCheck();
  return { config, db, keys, statusLists, logger, identityCheck, now };
}

/** Starts listening with the given dependencies. */
export async function listen(deps: ServiceDeps): Promise<Running> {
  const app = createApp(deps);
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(deps.config.port, deps.config.host, () => {
      resolve(s);
    });
    s.once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : deps.config.port;
  const host = deps.config.host.includes(':') ? `[${deps.config.host}]` : deps.config.host;
  let stopping: Promise<void> | undefined;
  return {
    server,
    deps,
    url: `http://${host}:${port}`,
    stop() {
      stopping ??= new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeIdleConnections();
      }).then(() => deps.db.close());
      return stopping;
    },
  };
}
