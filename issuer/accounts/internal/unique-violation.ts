/**
 * Whether a database error is a unique-constraint violation: SQLite's
 * SQLITE_CONSTRAINT_UNIQUE (better-sqlite3) or PostgreSQL's SQLSTATE 23505 (unique_violation).
 * Checked by code, never by message.
 */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === '23505';
}
