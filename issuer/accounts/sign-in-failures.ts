import { createHash } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { chinaDateTime } from '../../shared/china-time.js';
import { audit } from '../audit/audit-log.js';
import type { Database } from '../db/schema.js';
import { ServiceError } from '../service-error.js';

/** Consecutive failed sign-ins that lock a sign-in name. */
export const MAX_FAILED_SIGN_INS = 5;
/** How long a locked name stays locked, in seconds. */
export const LOCKOUT_SECONDS = 15 * 60;
/** A count of failures is forgotten this long after its last failure, in seconds. */
export const FAILURE_MEMORY_SECONDS = 24 * 3600;

/**
 * What a sign-in names an account by: a licence number (`driver`), a phone number, a staff
 * username. Failures are counted per name, whether an account has it or not, so that the count
 * and the lock can be said without telling whether the account exists.
 */
export interface SignInName {
  readonly kind: 'driver' | 'phone' | 'staff';
  readonly name: string;
}

type Executor = Kysely<Database> | Transaction<Database>;

/** The table's key: the name itself (a licence number is an ID number) is not kept. */
function keyOf(name: SignInName): string {
  return createHash('sha256').update(`${name.kind}\u0000${name.name}`).digest('hex');
}

/** The account a failed sign-in named, when one has that name: its lock is audited. */
export interface NamedAccount {
  readonly subject: 'driver' | 'staff';
  readonly id: number;
}

/**
 * Takes one try under `name`, atomically, before its password is compared: a try counts as a
 * failure until it succeeds (a success forgets them all, {@link forgetFailures}). So at most
 * {@link MAX_FAILED_SIGN_INS} passwords are compared in a row, also for tries sent side by side:
 * those each passed a lock read before any was counted and were all compared, and the right
 * password among twenty signed in. Old counts are pruned on the way.
 * @returns the tries left after this one (0: the last).
 * @throws {ServiceError} 429 ERR_SIGN_IN_LOCKED with `lockedUntil` and `retryAfter` (a try past
 *   the last locks the name).
 */
export async function takeTry(
  db: Kysely<Database>,
  name: SignInName,
  account: NamedAccount | undefined,
  now: number,
): Promise<number> {
  // Thrown once the transaction has committed: the lock it may have set stands.
  const counted = await db.transaction().execute(async (trx) => {
    await trx
      .deleteFrom('sign_in_failures')
      .where('last_failure_at', '<=', now - FAILURE_MEMORY_SECONDS)
      .where('locked_until', '<=', now)
      .execute();
    return count(trx, name, account, now);
  });
  if (counted instanceof ServiceError) throw counted;
  return counted.triesLeft;
}

/**
 * The answer to a try taken by {@link takeTry} whose password was wrong (or whose name has no
 * account): 401 ERR_SIGN_IN_FAILED with `triesLeft`; the last try's failure counts once more,
 * which locks the name: 429 ERR_SIGN_IN_LOCKED.
 */
export async function failedTry(
  db: Kysely<Database>,
  name: SignInName,
  account: NamedAccount | undefined,
  triesLeft: number,
  now: number,
): Promise<ServiceError> {
  if (triesLeft > 0) return wrong(triesLeft);
  const counted = await db.transaction().execute((trx) => count(trx, name, account, now));
  return counted instanceof ServiceError ? counted : wrong(counted.triesLeft);
}

/**
 * Counts one under `name`, in one statement. The count that passes {@link MAX_FAILED_SIGN_INS}
 * (one transaction sees it: the statement holds the row) locks the name for
 * {@link LOCKOUT_SECONDS}, audited as `account.locked` when an account has the name; a locked
 * name is not counted into, and the count starts again when the lock ends.
 */
async function count(
  trx: Transaction<Database>,
  name: SignInName,
  account: NamedAccount | undefined,
  now: number,
): Promise<{ readonly triesLeft: number } | ServiceError> {
  const key = keyOf(name);
  const row = await trx
    .insertInto('sign_in_failures')
    .values({ name_hash: key, failures: 1, locked_until: 0, last_failure_at: now })
    .onConflict((oc) =>
      oc.column('name_hash').doUpdateSet((eb) => ({
        failures: eb
          .case()
          .when('sign_in_failures.locked_until', '>', now)
          .then(eb.ref('sign_in_failures.failures'))
          .else(eb('sign_in_failures.failures', '+', 1))
          .end(),
        last_failure_at: now,
      })),
    )
    .returning(['failures', 'locked_until'])
    .executeTakeFirstOrThrow();
  if (row.locked_until > now) return locked(row.locked_until, now);
  if (row.failures <= MAX_FAILED_SIGN_INS) return { triesLeft: MAX_FAILED_SIGN_INS - row.failures };
  const lockedUntil = now + LOCKOUT_SECONDS;
  await trx
    .updateTable('sign_in_failures')
    .set({ failures: 0, locked_until: lockedUntil })
    .where('name_hash', '=', key)
    .execute();
  if (account !== undefined)
    await audit(trx, {
      actor: 'system',
      action: 'account.locked',
      subject: `${account.subject}:${account.id}`,
      after: { by: name.kind, failedSignIns: MAX_FAILED_SIGN_INS, lockedUntil },
      at: now,
    });
  return locked(lockedUntil, now);
}

/**
 * When the lock on each of `names` ends, in order; null for a name not locked at `now`.
 */
export async function locksOf(
  db: Executor,
  names: readonly SignInName[],
  now: number,
): Promise<(number | null)[]> {
  if (names.length === 0) return [];
  const keys = names.map(keyOf);
  const rows = await db
    .selectFrom('sign_in_failures')
    .select(['name_hash', 'locked_until'])
    .where('name_hash', 'in', keys)
    .where('locked_until', '>', now)
    .execute();
  const held = new Map(rows.map((r) => [r.name_hash, r.locked_until]));
  return keys.map((k) => held.get(k) ?? null);
}

/** Forgets the failures and locks of `names` (a success, a password reset, an admin's unlock). */
export async function forgetFailures(db: Executor, names: readonly SignInName[]): Promise<void> {
  if (names.length > 0)
    await db.deleteFrom('sign_in_failures').where('name_hash', 'in', names.map(keyOf)).execute();
}

/** The names a driver's account signs in by: its phone number, and its licence number if bound. */
export function driverNames(account: {
  readonly phone: string;
  readonly licenceNumber: string | null;
}): SignInName[] {
  return [
    ...(account.licenceNumber === null
      ? []
      : [{ kind: 'driver', name: account.licenceNumber } as const]),
    { kind: 'phone', name: account.phone },
  ];
}

/** 401 ERR_SIGN_IN_FAILED: the one answer to a wrong password or an unknown name. */
function wrong(triesLeft: number): ServiceError {
  return new ServiceError(
    401,
    'ERR_SIGN_IN_FAILED',
    `the account or the password is wrong; ${triesLeft} more failed ${triesLeft === 1 ? 'try' : 'tries'} in a row lock this sign-in name for ${LOCKOUT_SECONDS / 60} minutes`,
    { triesLeft },
  );
}

/** 429 ERR_SIGN_IN_LOCKED: a locked name, whatever the password, whether an account has it or not. */
export function locked(lockedUntil: number, now: number): ServiceError {
  const retryAfter = Math.max(1, lockedUntil - now);
  return new ServiceError(
    429,
    'ERR_SIGN_IN_LOCKED',
    `${MAX_FAILED_SIGN_INS} failed sign-ins in a row: this sign-in name is locked until ${chinaDateTime(lockedUntil * 1000, 'minute')} China time (in ${retryAfter} s)`,
    { lockedUntil, retryAfter },
  );
}
