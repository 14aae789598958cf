import { z } from 'zod';
import { isValidIdNumber } from '../../shared/licence/id-number.js';
import { NAME_MAX } from '../../shared/licence/record.js';
import { audit } from '../audit/audit-log.js';
import type { Db } from '../db/database.js';
import type { ServiceDeps } from '../deps.js';
import { sendCode } from './phone-codes.js';
import { ServiceError } from '../service-error.js';
import { isUniqueViolation } from '../db/errors.js';
import {
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  hashPassword,
  passwordProblem,
} from './password.js';
import { sameName } from './name-key.js';

/** A mainland China mobile number: 11 digits, 1 then 3–9 (no country code, no spaces). */
const MAINLAND_MOBILE = /^1[3-9]\d{9}$/;

/** The body of `POST /api/drivers`. */
export const driverRegistrationSchema = z.strictObject({
  licenceNumber: z.string().refine(isValidIdNumber),
  name: z.string().refine((name) => {
    const length = Array.from(name).length;
    return length >= 1 && length <= NAME_MAX;
  }),
  phone: z.string().regex(MAINLAND_MOBILE),
  password: z.string().refine((password) => passwordProblem(password) === undefined),
});

/** What each field of {@link driverRegistrationSchema} must be, for ERR_VALIDATION issues. */
export const DRIVER_REGISTRATION_EXPECTED: Readonly<Record<string, string>> = {
  licenceNumber: 'an 18-character citizen ID number (GB 11643) with a correct check character',
  name: `the name as printed on the licence, 1 to ${NAME_MAX} characters`,
  phone: 'a mainland mobile number: 11 digits, 1 then 3-9',
  password: `a password of ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters`,
};

/** A validated registration. */
export type DriverRegistration = z.output<typeof driverRegistrationSchema>;

const storedRecord = z.looseObject({ name: z.string() });

/** A record of a licence's usual shape and size, whose name no one has (it is empty). */
const STAND_IN_RECORD = JSON.stringify({
  licenceNumber: '000000000000000000',
  name: '',
  sex: '男',
  nationality: 'CHN',
  address: '北京市东城区东长安街一号院一号楼一单元一零一室',
  birthDate: '1970-01-01',
  firstIssueDate: '1990-01-01',
  classes: ['C1'],
  validFrom: '2020-01-01',
  validTo: '2030-01-01',
  issuingAuthority: '北京市公安局公安交通管理局',
  fileNumber: '000000000000',
  status: 'A',
  points: 0,
});

/** The one answer to a registration that is refused, whatever the reason. */
export const REGISTRATION_REFUSED =
  'licence number and name do not match a licence of the registry, or the phone number already has an account (then sign in, or use 忘记密码)';

/**
 * True when `name` is the name of licence `licenceNumber` in the registry (exactly, after NFC
 * normalisation). An unknown number costs what a wrong name does: one query and one comparison
 * with a stand-in record.
 */
export async function matchesRegistry(
  db: Db,
  licenceNumber: string,
  name: string,
): Promise<boolean> {
  const licence = await db.kysely
    .selectFrom('licences')
    .select('record')
    .where('licence_number', '=', licenceNumber)
    .executeTakeFirst();
  const matches = recordHasName(licence?.record ?? STAND_IN_RECORD, name);
  return licence !== undefined && matches;
}

/**
 * Registers a driver's account: a phone number and a password, with the licence it asks to bind
 * (docs/DOMAIN.md §1.1). The account holds no licence yet: a code goes to the phone, and the
 * licence is bound only after that code and a real-person check (bind-licence.ts). Number and
 * name must match a licence of the registry, and the phone must have no account: an unknown
 * number, a wrong name and a phone already used get the same answer after the same queries, so
 * that nobody can ask the service which numbers exist, which name goes with one, or which phone
 * has an account. A licence that another account holds is no refusal: only the real-person check
 * decides who holds it. The registration is audited (without phone or password).
 *
 * @throws {ServiceError} 422 ERR_REGISTRATION_REFUSED ({@link REGISTRATION_REFUSED}); 429
 *   ERR_CODE_TOO_SOON; 503 ERR_SMS_UNAVAILABLE (nothing is kept then).
 */
export async function registerDriver(
  deps: Pick<ServiceDeps, 'db' | 'sms' | 'now'>,
  registration: DriverRegistration,
): Promise<{ driverId: number; expiresAt: number }> {
  const { db } = deps;
  const now = deps.now();
  const matches = await matchesRegistry(db, registration.licenceNumber, registration.name);
  const phoneTaken = await db.kysely
    .selectFrom('drivers')
    .select('id')
    .where('phone', '=', registration.phone)
    .executeTakeFirst();
  if (!matches || phoneTaken !== undefined) throw refused();

  const passwordHash = await hashPassword(registration.password);
  const { expiresAt } = await sendCode(deps, registration.phone, 'binding');
  try {
    const driverId = await db.kysely.transaction().execute(async (trx) => {
      const { id } = await trx
        .insertInto('drivers')
        .values({
          licence_number: null,
          phone: registration.phone,
          password_hash: passwordHash,
          created_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await trx
        .insertInto('binding_claims')
        .values({
          driver_id: id,
          licence_number: registration.licenceNumber,
          code_passed_at: null,
          created_at: now,
        })
        .execute();
      await audit(trx, {
        actor: `driver:${id}`,
        action: 'driver.register',
        subject: registration.licenceNumber,
        after: { driverId: id },
        at: now,
      });
      return id;
    });
    return { driverId, expiresAt };
  } catch (error) {
    // Two registrations with one phone at once: the unique phone lets one through.
    if (isUniqueViolation(error)) throw refused();
    throw error;
  }
}
function refused(): ServiceError {
  return new ServiceError(422, 'ERR_REGISTRATION_REFUSED', REGISTRATION_REFUSED);
}

function recordHasName(recordJson: string, name: string): boolean {
  const record = storedRecord.safeParse(JSON.parse(recordJson));
  // The registry's own data is wrong: a 500, and a message without the record.
  if (!record.success) throw new Error('licences.record: expected a licence record with a name');
  return sameName(record.data.name, name);
}
