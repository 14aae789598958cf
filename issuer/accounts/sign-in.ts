import { z } from 'zod';
import { audit } from '../audit/audit-log.js';
import type { Db } from '../db/database.js';
import { ServiceError } from '../service-error.js';
import type { Auth, Role } from '../http/session.js';
import { DUMMY_HASH, verifyPassword } from './password.js';

/** Consecutive failed sign-ins that lock an account. */
export const MAX_FAILED_SIGN_INS = 5;
/** How long a locked account stays locked, in seconds. */
export const LOCKOUT_SECONDS = 15 * 60;

/** No password is longer (password.ts); the bound keeps scrypt's input small. */
const PASSWORD_BOUND = 1024;

/** The body of `POST /api/session`. */
export const signInSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('driver'),
    licenceNumber: z.string().regex(/^\d{17}[\dX]$/),
    password: z.string().min(1).max(PASSWORD_BOUND),
  }),
  // An account that holds no licence (yet, or any more) signs in with its phone number.
  z.strictObject({
    kind: z.literal('phone'),
    phone: z.string().regex(/^1[3-9]\d{9}$/),
    password: z.string().min(1).max(PASSWORD_BOUND),
  }),
  z.strictObject({
    kind: z.literal('staff'),
    username: z.string().min(1).max(64),
    password: z.string().min(1).max(PASSWORD_BOUND),
  }),
]);

/** What each field of {@link signInSchema} must be, for ERR_VALIDATION issues. */
export const SIGN_IN_EXPECTED: Readonly<Record<string, string>> = {
  kind: '"driver" (by licence number), "phone" (a driver by phone number) or "staff"',
  licenceNumber: '18 characters: 17 digits and a digit or X',
  phone: 'a mainland mobile number: 11 digits, 1 then 3-9',
  username: 'a username of 1 to 64 characters',
  password: `a password of 1 to ${PASSWORD_BOUND} characters`,
};

/** A validated sign-in request. */
export type SignInRequest = z.output<typeof signInSchema>;

/** Who signed in. */
export interface SignedIn {
  readonly subject: Auth['subject'];
  readonly subjectId: number;
  readonly role: Role;
}

interface Account {
  readonly id: number;
  readonly role: Role;
  readonly password_hash: string;
  readonly failed_sign_ins: number;
  readonly locked_until: number;
}

/** The one answer to a sign-in that fails, whatever the reason. */
export const SIGN_IN_FAILED = `the account or the password is wrong; after ${MAX_FAILED_SIGN_INS} failed sign-ins in a row an account is locked for ${LOCKOUT_SECONDS / 60} minutes`;

/**
 * Checks a driver's or a member of staff's password. An unknown account, a wrong password and
 * a locked account (whatever the password) get the same answer after the same scrypt (an
 * unknown account's against DUMMY_HASH): a lock-out answered apart would tell anyone, after
 * {@link MAX_FAILED_SIGN_INS} tries, that a licence has an account. After that many
 * consecutive failures the account is locked for {@link LOCKOUT_SECONDS} (audited as
 * `account.locked`); a success resets the count.
 *
 * @throws {ServiceError} 401 ERR_SIGN_IN_FAILED ({@link SIGN_IN_FAILED}) on a wrong password,
 *   an unknown account, or while the account is locked.
 */
export async function signIn(db: Db, request: SignInRequest, now: number): Promise<SignedIn> {
  const subject = request.kind === 'staff' ? 'staff' : 'driver';
  const table = subject === 'driver' ? 'drivers' : 'staff';
  const account = await findAccount(db, request);
  const matches = await verifyPassword(request.password, account?.password_hash ?? DUMMY_HASH);
  // Locked: refused as a wrong password is, and not counted (the lock already holds).
  if (account !== undefined && account.locked_until > now) throw failed();
  if (account === undefined || !matches) {
    if (account !== undefined) await recordFailure(db, table, subject, account.id, now);
    throw failed();
  }
  if (account.failed_sign_ins !== 0 || account.locked_until !== 0) {
    await db.kysely
      .updateTable(table)
      .set({ failed_sign_ins: 0, locked_until: 0 })
      .where('id', '=', account.id)
      .execute();
  }
  return { subject, subjectId: account.id, role: account.role };
}

async function findAccount(db: Db, request: SignInRequest): Promise<Account | undefined> {
  const columns = ['id', 'password_hash', 'failed_sign_ins', 'locked_until'] as const;
  if (request.kind !== 'staff') {
    const row = await db.kysely
      .selectFrom('drivers')
      .select(columns)
      .where((eb) =>
        request.kind === 'driver'
          ? eb('licence_number', '=', request.licenceNumber)
          : eb('phone', '=', request.phone),
      )
      .executeTakeFirst();
    return row === undefined ? undefined : { ...row, role: 'driver' };
  }
  return db.kysely
    .selectFrom('staff')
    .select([...columns, 'role'])
    .where('username', '=', request.username)
    .executeTakeFirst();
}

/** Counts a failure atomically; the failure that reaches the limit locks the account. */
async function recordFailure(
  db: Db,
  table: 'drivers' | 'staff',
  subject: Auth['subject'],
  id: number,
  now: number,
): Promise<void> {
  await db.kysely.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable(table)
      .set((eb) => ({ failed_sign_ins: eb('failed_sign_ins', '+', 1) }))
      .where('id', '=', id)
      .returning('failed_sign_ins')
      .executeTakeFirst();
    if (row === undefined || row.failed_sign_ins < MAX_FAILED_SIGN_INS) return;
    // The count starts again once the lock ends.
    const lockedUntil = now + LOCKOUT_SECONDS;
    await trx
      .updateTable(table)
      .set({ failed_sign_ins: 0, locked_until: lockedUntil })
      .where('id', '=', id)
      .execute();
    await audit(trx, {
      actor: 'system',
      action: 'account.locked',
      subject: `${subject}:${id}`,
      after: { failedSignIns: row.failed_sign_ins, lockedUntil },
      at: now,
    });
  });
}

function failed(): ServiceError {
  return new ServiceError(401, 'ERR_SIGN_IN_FAILED', SIGN_IN_FAILED);
}
