import { randomBytes } from 'node:crypto';
import type { Transaction } from 'kysely';
import { audit } from '../audit/audit-log.js';
import type { Db } from '../db/database.js';
import type { Database } from '../db/schema.js';
import { endSessionsOf } from '../http/session.js';
import { conflict, notFound, type ServiceError } from '../service-error.js';
import { hashPassword } from './password.js';
import type { StaffRole } from './replies.js';
import { forgetFailures } from './sign-in-failures.js';

/** 18 random bytes: 144 bits, 24 base64url characters, as a new account's (staff.ts). */
const GENERATED_PASSWORD_BYTES = 18;

/** What an admin does to another member of staff's account. */
export type StaffChange =
  | { readonly kind: 'disable' }
  | { readonly kind: 'enable' }
  | { readonly kind: 'role'; readonly role: StaffRole };

/** An account as these changes read it. */
interface StaffRow {
  readonly id: number;
  readonly username: string;
  readonly role: StaffRole;
  readonly disabled_at: number | null;
}

/**
 * 409 ERR_OWN_ACCOUNT: an admin does not disable, demote or reset the password of their own
 * account; another admin does. So one admin at least always stays who can sign in.
 */
function ownAccount(what: string): ServiceError {
  return conflict(
    'ERR_OWN_ACCOUNT',
    `${what}: expected another member of staff's account, found the signed-in admin's own (another admin does this)`,
  );
}

/** The account `id`, read in `trx`. @throws {ServiceError} 404 when there is none. */
async function staffRow(trx: Transaction<Database>, id: number): Promise<StaffRow> {
  const row = await trx
    .selectFrom('staff')
    .select(['id', 'username', 'role', 'disabled_at'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (row === undefined) throw notFound(`staff account ${id}`);
  return row;
}

/** The account after a change, as the routes answer it. */
export interface StaffState {
  readonly id: number;
  readonly role: StaffRole;
  readonly disabledAt: number | null;
}

/**
 * Disables or enables a member of staff's account, or gives it another role, by admin `adminId`.
 * Disabling ends its sessions at once (and it signs in as an unknown name does until enabled);
 * a new role ends them too, since a session carries the role it began with. A change to the
 * state the account already has changes nothing and is not audited. Audited as `staff.disable`,
 * `staff.enable` or `staff.role` (subject `staff:<id>`), with the state before and after.
 *
 * @throws {ServiceError} 404 ERR_NOT_FOUND for an unknown account; 409 ERR_OWN_ACCOUNT for the
 *   admin's own.
 */
export async function changeStaff(
  db: Db,
  id: number,
  change: StaffChange,
  adminId: number,
  now: number,
): Promise<StaffState> {
  if (id === adminId) throw ownAccount(change.kind === 'role' ? 'role' : change.kind);
  return db.kysely.transaction().execute(async (trx) => {
    const row = await staffRow(trx, id);
    const before = { role: row.role, disabledAt: row.disabled_at };
    const after =
      change.kind === 'role'
        ? { ...before, role: change.role }
        : { ...before, disabledAt: change.kind === 'disable' ? (row.disabled_at ?? now) : null };
    if (after.role === before.role && after.disabledAt === before.disabledAt)
      return { id, ...before };
    await trx
      .updateTable('staff')
      .set({ role: after.role, disabled_at: after.disabledAt })
      .where('id', '=', id)
      .execute();
    if (change.kind !== 'enable') await endSessionsOf(trx, 'staff', id);
    await audit(trx, {
      actor: `staff:${adminId}`,
      action: `staff.${change.kind}`,
      subject: `staff:${id}`,
      before: change.kind === 'role' ? { role: before.role } : { disabledAt: before.disabledAt },
      after: change.kind === 'role' ? { role: after.role } : { disabledAt: after.disabledAt },
      at: now,
    });
    return { id, ...after };
  });
}

/**
 * Gives a member of staff's account a new generated password (shown once, only its hash kept),
 * by admin `adminId`: its sessions end, its failed sign-ins and any lock are forgotten. A
 * disabled account stays disabled. Audited as `staff.password_reset`, without the password.
 *
 * @throws {ServiceError} 404 ERR_NOT_FOUND for an unknown account; 409 ERR_OWN_ACCOUNT for the
 *   admin's own.
 */
export async function resetStaffPassword(
  db: Db,
  id: number,
  adminId: number,
  now: number,
): Promise<{ id: number; username: string; password: string }> {
  if (id === adminId) throw ownAccount('password');
  const password = randomBytes(GENERATED_PASSWORD_BYTES).toString('base64url');
  const passwordHash = await hashPassword(password);
  const username = await db.kysely.transaction().execute(async (trx) => {
    const row = await staffRow(trx, id);
    await trx
      .updateTable('staff')
      .set({ password_hash: passwordHash })
      .where('id', '=', id)
      .execute();
    await endSessionsOf(trx, 'staff', id);
    await forgetFailures(trx, [{ kind: 'staff', name: row.username }]);
    await audit(trx, {
      actor: `staff:${adminId}`,
      action: 'staff.password_reset',
      subject: `staff:${id}`,
      at: now,
    });
    return row.username;
  });
  return { id, username, password };
}
