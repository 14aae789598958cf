import { createHash, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, PhoneCodePurpose } from '../db/schema.js';
import type { ServiceDeps } from '../deps.js';
import { ServiceError } from '../service-error.js';

/**
 * One-time codes sent by SMS (docs/DOMAIN.md §1.1): six digits, valid {@link CODE_TTL_SECONDS},
 * {@link CODE_MAX_ATTEMPTS} tries each, at most one a minute and {@link CODES_PER_HOUR} an hour
 * per phone and purpose. Only a hash of each code is kept, salted with the phone and purpose.
 */

export const CODE_TTL_SECONDS = 5 * 60;
export const CODE_MAX_ATTEMPTS = 5;
export const CODE_RESEND_SECONDS = 60;
export const CODES_PER_HOUR = 5;
/** How long a code entered right may be used for the step that needs it. */
export const CODE_PASSED_VALID_SECONDS = 30 * 60;

const TEMPLATE = {
  binding: 'binding_code',
  recovery: 'recovery_code',
  phone_change: 'phone_change_code',
} as const;

function hashCode(phone: string, purpose: PhoneCodePurpose, code: string): string {
  return createHash('sha256').update(`${purpose}\n${phone}\n${code}`, 'utf8').digest('base64url');
}

/**
 * Sends a new code to `phone` for `purpose`.
 * @throws {ServiceError} 429 ERR_CODE_TOO_SOON (with `retryAfter`) within a minute of the last
 *   one or past {@link CODES_PER_HOUR} an hour; 503 ERR_SMS_UNAVAILABLE when the gateway did not
 *   take it (nothing is kept then).
 */
export async function sendCode(
  deps: Pick<ServiceDeps, 'db' | 'sms' | 'now'>,
  phone: string,
  purpose: PhoneCodePurpose,
): Promise<{ expiresAt: number }> {
  const now = deps.now();
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  // The limits checked and the code kept in one transaction, one at a time for a phone and
  // purpose: requests that come together cannot each pass the check and each send an SMS (ten at
  // once sent ten). The SMS goes after, and its code is taken back when the gateway refuses it.
  const id = await deps.db.kysely.transaction().execute(async (trx) => {
    // PostgreSQL waits here for the phone's lock; SQLite's transaction holds the write lock from
    // its start (BEGIN IMMEDIATE, database.ts).
    if (deps.db.engine === 'postgres')
      await sql`select pg_advisory_xact_lock(hashtextextended(${`phone_codes ${purpose} ${phone}`}, 0))`.execute(
        trx,
      );
    // The codes sent in the last hour.
    const recent = await trx
      .selectFrom('phone_codes')
      .select('sent_at')
      .where('phone', '=', phone)
      .where('purpose', '=', purpose)
      .where('sent_at', '>', now - 3600)
      .orderBy('sent_at', 'desc')
      .execute();
    const last = recent[0]?.sent_at;
    if (last !== undefined && now - last < CODE_RESEND_SECONDS)
      throw tooSoon(CODE_RESEND_SECONDS - (now - last));
    if (recent.length >= CODES_PER_HOUR) {
      const oldest = recent[recent.length - 1]?.sent_at ?? now;
      throw tooSoon(oldest + 3600 - now);
    }
    const kept = await trx
      .insertInto('phone_codes')
      .values({
        phone,
        purpose,
        code_hash: hashCode(phone, purpose, code),
        sent_at: now,
        expires_at: now + CODE_TTL_SECONDS,
        attempts: 0,
        passed_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return kept.id;
  });
  const sent = await deps.sms
    .send({ phone, template: TEMPLATE[purpose], code, requestId: `sms-${randomUUID()}` })
    .catch(async (error: unknown) => {
      await forget(deps.db.kysely, id);
      throw error;
    });
  if (sent.outcome !== 'sent') {
    await forget(deps.db.kysely, id);
    throw new ServiceError(
      503,
      'ERR_SMS_UNAVAILABLE',
      'the code could not be sent now; try again in a few minutes',
    );
  }
  return { expiresAt: now + CODE_TTL_SECONDS };
}

/** Takes back a code the gateway did not send: nothing is kept of it. */
async function forget(db: Kysely<Database>, id: number): Promise<void> {
  await db.deleteFrom('phone_codes').where('id', '=', id).execute();
}

function tooSoon(retryAfter: number): ServiceError {
  return new ServiceError(
    429,
    'ERR_CODE_TOO_SOON',
    `a code was sent a moment ago: a new one may be asked for in ${retryAfter} s (at most one a minute, ${CODES_PER_HOUR} an hour)`,
    { retryAfter },
  );
}

/**
 * Checks a code against the last one sent to `phone` for `purpose` and marks it used.
 * @throws {ServiceError} 422 ERR_CODE_WRONG (with `triesLeft`) for a wrong code; 422
 *   ERR_CODE_EXPIRED when no live code is left (expired, used up, or never sent): ask again.
 */
export async function checkCode(
  db: Kysely<Database> | Transaction<Database>,
  phone: string,
  purpose: PhoneCodePurpose,
  code: string,
  now: number,
): Promise<void> {
  const last = await db
    .selectFrom('phone_codes')
    .select(['id', 'code_hash', 'expires_at', 'attempts', 'passed_at'])
    .where('phone', '=', phone)
    .where('purpose', '=', purpose)
    .orderBy('sent_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  const expired = () =>
    new ServiceError(
      422,
      'ERR_CODE_EXPIRED',
      `no code is waiting: a code is valid for ${CODE_TTL_SECONDS / 60} minutes and ${CODE_MAX_ATTEMPTS} tries; ask for a new one`,
    );
  if (last === undefined || last.passed_at !== null || last.expires_at <= now) throw expired();
  // A try is taken before the code is compared, in one statement that counts it only while tries
  // are left: guesses sent side by side are each counted, where each read the same count and
  // forty were compared against five allowed.
  const taken = await db
    .updateTable('phone_codes')
    .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
    .where('id', '=', last.id)
    .where('attempts', '<', CODE_MAX_ATTEMPTS)
    .where('passed_at', 'is', null)
    .returning('attempts')
    .executeTakeFirst();
  if (taken === undefined) throw expired();
  const expected = Buffer.from(last.code_hash);
  const given = Buffer.from(hashCode(phone, purpose, code));
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    const triesLeft = CODE_MAX_ATTEMPTS - taken.attempts;
    throw new ServiceError(
      422,
      'ERR_CODE_WRONG',
      `the code is not the one sent; ${triesLeft} ${triesLeft === 1 ? 'try' : 'tries'} left`,
      { triesLeft },
    );
  }
  // Used once: of two right codes side by side, one passes.
  const passed = await db
    .updateTable('phone_codes')
    .set({ passed_at: now })
    .where('id', '=', last.id)
    .where('passed_at', 'is', null)
    .executeTakeFirst();
  if (passed.numUpdatedRows === 0n) throw expired();
}
