import { z } from 'zod';
import { isValidIdNumber } from '../../shared/licence/id-number.js';
import { audit } from '../audit/audit-log.js';
import { endSlotsOfLicence } from '../credentials/credential-states.js';
import { isUniqueViolation } from '../db/errors.js';
import type { BindingCheck } from '../db/schema.js';
import type { ServiceDeps } from '../deps.js';
import { ServiceError } from '../service-error.js';
import type { Notice } from '../notify/notifier.js';
import { CODE_PASSED_VALID_SECONDS, checkCode, sendCode } from './phone-codes.js';
import { NAME_MAX } from '../../shared/licence/record.js';
import { checkRealPerson, endDriverSessions } from './real-person-check.js';
import { REGISTRATION_REFUSED, matchesRegistry } from './register-driver.js';

/**
 * Binding a licence to an account (docs/DOMAIN.md §1.1): an identity event, as the national app's
 * real-name registration is. The account names the licence (number and name, as printed on it);
 * a one-time code goes to the account's phone; then a real-person check — liveness and a 1:1
 * match of a selfie against the identity photo the public-security source holds — for that
 * licence. Only a match binds it. When another account holds the licence, the match takes it over
 * in one transaction: that account's devices stop holding it, its credentials become SUPERSEDED,
 * its open application is closed, its sessions end, it gets an inbox notice, and the e-licence
 * portrait that came from its application is dropped. A failed check changes nothing.
 */

/** The body of `POST /api/me/binding`. */
export const bindingClaimSchema = z.strictObject({
  licenceNumber: z.string().refine(isValidIdNumber),
  name: z.string().refine((name) => {
    const length = Array.from(name).length;
    return length >= 1 && length <= NAME_MAX;
  }),
});

/** The body of `POST /api/me/binding/code`. */
export const bindingCodeSchema = z.strictObject({ code: z.string().regex(/^\d{6}$/) });

/** What each field must be, for ERR_VALIDATION issues. */
export const BINDING_EXPECTED: Readonly<Record<string, string>> = {
  licenceNumber: 'an 18-character citizen ID number (GB 11643) with a correct check character',
  name: `the name as printed on the licence, 1 to ${NAME_MAX} characters`,
  code: 'the six digits sent by SMS',
};

/** Where the account stands in binding, for the app. */
export type BindingState =
  | { readonly state: 'bound' }
  | { readonly state: 'none' }
  | { readonly state: 'code_sent' }
  | { readonly state: 'code_passed'; readonly checkBy: number };

/** The notice the account that held a licence gets when another takes it over. */
export const TAKEN_OVER_NOTICE: Notice = {
  kind: 'licence.taken_over',
  title: '电子驾驶证已由本人在另一账户绑定 / E-licence bound to another account',
  body: '持证人本人通过实人认证，在另一账户绑定了此驾驶证。本账户的电子驾驶证已失效。如非本人操作，请联系交管部门。 / The licence holder passed the real-person check on another account; the e-licence on this account is no longer valid. If this was not you, contact the traffic authority.',
};

function notBound(): ServiceError {
  return new ServiceError(409, 'ERR_NO_BINDING_CLAIM', 'name the licence to bind first');
}

/**
 * Names the licence this account asks to bind and sends a code to its phone. Number and name
 * must match a licence of the registry; a wrong pair is refused with the registration's one
 * answer (nothing says which part is wrong, or whether the licence has an account).
 * @throws {ServiceError} 409 ERR_ALREADY_BOUND when the account holds a licence; 422
 *   ERR_REGISTRATION_REFUSED; 429 ERR_CODE_TOO_SOON; 503 ERR_SMS_UNAVAILABLE.
 */
export async function claimLicence(
  deps: Pick<ServiceDeps, 'db' | 'sms' | 'now'>,
  driverId: number,
  claim: z.output<typeof bindingClaimSchema>,
): Promise<{ expiresAt: number }> {
  const account = await deps.db.kysely
    .selectFrom('drivers')
    .select(['phone', 'licence_number'])
    .where('id', '=', driverId)
    .executeTakeFirstOrThrow();
  if (account.licence_number !== null)
    throw new ServiceError(409, 'ERR_ALREADY_BOUND', 'this account already holds a licence');
  if (!(await matchesRegistry(deps.db, claim.licenceNumber, claim.name)))
    throw new ServiceError(422, 'ERR_REGISTRATION_REFUSED', REGISTRATION_REFUSED);
  const now = deps.now();
  const sent = await sendCode(deps, account.phone, 'binding');
  await deps.db.kysely.transaction().execute(async (trx) => {
    await trx.deleteFrom('binding_claims').where('driver_id', '=', driverId).execute();
    await trx
      .insertInto('binding_claims')
      .values({
        driver_id: driverId,
        licence_number: claim.licenceNumber,
        code_passed_at: null,
        created_at: now,
      })
      .execute();
  });
  return sent;
}

/** The phone of an account that has named a licence to bind. @throws 409 ERR_NO_BINDING_CLAIM. */
async function claimantPhone(deps: Pick<ServiceDeps, 'db'>, driverId: number): Promise<string> {
  const row = await deps.db.kysely
    .selectFrom('binding_claims')
    .innerJoin('drivers', 'drivers.id', 'binding_claims.driver_id')
    .select('drivers.phone')
    .where('binding_claims.driver_id', '=', driverId)
    .executeTakeFirst();
  if (row === undefined) throw notBound();
  return row.phone;
}

/** Sends the code again for the licence already named. */
export async function resendBindingCode(
  deps: Pick<ServiceDeps, 'db' | 'sms' | 'now'>,
  driverId: number,
): Promise<{ expiresAt: number }> {
  const phone = await claimantPhone(deps, driverId);
  return sendCode(deps, phone, 'binding');
}

/**
 * Takes the code sent to the account's phone.
 * @throws {ServiceError} 409 ERR_NO_BINDING_CLAIM; 422 ERR_CODE_WRONG / ERR_CODE_EXPIRED.
 */
export async function confirmBindingCode(
  deps: Pick<ServiceDeps, 'db' | 'now'>,
  driverId: number,
  code: string,
): Promise<{ checkBy: number }> {
  const now = deps.now();
  const phone = await claimantPhone(deps, driverId);
  await checkCode(deps.db.kysely, phone, 'binding', code, now);
  await deps.db.kysely
    .updateTable('binding_claims')
    .set({ code_passed_at: now })
    .where('driver_id', '=', driverId)
    .execute();
  return { checkBy: now + CODE_PASSED_VALID_SECONDS };
}

/** Where the account stands. */
export async function bindingState(
  deps: Pick<ServiceDeps, 'db' | 'now'>,
  driverId: number,
): Promise<BindingState> {
  const row = await deps.db.kysely
    .selectFrom('drivers')
    .leftJoin('binding_claims', 'binding_claims.driver_id', 'drivers.id')
    .select([
      'drivers.licence_number',
      'binding_claims.created_at',
      'binding_claims.code_passed_at',
    ])
    .where('drivers.id', '=', driverId)
    .executeTakeFirstOrThrow();
  if (row.licence_number !== null) return { state: 'bound' };
  if (row.created_at === null) return { state: 'none' };
  const passed = row.code_passed_at;
  if (passed !== null && passed + CODE_PASSED_VALID_SECONDS > deps.now())
    return { state: 'code_passed', checkBy: passed + CODE_PASSED_VALID_SECONDS };
  return { state: 'code_sent' };
}

/**
 * Runs the real-person check for the named licence and, on a match, binds it to the account,
 * taking it over from the account that held it, if any. Every attempt is audited (outcome
 * only: never the selfie, never the score of a failure).
 * @returns the licence number now held and whether it was taken over.
 * `throttle` is called with the licence number before the check (rate limits per licence).
 * @throws {ServiceError} 409 ERR_CODE_REQUIRED when the code was not entered (or too long ago);
 *   422 ERR_IDENTITY_MISMATCH / ERR_LIVENESS_FAILED; 503 ERR_IDENTITY_UNAVAILABLE.
 */
export async function bindLicence(
  deps: Pick<ServiceDeps, 'db' | 'identityCheck' | 'statusLists' | 'notifier' | 'now'>,
  driverId: number,
  selfie: Uint8Array,
  throttle: (licenceNumber: string) => Promise<void>,
): Promise<{ takenOver: boolean }> {
  const now = deps.now();
  const claim = await deps.db.kysely
    .selectFrom('binding_claims')
    .innerJoin('licences', 'licences.licence_number', 'binding_claims.licence_number')
    .select(['binding_claims.licence_number', 'binding_claims.code_passed_at', 'licences.record'])
    .where('binding_claims.driver_id', '=', driverId)
    .executeTakeFirst();
  if (claim === undefined) throw notBound();
  if (claim.code_passed_at === null || claim.code_passed_at + CODE_PASSED_VALID_SECONDS <= now)
    throw new ServiceError(
      409,
      'ERR_CODE_REQUIRED',
      'enter the code sent to your phone first (it is good for the check for 30 minutes)',
    );
  const licenceNumber = claim.licence_number;
  await throttle(licenceNumber);
  const result = await checkRealPerson(deps, {
    driverId,
    licenceNumber,
    record: claim.record,
    selfie,
    purpose: 'binding',
    failure: { action: 'binding.check_failed', subject: licenceNumber },
  });
  const check: BindingCheck = {
    outcome: 'match',
    score: result.score,
    providerRef: result.providerRef,
    at: now,
  };
  let formerHolder: number | undefined;
  try {
    formerHolder = await deps.db.kysely.transaction().execute(async (trx) => {
      const holder = await trx
        .selectFrom('drivers')
        .select('id')
        .where('licence_number', '=', licenceNumber)
        .executeTakeFirst();
      const former = holder !== undefined && holder.id !== driverId ? holder.id : undefined;
      if (former !== undefined) {
        await trx
          .updateTable('drivers')
          .set({ licence_number: null, bound_at: null, binding_check: null })
          .where('id', '=', former)
          .execute();
        await trx
          .updateTable('devices')
          .set({ revoked_at: now })
          .where('driver_id', '=', former)
          .where('revoked_at', 'is', null)
          .execute();
        await endSlotsOfLicence(deps, trx, licenceNumber, 'supersede');
        const closed = await trx
          .updateTable('applications')
          .set({ state: 'abandoned', updated_at: now })
          .where('driver_id', '=', former)
          .where('state', 'not in', ['issued', 'abandoned'])
          .returning('id')
          .execute();
        const portrait = await trx
          .deleteFrom('portraits')
          .where('licence_number', '=', licenceNumber)
          .where('source', '=', 'application')
          .executeTakeFirst();
        if (portrait.numDeletedRows > 0n)
          await trx
            .updateTable('licences')
            .set({ portrait_hash: null, updated_at: now })
            .where('licence_number', '=', licenceNumber)
            .execute();
        await endDriverSessions(trx, former);
        await deps.notifier.record(trx, former, TAKEN_OVER_NOTICE, now);
        await audit(trx, {
          actor: `driver:${driverId}`,
          action: 'licence.taken_over',
          subject: licenceNumber,
          before: { driverId: former },
          after: {
            driverId,
            closedApplications: closed.map((c) => c.id),
            applicationPortraitDropped: portrait.numDeletedRows > 0n,
          },
          at: now,
        });
      }
      await trx
        .updateTable('drivers')
        .set({ licence_number: licenceNumber, bound_at: now, binding_check: JSON.stringify(check) })
        .where('id', '=', driverId)
        .execute();
      await trx.deleteFrom('binding_claims').where('driver_id', '=', driverId).execute();
      await audit(trx, {
        actor: `driver:${driverId}`,
        action: 'licence.bound',
        subject: licenceNumber,
        after: { driverId, ...result },
        at: now,
      });
      return former;
    });
  } catch (error) {
    // Two matches for one licence at once: the unique licence_number lets one through.
    if (isUniqueViolation(error))
      throw new ServiceError(
        409,
        'ERR_BINDING_CONFLICT',
        'the licence was bound meanwhile by another account; try again',
      );
    throw error;
  }
  if (formerHolder !== undefined) deps.notifier.push(formerHolder, TAKEN_OVER_NOTICE);
  return { takenOver: formerHolder !== undefined };
}
