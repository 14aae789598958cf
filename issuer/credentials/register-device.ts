import { parsePublicJwk } from '../../shared/jwk.js';
import { nodeBackend } from '../../verifier/backends/node.js';
import { audit } from '../audit/audit-log.js';
import type { ServiceDeps } from '../deps.js';
import { conflict, notFound } from '../http/problem.js';
import { isUniqueViolation } from '../db/errors.js';

/** Devices a driver may have registered and not revoked at one time. */
export const MAX_DEVICES = 5;

/** A holder device key to register. */
export interface RegisterDeviceInput {
  readonly driverId: number;
  /** The Ed25519 public key, base64url of its 32 bytes (the JWK `x`). */
  readonly publicKey: string;
}

/**
 * Registers a holder device key for a driver. The key is read as strictly as a verifier reads
 * one: canonical base64url of 32 bytes, a canonical point encoding, not of small order (a
 * small-order key would let anyone make a holder proof that verifies).
 * @returns the new device's id.
 * @throws {LicenceError} `ERR_KEY_INVALID` (422) for a key that is not acceptable.
 * @throws {ServiceError} 409 `ERR_DEVICE_EXISTS` when the key is already registered, 409
 *   `ERR_TOO_MANY_DEVICES` past {@link MAX_DEVICES}, 404 for an unknown driver.
 */
export async function registerDevice(
  deps: Pick<ServiceDeps, 'db' | 'now'>,
  input: RegisterDeviceInput,
): Promise<{ deviceId: number }> {
  const jwk = parsePublicJwk({ kty: 'OKP', crv: 'Ed25519', x: input.publicKey }, 'device key');
  nodeBackend.importPublicKey(jwk.raw);
  const now = deps.now();
  try {
    return await deps.db.kysely.transaction().execute(async (trx) => {
      const driver = await trx
        .selectFrom('drivers')
        .select(['licence_number'])
        .where('id', '=', input.driverId)
        .executeTakeFirst();
      if (driver === undefined) throw notFound('driver');
      const existing = await trx
        .selectFrom('devices')
        .select(['id'])
        .where('public_key', '=', jwk.x)
        .executeTakeFirst();
      if (existing !== undefined) throw deviceExists();
      const { count } = await trx
        .selectFrom('devices')
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .where('driver_id', '=', input.driverId)
        .where('revoked_at', 'is', null)
        .executeTakeFirstOrThrow();
      if (count >= MAX_DEVICES) {
        throw conflict(
          'ERR_TOO_MANY_DEVICES',
          `devices: expected at most ${MAX_DEVICES} registered, found ${count} already`,
        );
      }
      const { id } = await trx
        .insertInto('devices')
        .values({ driver_id: input.driverId, public_key: jwk.x, created_at: now, revoked_at: null })
        .returning('id')
        .executeTakeFirstOrThrow();
      const deviceId = id;
      await audit(trx, {
        actor: `driver:${input.driverId}`,
        action: 'device.register',
        subject: driver.licence_number,
        after: { deviceId },
        at: now,
      });
      return { deviceId };
    });
  } catch (error) {
    // The same key registered at the same moment by another request.
    if (isUniqueViolation(error)) throw deviceExists();
    throw error;
  }
}

const deviceExists = () =>
  conflict('ERR_DEVICE_EXISTS', 'device key: expected a key not yet registered, found one that is');
