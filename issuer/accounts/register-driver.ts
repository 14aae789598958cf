import { z } from 'zod';
import { isValidIdNumber } from '../../shared/licence/id-number.js';
import { NAME_MAX } from '../../shared/licence/record.js';
import { audit } from '../audit/audit-log.js';
import type { Db } from '../db/database.js';
import { ServiceError } from '../service-error.js';
import { isUniqueViolation } from '../db/errors.js';
import {
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  hashPassword,
  passwordProblem,
} from './password.js';

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
  'licence number and name do not match a licence that can be registered; if the licence already has an account, sign in';

/**
 * Registers a driver's account, bound to a licence in the registry: the licence number and the
 * name (compared exactly, after NFC normalisation) must match one licence that has no account
 * yet. An unknown number, a wrong name and a licence that already has an account get the same
 * answer, after the same one query: otherwise anyone could ask the service which numbers exist,
 * which name goes with one, or who has an e-licence account. The registration is audited
 * (without phone or password).
 *
 * @throws {ServiceError} 422 ERR_REGISTRATION_REFUSED ({@link REGISTRATION_REFUSED}) when number
 *   and name match no licence, or the licence already has an account.
 */
export async function registerDriver(
  db: Db,
  registration: DriverRegistration,
  now: number,
): Promise<{ driverId: number }> {
  // The licence and its account, if any, in one query: each refusal costs the same.
  const licence = await db.kysely
    .selectFrom('licences')
    .leftJoin('drivers', 'drivers.licence_number', 'licences.licence_number')
    .select(['licences.record', 'drivers.id as driverId'])
    .where('licences.licence_number', '=', registration.licenceNumber)
    .executeTakeFirst();
  // An unknown number is compared with a stand-in record, so that it costs what a wrong name does.
  const matches = sameName(licence?.record ?? STAND_IN_RECORD, registration.name);
  if (licence === undefined || !matches || licence.driverId !== null) throw refused();

  const passwordHash = await hashPassword(registration.password);
  try {
    return await db.kysely.transaction().execute(async (trx) => {
      const { id } = await trx
        .insertInto('drivers')
        .values({
          licence_number: registration.licenceNumber,
          phone: registration.phone,
          password_hash: passwordHash,
          failed_sign_ins: 0,
          locked_until: 0,
          created_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await audit(trx, {
        actor: `driver:${id}`,
        action: 'driver.register',
        subject: registration.licenceNumber,
        after: { driverId: id },
        at: now,
      });
      return { driverId: id };
    });
  } catch (error) {
    // Two registrations of one licence at once: the unique licence_number lets one through.
    if (isUniqueViolation(error)) throw refused();
    throw error;
  }
}

function refused(): ServiceError {
  return new ServiceError(422, 'ERR_REGISTRATION_REFUSED', REGISTRATION_REFUSED);
}

function sameName(recordJson: string, name: string): boolean {
  const record = storedRecord.safeParse(JSON.parse(recordJson));
  // The registry's own data is wrong: a 500, and a message without the record.
  if (!record.success) throw new Error('licences.record: expected a licence record with a name');
  return record.data.name.normalize('NFC') === name.normalize('NFC');
}
