import { pino, type Logger } from 'pino';

/**
 * Structured JSON logs. Requests are logged by method, route pattern and status only: never a
 * body, a query string or a header, which may hold ID numbers, names, photos or cookies.
 */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      base: { service: 'liangzheng-issuer' },
      redact: {
        paths: ['req.headers', 'req.body', '*.password', '*.licenceNumber', '*.name', '*.phone'],
        censor: '[redacted]',
      },
    },
    destination as pino.DestinationStream | undefined,
  );
}

export type { Logger };
