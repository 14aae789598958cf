import { z } from 'zod';

import { audit } from '../audit/audit-log.js';
import { isUniqueViolation } from '../db/errors.js';
import type { ServiceDeps } from '../deps.js';
import { ServiceError } from '../service-error.js';
import { checkRealPerson } from './real-person-check.js';
import { checkCode, sendCode } from './phone-codes.js';

/**
 * A change of the account's phone number (docs/DOMAIN.md §1.1): a code to the new number proves
 * the driver has it; a real-person check for the account's licence proves who asks (the old
 * number may be lost, or someone else's hands may be on the session). An account that holds no
 * licence changes it with the code alone.
 */

const PHONE = /^1[3-9]\d{9}$/;
export const newPhoneSchema = z.strictObject({ phone: z.string().regex(PHONE) });
export const confirmPhoneSchema = z.strictObject({
  phone: z.string().regex(PHONE),
  code: z.string().regex(/^\d{6}$/),
  selfie: z.string().optional(),
});
export const PHONE_CHANGE_EXPECTED: Readonly<Record<string, string>> = {
  phone: 'a mainland mobile number: 11 digits, 1 then 3-9',
  code: 'the six digits sent by SMS to the new number',
  selfie: 'the selfie, a JPEG of at most 1048576 bytes, in canonical base64',
};

function taken(): ServiceError {
  return new ServiceError(
    409,
    'ERR_PHONE_TAKEN',
    'this phone number belongs to another account; sign in there, or use 忘记密码',
  );
}

/** Sends a code to the new number. @throws {ServiceError} 409 ERR_PHONE_TAKEN; 429; 503. */
export async function requestPhoneChange(
  deps: Pick<ServiceDeps, 'db' | 'sms' | 'now'>,
  driverId: number,
  phone: string,
): Promise<{ expiresAt: number }> {
  const other = await deps.db.kysely
    .selectFrom('drivers')
    .select('id')
    .where('phone', '=', phone)
    .executeTakeFirst();
  if (other !== undefined && other.id !== driverId) throw taken();
  return sendCode(deps, phone, 'phone_change');
}

/**
 * Takes the code sent to the new number and, when the account holds a licence, the selfie for
 * a real-person check; then the number is the account's. Audited with neither number.
 * @throws {ServiceError} 422 ERR_CODE_WRONG / ERR_CODE_EXPIRED / ERR_VALIDATION (no selfie) /
 *   ERR_IDENTITY_MISMATCH / ERR_LIVENESS_FAILED; 503 ERR_IDENTITY_UNAVAILABLE; 409
 *   ERR_PHONE_TAKEN.
 */
export async function confirmPhoneChange(
  deps: Pick<ServiceDeps, 'db' | 'identityCheck' | 'now'>,
  driverId: number,
  change: { readonly phone: string; readonly code: string; readonly selfie?: Uint8Array },
): Promise<void> {
  const now = deps.now();
  const account = await deps.db.kysely
    .selectFrom('drivers')
    .leftJoin('licences', 'licences.licence_number', 'drivers.licence_number')
    .select(['drivers.licence_number', 'licences.record'])
    .where('drivers.id', '=', driverId)
    .executeTakeFirstOrThrow();
  if (account.licence_number !== null && change.selfie === undefined)
    throw new ServiceError(422, 'ERR_VALIDATION', 'a real-person check is needed', {
      issues: [{ field: 'selfie', expected: PHONE_CHANGE_EXPECTED.selfie, found: 'nothing' }],
    });
  await checkCode(deps.db.kysely, change.phone, 'phone_change', change.code, now);
  let requestId: string | undefined;
  if (account.licence_number !== null && account.record !== null && change.selfie !== undefined) {
    ({ requestId } = await checkRealPerson(deps, {
      driverId,
      licenceNumber: account.licence_number,
      record: account.record,
      selfie: change.selfie,
      purpose: 'recovery',
      failure: { action: 'account.phone_check_failed', subject: `driver:${driverId}` },
    }));
  }
  try {
    await deps.db.kysely.transaction().execute(async (trx) => {
      await trx
        .updateTable('drivers')
        .set({ phone: change.phone })
        .where('id', '=', driverId)
        .execute();
      await audit(trx, {
        actor: `driver:${driverId}`,
        action: 'account.phone_changed',
        subject: `driver:${driverId}`,
        after: { realPersonCheck: requestId ?? null },
        at: now,
      });
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw taken();
    throw error;
  }
}
