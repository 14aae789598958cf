import { z } from 'zod';
import type { Db } from '../db/database.js';
import type { Auth, Role } from '../http/session.js';
import { DUMMY_HASH, verifyPassword } from './password.js';
import {
  failedTry,
  forgetFailures,
  takeTry,
  type NamedAccount,
  type SignInName,
} from './sign-in-failures.js';

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
}

/** The name a sign-in request gives. */
function nameOf(request: SignInRequest): SignInName {
  switch (request.kind) {
    case 'driver':
      return { kind: 'driver', name: request.licenceNumber };
    case 'phone':
      return { kind: 'phone', name: request.phone };
    case 'staff':
      return { kind: 'staff', name: request.username };
  }
}

/**
 * Checks a driver's or a member of staff's password. Failures are counted per sign-in name
 * (sign-in-failures.ts), whether an account has it or not: an unknown name and a wrong password
 * get the same answer after the same scrypt (an unknown account's against DUMMY_HASH), with the
 * tries left, and a locked name the same answer whatever the password, with the time the lock
 * ends. Neither tells whether a licence, phone or username has an account. A success forgets the
 * name's failures. A staff account an admin disabled signs in as an unknown name does.
 *
 * @throws {ServiceError} 401 ERR_SIGN_IN_FAILED (with `triesLeft`) on a wrong password or an
 *   unknown name; 429 ERR_SIGN_IN_LOCKED (with `lockedUntil`, `retryAfter`) while the name is
 *   locked and by the failure that locks it.
 */
export async function signIn(db: Db, request: SignInRequest, now: number): Promise<SignedIn> {
  const subject = request.kind === 'staff' ? 'staff' : 'driver';
  const name = nameOf(request);
  const account = await findAccount(db, request);
  const named: NamedAccount | undefined =
    account === undefined ? undefined : { subject, id: account.id };
  // The try is counted before the password is compared: tries side by side cannot each be
  // compared on the same count.
  const triesLeft = await takeTry(db.kysely, name, named, now);
  const matches = await verifyPassword(request.password, account?.password_hash ?? DUMMY_HASH);
  if (account === undefined || !matches)
    throw await failedTry(db.kysely, name, named, triesLeft, now);
  await forgetFailures(db.kysely, [name]);
  return { subject, subjectId: account.id, role: account.role };
}

async function findAccount(db: Db, request: SignInRequest): Promise<Account | undefined> {
  const columns = ['id', 'password_hash'] as const;
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
  // A disabled account signs in as an unknown name does: the same answer, the same count.
  return db.kysely
    .selectFrom('staff')
    .select([...columns, 'role'])
    .where('username', '=', request.username)
    .where('disabled_at', 'is', null)
    .executeTakeFirst();
}
