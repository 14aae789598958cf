/*
 * The service's entry point: `npm start`. Loads the configuration and the working calendar file
 * (failing fast, exit 2), opens the database and keys, loads the demo data when asked, listens, and drains on SIGTERM.
 */
import { VERIFIER_APP_DIR } from './app.js';
import { CalendarFileError } from './calendar/read-calendar-file.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { seedDemo } from './demo.js';
import { createLogger } from './logger.js';
import { listen, openService } from './service.js';
import { webAppDir } from './web-apps.js';

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  }
  const logger = createLogger(config.logLevel);
  const deps = await openService(config, logger).catch((error: unknown) => {
    // A bad working calendar file is a configuration error: said in full, exit 2, as above.
    if (!(error instanceof CalendarFileError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  });
  const demo = config.demo ? await seedDemo(deps) : undefined;
  const running = await listen(deps);
  const out = [
    `liangzheng issuer service on ${running.url} (${deps.db.engine === 'sqlite' ? `SQLite in ${config.dataDir}` : 'PostgreSQL'})`,
    `  start page     ${running.url}/`,
    `  health         ${running.url}/healthz`,
    `  issuer keys    ${running.url}/.well-known/jwks.json`,
    `  status lists   ${running.url}/status`,
    `  API document   ${running.url}/openapi.json`,
    VERIFIER_APP_DIR === undefined
      ? '  police app     not built (npm run build)'
      : `  police app     ${running.url}/verifier/`,
    ...(['app', 'console'] as const).map((name) =>
      webAppDir(name) === undefined
        ? `  ${name === 'app' ? "driver's app  " : 'staff console '} not built (npm run build)`
        : `  ${name === 'app' ? "driver's app  " : 'staff console '} ${running.url}/${name}/`,
    ),
  ];
  if (demo !== undefined) out.push('', ...demo);
  process.stdout.write(`${out.join('\n')}\n`);
  const shutdown = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    running.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => {
    shutdown('SIGTERM');
  });
  process.once('SIGINT', () => {
    shutdown('SIGINT');
  });
}

main().catch((error: unknown) => {
  process.stderr.write(
    `liangzheng issuer: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  // A configuration found wrong while opening (DATA_DIR's mode, a key file): 2, as at loading.
  process.exit(error instanceof ConfigError ? 2 : 1);
});
