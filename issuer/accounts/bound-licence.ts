import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import { notFound, ServiceError } from '../service-error.js';

/**
 * The answer to an account that asks for what only a bound licence gives (its licence, an
 * application, a device key, a credential, a portrait) before it holds one: binding needs the
 * code sent to the phone and a real-person check (bind-licence.ts).
 */
export function licenceNotBound(): ServiceError {
  return new ServiceError(
    403,
    'ERR_LICENCE_NOT_BOUND',
    'this account holds no licence: bind one first, with the code sent to your phone and a real-person check',
  );
}

/** The licence number an account holds. @throws {ServiceError} 403 ERR_LICENCE_NOT_BOUND. */
export function boundLicence(driver: { readonly licence_number: string | null }): string {
  if (driver.licence_number === null) throw licenceNotBound();
  return driver.licence_number;
}

/**
 * The licence number the account `driverId` holds.
 * @throws {ServiceError} 404 when there is no such account; 403 ERR_LICENCE_NOT_BOUND.
 */
export async function boundLicenceOf(
  db: Kysely<Database> | Transaction<Database>,
  driverId: number,
): Promise<string> {
  const driver = await db
    .selectFrom('drivers')
    .select(['licence_number'])
    .where('id', '=', driverId)
    .executeTakeFirst();
  if (driver === undefined) throw notFound('driver');
  return boundLicence(driver);
}
