import { pino, type Logger } from 'pino';

/**
 * Structured JSON logs. Requests are logged by method, route pattern and status only: never a
 * body, a query string or a header, which may hold ID numbers, names, photos or cookies. An
 * error is logged without what a database error says of the row it was about (errorForLog).
 */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      base: { service: 'liangzheng-issuer' },
      serializers: { err: errorForLog },
      redact: {
        paths: ['req.headers', 'req.body', '*.password', '*.licenceNumber', '*.name', '*.phone'],
        censor: '[redacted]',
      },
    },
    destination as pino.DestinationStream | undefined,
  );
}

/**
 * PostgreSQL's error fields that quote the values of a row or a statement (`detail`: "Key
 * (licence_number)=(…) already exists."), never logged.
 */
const VALUE_FIELDS: ReadonlySet<string> = new Set(['detail', 'where', 'internalQuery', 'hint']);

/** A PostgreSQL error as node-postgres gives it: a five-character SQLSTATE and a severity. */
function isDatabaseError(error: unknown): error is Error & { code: string } {
  if (!(error instanceof Error)) return false;
  const { code, severity } = error as Error & { code?: unknown; severity?: unknown };
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && typeof severity === 'string';
}

/**
 * pino's error serialiser, less what a PostgreSQL error quotes of the data: its value fields, and
 * for a data exception (class 22, e.g. "invalid input syntax for type bigint: "…"") the message,
 * which names the value refused. The code, table, constraint and routine stay: enough to find
 * the fault.
 */
export function errorForLog(error: unknown): unknown {
  const serialized = pino.stdSerializers.err(error as Error) as unknown as Record<string, unknown>;
  if (!isDatabaseError(error)) return serialized;
  const kept = Object.fromEntries(
    Object.entries(serialized).filter(([field]) => !VALUE_FIELDS.has(field)),
  );
  if (error.code.startsWith('22')) {
    const withheld = `data exception ${error.code} (its message names the value: not logged)`;
    kept.message = withheld;
    const stack = typeof kept.stack === 'string' ? kept.stack : '';
    // The stack's first line repeats the message.
    kept.stack = [withheld, ...stack.split('\n').filter((line) => /^\s+at /.test(line))].join('\n');
  }
  return kept;
}

export type { Logger };
