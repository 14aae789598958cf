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
