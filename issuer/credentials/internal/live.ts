import { sql } from 'kysely';

/**
 * `'live'` written into the SQL rather than bound: SQLite may use the partial index
 * one_live_credential (`where state = 'live'`) for a bound value too, but then re-plans the
 * statement on every run (about 50 µs for a refresh's lookup); a literal is planned once.
 */
export const LIVE = sql.lit('live' as const);
