import type { RequestHandler } from 'express';
import { isDeviceToken } from '../../shared/request/device-token.js';
import type { ServiceDeps } from '../deps.js';
import { noStore } from '../http/mount.js';
import { takeOrRefuse, type RateLimiter } from '../http/rate-limiter.js';
import { ServiceError } from '../service-error.js';
import { verifierTokenHash } from './register-verifier-device.js';

/**
 * The registered, unrevoked verifier device whose token the `Authorization: Bearer` header
 * carries (RFC 6750 §2.1). The token is hashed and the hash looked up, so no comparison ever
 * runs over the secret itself and its timing says nothing about it.
 * @throws {ServiceError} 401 ERR_VERIFIER_DEVICE_UNKNOWN without a bearer token, or with one no
 *   registered device holds, or a revoked device's: the three answer alike.
 */
export async function authenticateVerifierDevice(
  deps: Pick<ServiceDeps, 'db'>,
  authorization: string | undefined,
): Promise<{ id: number }> {
  const match = /^Bearer ([^\s]+)$/i.exec(authorization ?? '');
  const token = match?.[1];
  if (token === undefined || !isDeviceToken(token))
    throw unknownDevice(authorization === undefined ? 'none' : 'no token of that form');
  const device = await deps.db.kysely
    .selectFrom('verifier_devices')
    .select(['id', 'revoked_at'])
    .where('token_hash', '=', verifierTokenHash(token))
    .executeTakeFirst();
  if (device?.revoked_at !== null) throw unknownDevice('a token no registered device holds');
  return { id: device.id };
}

/** 401 ERR_VERIFIER_DEVICE_UNKNOWN: no device, or a revoked one, found as `found` says. */
export function unknownDevice(found: string): ServiceError {
  return new ServiceError(
    401,
    'ERR_VERIFIER_DEVICE_UNKNOWN',
    `Authorization: expected "Bearer <token>" of a registered verifier device that is not revoked, found ${found}`,
  );
}

/**
 * The check before a device route reads its body: a registered, unrevoked device (401 with
 * `WWW-Authenticate: Bearer` otherwise, RFC 6750 §3), within its rate in `limiter` (429), its id
 * then in `res.locals.verifierDeviceId`. Answers are never cached.
 * @param refusal what the 429's message says the limit is.
 */
export function verifierDeviceGate(
  deps: Pick<ServiceDeps, 'db' | 'now'>,
  limiter: RateLimiter,
  refusal: string,
): RequestHandler {
  return async (req, res, next) => {
    noStore(res);
    const { id } = await authenticateVerifierDevice(deps, req.get('authorization')).catch(
      (error: unknown) => {
        res.set('WWW-Authenticate', 'Bearer');
        throw error;
      },
    );
    await takeOrRefuse(limiter, String(id), deps.now(), refusal);
    res.locals.verifierDeviceId = id;
    next();
  };
}
