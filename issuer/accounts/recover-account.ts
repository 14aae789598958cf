import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';

import { audit } from '../audit/audit-log.js';
import type { ServiceDeps } from '../deps.js';
import { ServiceError } from '../service-error.js';
import type { Notice } from '../notify/notifier.js';
import { driverNames, forgetFailures } from './sign-in-failures.js';
import { checkRealPerson, endDriverSessions } from './real-person-check.js';
import {
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  hashPassword,
  passwordProblem,
} from './password.js';
import { checkCode, sendCode } from './phone-codes.js';

/**
 * 忘记密码 (docs/DOMAIN.md §1.1): a code to the account's phone, then — when the account holds a
 * licence — a real-person check for that licence, then a new password. The new password ends
 * every session of the account. Nothing says whether a phone number has an account: asking for
 * a code answers the same either way.
 */

const PHONE = /^1[3-9]\d{9}$/;
/** How long the token from an entered code may finish the reset. */
export const RESET_TOKEN_SECONDS = 15 * 60;

export const resetRequestSchema = z.strictObject({ phone: z.string().regex(PHONE) });
export const resetCodeSchema = z.strictObject({
  phone: z.string().regex(PHONE),
  code: z.string().regex(/^\d{6}$/),
});
export const resetCompleteSchema = z.strictObject({
  token: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
  password: z.string().refine((p) => passwordProblem(p) === undefined),
  selfie: z.string().optional(),
});
export const RESET_EXPECTED: Readonly<Record<string, string>> = {
  phone: 'a mainland mobile number: 11 digits, 1 then 3-9',
  code: 'the six digits sent by SMS',
  token: 'the token answered when the code was entered',
  password: `a password of ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters`,
  selfie: 'the selfie, a JPEG of at most 1048576 bytes, in canonical base64',
};

/** The notice the account gets once its password was reset. */
export const PASSWORD_RESET_NOTICE: Notice = {
  kind: 'account.password_reset',
  title: '密码已重置 / Password reset',
  body: '您的账户密码已通过短信验证码和实人认证重置，所有设备已退出登录。如非本人操作，请联系交管部门。 / Your password was reset with an SMS code and a real-person check; every device was signed out. If this was not you, contact the traffic authority.',
};

const tokenHash = (token: string) => createHash('sha256').update(token).digest('base64url');

/**
 * Sends a recovery code when `phone` has an account; answers the same when it has none, or when
 * a code was sent a moment ago (the limits of phone-codes.ts hold either way).
 */
export async function requestReset(
  deps: Pick<ServiceDeps, 'db' | 'sms' | 'now' | 'logger'>,
  phone: string,
): Promise<void> {
  const account = await deps.db.kysely
    .selectFrom('drivers')
    .select('id')
    .where('phone', '=', phone)
    .executeTakeFirst();
  if (account === undefined) return;
  try {
    await sendCode(deps, phone, 'recovery');
  } catch (error) {
    if (!(error instanceof ServiceError)) throw error;
    deps.logger.warn({ driverId: account.id, code: error.code }, 'recovery code not sent');
  }
}

/**
 * Takes the recovery code; answers a token that finishes the reset, and whether a real-person
 * check will be asked (the account holds a licence).
 * @throws {ServiceError} 422 ERR_CODE_WRONG / ERR_CODE_EXPIRED.
 */
export async function enterResetCode(
  deps: Pick<ServiceDeps, 'db' | 'now'>,
  phone: string,
  code: string,
): Promise<{ token: string; checkNeeded: boolean; expiresAt: number }> {
  const now = deps.now();
  await checkCode(deps.db.kysely, phone, 'recovery', code, now);
  const account = await deps.db.kysely
    .selectFrom('drivers')
    .select(['id', 'licence_number'])
    .where('phone', '=', phone)
    .executeTakeFirst();
  // A code was sent only to a phone with an account, so one matched; gone since: as expired.
  if (account === undefined)
    throw new ServiceError(422, 'ERR_CODE_EXPIRED', 'no code is waiting: ask for a new one');
  const token = randomBytes(32).toString('base64url');
  await deps.db.kysely
    .insertInto('account_resets')
    .values({
      token_hash: tokenHash(token),
      driver_id: account.id,
      expires_at: now + RESET_TOKEN_SECONDS,
      created_at: now,
    })
    .execute();
  return {
    token,
    checkNeeded: account.licence_number !== null,
    expiresAt: now + RESET_TOKEN_SECONDS,
  };
}

/**
 * Sets the new password: after a real-person check for the account's licence when it holds one.
 * Ends every session of the account, resets its lock-out, audits, and leaves an inbox notice.
 * @throws {ServiceError} 410 ERR_RESET_EXPIRED for an unknown or old token; 422 ERR_VALIDATION
 *   when the selfie is missing; 422 ERR_IDENTITY_MISMATCH / ERR_LIVENESS_FAILED; 503
 *   ERR_IDENTITY_UNAVAILABLE (the token stays good until it expires).
 */
export async function completeReset(
  deps: Pick<ServiceDeps, 'db' | 'identityCheck' | 'notifier' | 'now'>,
  token: string,
  password: string,
  selfie: Uint8Array | undefined,
): Promise<void> {
  const now = deps.now();
  const reset = await deps.db.kysely
    .selectFrom('account_resets')
    .innerJoin('drivers', 'drivers.id', 'account_resets.driver_id')
    .leftJoin('licences', 'licences.licence_number', 'drivers.licence_number')
    .select([
      'account_resets.driver_id',
      'account_resets.expires_at',
      'drivers.licence_number',
      'drivers.phone',
      'licences.record',
    ])
    .where('account_resets.token_hash', '=', tokenHash(token))
    .executeTakeFirst();
  if (reset === undefined || reset.expires_at <= now)
    throw new ServiceError(410, 'ERR_RESET_EXPIRED', 'this reset has expired: ask for a new code');
  const driverId = reset.driver_id;
  let check: { requestId: string; providerRef: string } | undefined;
  if (reset.licence_number !== null && reset.record !== null) {
    if (selfie === undefined)
      throw new ServiceError(422, 'ERR_VALIDATION', 'a real-person check is needed', {
        issues: [{ field: 'selfie', expected: RESET_EXPECTED.selfie, found: 'nothing' }],
      });
    const passed = await checkRealPerson(deps, {
      driverId,
      licenceNumber: reset.licence_number,
      record: reset.record,
      selfie,
      purpose: 'recovery',
      failure: { action: 'account.reset_check_failed', subject: `driver:${driverId}` },
    });
    check = { requestId: passed.requestId, providerRef: passed.providerRef };
  }
  const passwordHash = await hashPassword(password);
  await deps.db.kysely.transaction().execute(async (trx) => {
    const spent = await trx
      .deleteFrom('account_resets')
      .where('token_hash', '=', tokenHash(token))
      .executeTakeFirst();
    if (spent.numDeletedRows === 0n)
      throw new ServiceError(410, 'ERR_RESET_EXPIRED', 'this reset was used already');
    await trx
      .updateTable('drivers')
      .set({ password_hash: passwordHash })
      .where('id', '=', driverId)
      .execute();
    await forgetFailures(
      trx,
      driverNames({ phone: reset.phone, licenceNumber: reset.licence_number }),
    );
    await endDriverSessions(trx, driverId);
    await deps.notifier.record(trx, driverId, PASSWORD_RESET_NOTICE, now);
    await audit(trx, {
      actor: `driver:${driverId}`,
      action: 'account.password_reset',
      subject: `driver:${driverId}`,
      after: { realPersonCheck: check ?? null },
      at: now,
    });
  });
  deps.notifier.push(driverId, PASSWORD_RESET_NOTICE);
}
