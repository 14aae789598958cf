/**
 * True for a unique-constraint violation on either engine: PostgreSQL SQLSTATE 23505
 * (unique_violation), SQLite's extended codes for a UNIQUE or PRIMARY KEY constraint as
 * better-sqlite3 reports them.
 */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    code === '23505' ||
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
  );
}

/**
 * PostgreSQL SQLSTATEs of a server that cannot serve now (a restart, a failover, a full disk, no
 * connection left), not of a bad query: class 08 (connection exception), 57P01-57P03 (shut down,
 * crashed, starting) and class 53 (insufficient resources).
 */
const UNAVAILABLE_SQLSTATE = /^(08...|57P0[123]|53...)$/;

/** Errors of the socket to PostgreSQL, before or after it connected. */
const SOCKET_ERRORS: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** node-postgres's own errors for a connection that failed or ended, which carry no code. */
const LOST_CONNECTION =
  /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error)/;

/**
 * True when the database could not serve the query now, on either engine, so that trying again
 * later can succeed: PostgreSQL unreachable, gone or out of resources; SQLite still locked by
 * another writer after its busy timeout, out of disk, or failing to read or write its file.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (code.startsWith('SQLITE_')) return /^SQLITE_(BUSY|FULL|IOERR)(_|$)/.test(code);
    return UNAVAILABLE_SQLSTATE.test(code) || SOCKET_ERRORS.has(code);
  }
  return LOST_CONNECTION.test(error.message);
}
