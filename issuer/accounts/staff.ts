import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { audit } from '../audit/audit-log.js';
import type { Db } from '../db/database.js';
import { ServiceError } from '../service-error.js';
import { isUniqueViolation } from '../db/errors.js';
import { parseInput } from '../http/validation.js';
import { hashPassword } from './password.js';
import { STAFF_ROLES, type StaffRole } from './replies.js';
import { locksOf } from './sign-in-failures.js';

/** Lower-case ASCII, starting with a letter, 3–32 characters. */
const USERNAME = /^[a-z][a-z0-9_.-]{2,31}$/;
/** 18 random bytes: 144 bits, 24 base64url characters. */
const GENERATED_PASSWORD_BYTES = 18;

/** The body of `POST /api/staff`, and what {@link createStaff} accepts. */
export const staffCreationSchema = z.strictObject({
  username: z.string().regex(USERNAME),
  role: z.enum(STAFF_ROLES),
});

/** What each field of {@link staffCreationSchema} must be, for ERR_VALIDATION issues. */
export const STAFF_CREATION_EXPECTED: Readonly<Record<string, string>> = {
  username: 'a username of 3 to 32 characters a-z 0-9 _ . -, starting with a letter',
  role: '"reviewer" or "admin"',
};

/** A new member of staff with the password made for them: shown once, stored only hashed. */
export interface CreatedStaff {
  readonly id: number;
  readonly username: string;
  readonly role: StaffRole;
  readonly password: string;
}

/** A member of staff as listed to an admin: never the hash. */
export interface StaffSummary {
  readonly id: number;
  readonly username: string;
  readonly role: StaffRole;
  readonly createdAt: number;
  /** When the lockout after failed sign-ins ends; null when not locked. */
  readonly lockedUntil: number | null;
  /** When an admin disabled the account; null while it may sign in. */
  readonly disabledAt: number | null;
}

/**
 * Creates a staff account with a generated password (random, base64url, 24 characters) and
 * returns it, once: only its scrypt hash is stored. Used by `POST /api/staff`, by
 * `liangzheng admin create` and by the demo data. Audited as `staff.create` by `actor`.
 *
 * @param actor who creates it, for the audit log: `staff:<id>`, `cli` or `system`.
 * @throws {ServiceError} 422 ERR_VALIDATION when the username or role is not valid;
 *   409 ERR_USERNAME_TAKEN when the username exists.
 */
export async function createStaff(
  db: Db,
  account: { readonly username: string; readonly role: StaffRole },
  now: number,
  actor = 'system',
): Promise<CreatedStaff> {
  const { username, role } = parseInput(staffCreationSchema, account, STAFF_CREATION_EXPECTED);
  const taken = await db.kysely
    .selectFrom('staff')
    .select('id')
    .where('username', '=', username)
    .executeTakeFirst();
  if (taken !== undefined) throw usernameTaken();
  const password = randomBytes(GENERATED_PASSWORD_BYTES).toString('base64url');
  const passwordHash = await hashPassword(password);
  try {
    const id = await db.kysely.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('staff')
        .values({
          username,
          role,
          password_hash: passwordHash,
          created_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await audit(trx, {
        actor,
        action: 'staff.create',
        subject: `staff:${row.id}`,
        after: { username, role },
        at: now,
      });
      return row.id;
    });
    return { id, username, role, password };
  } catch (error) {
    if (isUniqueViolation(error)) throw usernameTaken();
    throw error;
  }
}

function usernameTaken(): ServiceError {
  return new ServiceError(
    409,
    'ERR_USERNAME_TAKEN',
    'username: expected one not yet taken, found one that is',
  );
}

/** Every member of staff, by id, without password hashes. */
export async function listStaff(db: Db, now: number): Promise<StaffSummary[]> {
  const rows = await db.kysely
    .selectFrom('staff')
    .select(['id', 'username', 'role', 'created_at', 'disabled_at'])
    .orderBy('id')
    .execute();
  const locks = await locksOf(
    db.kysely,
    rows.map((r) => ({ kind: 'staff', name: r.username })),
    now,
  );
  return rows.map((r, i) => ({
    id: r.id,
    username: r.username,
    role: r.role,
    createdAt: r.created_at,
    lockedUntil: locks[i] ?? null,
    disabledAt: r.disabled_at,
  }));
}
