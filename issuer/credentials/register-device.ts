import { parsePublicJwk } from '../../shared/jwk.js';
import { nodeBackend } from '../../verifier/backends/node.js';
import { boundLicenceOf } from '../accounts/bound-licence.js';
import { audit } from '../audit/audit-log.js';
import type { ServiceDeps } from '../deps.js';
import { conflict } from '../service-error.js';
import { isUniqueViolation } from '../db/errors.js';
import { LIVE } from './internal/live.js';

/**
 * Devices a driver has registered and not retired at one time: the sixth retires the oldest that
 * does not hold the e-licence (a phone replaced, an app reinstalled, its data cleared).
 */
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
 * small-order key would let anyone make a holder proof that verifies). Past {@link MAX_DEVICES},
 * the oldest device that does not hold the live credential is retired (`revoked_at`, audited
 * `device.retire`): a driver who reinstalled the app or changed phones is never locked out, and
 * the phone showing the e-licence keeps it. A retired device of the same driver registering its
 * key again comes back under its id (and may retire another).
 * @returns the new device's id.
 * @throws {LicenceError} `ERR_KEY_INVALID` (422) for a key that is not acceptable.
 * @throws {ServiceError} 409 `ERR_DEVICE_EXISTS` when the key is registered and active, or is
 *   another driver's; 404 for an unknown driver.
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
      // One registration at a time for a driver: side by side, each counted the same active
      // devices and none retired one (eight at once left eight). SQLite runs one at a time.
      if (deps.db.engine === 'postgres')
        await trx
          .selectFrom('drivers')
          .select('id')
          .where('id', '=', input.driverId)
          .forUpdate()
          .execute();
      const licenceNumber = await boundLicenceOf(trx, input.driverId);
      const existing = await trx
        .selectFrom('devices')
        .select(['id', 'driver_id', 'revoked_at'])
        .where('public_key', '=', jwk.x)
        .executeTakeFirst();
      // A phone of this driver retired since (more phones came after it) may come back.
      const returning =
        existing !== undefined &&
        existing.driver_id === input.driverId &&
        existing.revoked_at !== null;
      if (existing !== undefined && !returning) throw deviceExists();
      const active = await trx
        .selectFrom('devices')
        .select('id')
        .where('driver_id', '=', input.driverId)
        .where('revoked_at', 'is', null)
        .orderBy('id')
        .execute();
      if (active.length >= MAX_DEVICES) {
        const live = await trx
          .selectFrom('credentials')
          .select('device_id')
          .where('licence_number', '=', licenceNumber)
          .where('state', '=', LIVE)
          .executeTakeFirst();
        const retired = active
          .filter((d) => d.id !== live?.device_id)
          .slice(0, active.length - MAX_DEVICES + 1)
          .map((d) => d.id);
        await trx
          .updateTable('devices')
          .set({ revoked_at: now })
          .where('id', 'in', retired)
          .execute();
        await audit(trx, {
          actor: `driver:${input.driverId}`,
          action: 'device.retire',
          subject: licenceNumber,
          after: { deviceIds: retired, reason: 'replaced by a newly registered device' },
          at: now,
        });
      }
      let deviceId: number;
      if (returning) {
        deviceId = existing.id;
        await trx
          .updateTable('devices')
          .set({ revoked_at: null })
          .where('id', '=', deviceId)
          .execute();
      } else {
        ({ id: deviceId } = await trx
          .insertInto('devices')
          .values({
            driver_id: input.driverId,
            public_key: jwk.x,
            created_at: now,
            revoked_at: null,
          })
          .returning('id')
          .executeTakeFirstOrThrow());
      }
      await audit(trx, {
        actor: `driver:${input.driverId}`,
        action: 'device.register',
        subject: licenceNumber,
        after: { deviceId, ...(returning ? { returned: true } : {}) },
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
