/** Opening the service and listening: what main.ts and the tests share. */
import type { Server } from 'node:http';
import { createApp } from './app.js';
import { createIdentityCheck } from './application/identity-check.js';
import { recomputeDeadlines } from './application/recompute-deadlines.js';
import { recoverInterruptedChecks } from './application/recover-interrupted.js';
import { calendarWatch } from './calendar/calendar-coverage.js';
import { calendarFilePath, readCalendarFile } from './calendar/read-calendar-file.js';
import { workingCalendar } from './calendar/working-calendar.js';
import { ConfigError, httpUrl, type Config } from './config.js';
import { prepareDataDir } from './data-dir.js';
import { openDatabase, type Db } from './db/database.js';
import { migrate } from './db/migrate.js';
import type { ServiceDeps } from './deps.js';
import { memoryRateLimits } from './http/rate-limiter.js';
import { redisRateLimits } from './http/redis-rate-limits.js';
import { openKeyStore } from './keys/key-store.js';
import type { Logger } from './logger.js';
import { createNotifier, type PushTestSettings } from './notify/notifier.js';
import { openPushKeys } from './notify/web-push.js';
import { createSms } from './sms/sms.js';
import { openStatusLists, VERIFIER_STATUS_LISTS } from './status/status-store.js';

/** A running service. */
export interface Running {
  readonly server: Server;
  readonly deps: ServiceDeps;
  readonly url: string;
  /**
   * Stops taking connections, lets requests in flight finish (for at most {@link DRAIN_MS}; a
   * connection still open then is closed), closes the database.
   */
  stop(): Promise<void>;
}

/**
 * How long a stop waits for requests in flight. A client that keeps a connection busy (a
 * request sent half, a browser that does not let go) would otherwise hold the stop, and the
 * database, open until the server's header timeout, or for ever.
 */
export const DRAIN_MS = 10_000;

/**
 * How often a running service looks whether its working calendar is about to run out (it
 * warns at most once a day).
 */
const CALENDAR_CHECK_MS = 60 * 60 * 1000;

/**
 * Opens everything the service needs, in order, and returns its dependencies.
 * @throws {CalendarFileError} before anything is opened, when the working calendar file in
 *   dataDir is not valid (main.ts exits 2).
 */
export async function openService(
  config: Config,
  logger: Logger,
  now: () => number = () => Math.floor(Date.now() / 1000),
  options: { readonly pushTest?: PushTestSettings } = {},
): Promise<ServiceDeps> {
  // Loopback push endpoints and an untrusted certificate are for the tests' push service only.
  if (config.env === 'production' && options.pushTest !== undefined)
    throw new ConfigError('push test settings: expected none in production, found some');
  await prepareDataDir(config, logger);
  const calendarFile = calendarFilePath(config.dataDir);
  const calendar = workingCalendar(await readCalendarFile(calendarFile));
  logger.info(
    { coversUntil: calendar.coversUntil, fileYears: calendar.fileYears, file: calendarFile },
    'working calendar',
  );
  const db: Db = openDatabase(config, {
    connectionLost: (error) => {
      logger.warn(
        { code: (error as { code?: unknown }).code, reason: error.message },
        'database connection lost: the next query connects again',
      );
    },
  });
  await migrate(db);
  const keys = await openKeyStore(db, {
    dataDir: config.dataDir,
    now,
    publishAhead: config.keyPublishAhead,
    ...(config.issuerKeyFile === undefined ? {} : { issuerKeyFile: config.issuerKeyFile }),
  });
  const statusLists = openStatusLists({ db, keys, config, now });
  const verifierStatusLists = openStatusLists({ db, keys, config, now }, VERIFIER_STATUS_LISTS);
  // loadConfig has refused the development adapter in production.
  const identityCheck = createIdentityCheck(config.identityCheck, logger);
  // VAPID keys from the configuration when an operator supplies them, else made once in dataDir.
  const pushKeys = await openPushKeys(config.dataDir, {
    VAPID_SUBJECT: config.vapidSubject,
    VAPID_PUBLIC_KEY: config.vapidKeys?.publicKey,
    VAPID_PRIVATE_KEY: config.vapidKeys?.privateKey,
  });
  const notifier = createNotifier({
    db,
    logger,
    keys: pushKeys,
    now,
    publicUrl: config.publicUrl,
    pushHosts: config.pushHosts,
    ...(options.pushTest === undefined ? {} : { test: options.pushTest }),
  });
  const deps = {
    config,
    db,
    keys,
    statusLists,
    verifierStatusLists,
    logger,
    identityCheck,
    sms: createSms(config.sms, logger),
    notifier,
    calendar,
    calendarWatch: calendarWatch(calendar, logger),
    now,
  };
  const recovered = await recoverInterruptedChecks(deps);
  if (recovered > 0) logger.warn({ recovered }, 'interrupted real-person checks back to draft');
  const recomputed = await recomputeDeadlines(deps);
  if (recomputed > 0)
    logger.info({ recomputed }, 'review deadlines counted again with the working calendar');
  deps.calendarWatch.check(now());
  return deps;
}

/** Starts listening with the given dependencies. */
export async function listen(deps: ServiceDeps): Promise<Running> {
  const { redisUrl, redisKeyPrefix } = deps.config;
  const rateLimits =
    redisUrl === undefined
      ? memoryRateLimits()
      : await redisRateLimits(redisUrl, redisKeyPrefix, deps.logger);
  const app = createApp(deps, rateLimits);
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(deps.config.port, deps.config.host, () => {
      resolve(s);
    });
    s.once('error', reject);
  }).catch(async (error: unknown) => {
    await rateLimits.close();
    throw error;
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : deps.config.port;
  const calendarCheck = setInterval(() => {
    deps.calendarWatch.check(deps.now());
  }, CALENDAR_CHECK_MS);
  calendarCheck.unref();
  let stopping: Promise<void> | undefined;
  return {
    server,
    deps,
    url: httpUrl(deps.config.host, port),
    stop() {
      clearInterval(calendarCheck);
      stopping ??= new Promise<void>((resolve) => {
        const deadline = setTimeout(() => {
          server.closeAllConnections();
        }, DRAIN_MS);
        server.close(() => {
          clearTimeout(deadline);
          resolve();
        });
        server.closeIdleConnections();
      })
        .then(() => deps.notifier.idle())
        .then(() => rateLimits.close())
        .then(() => deps.db.close());
      return stopping;
    },
  };
}
