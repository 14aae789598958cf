import { randomBytes } from 'node:crypto';
import { LicenceError } from '../../shared/errors.js';
import { jwkThumbprint, parsePublicJwk } from '../../shared/jwk.js';
import { signVerifierCertificate, type Role } from '../../shared/request/certificate.js';
import { nodeBackend } from '../../verifier/backends/node.js';
import { audit } from '../audit/audit-log.js';
import type { ServiceDeps } from '../deps.js';
import { mayOf } from './register-verifier-device.js';
import { unknownDevice } from './authenticate-verifier-device.js';

const DAY = 86_400;

/** What an enrolment answers: the certificate, when it ends, and its status list's URI. */
export interface EnrolledCertificate {
  /** The compact JWS of `typ` lzvc+jwt (shared/request/certificate.ts). */
  readonly certificate: string;
  /** Its `exp`, seconds since the epoch. */
  readonly expiresAt: number;
  /** Its `status.status_list.uri`. */
  readonly statusUri: string;
}

/**
 * Certifies a verifier device's own key: a certificate signed with the authority's current
 * signing key (the one credentials are signed with), naming the device's organisation, role and
 * the groups it may ask for, the key as `cnf`, valid VERIFIER_CERTIFICATE_VALID_DAYS from now,
 * and the device's entry in a verifier status list. The entry is given at the first enrolment
 * and kept: enrolling again (a new key after a reinstall, or before the certificate runs out)
 * gives a new certificate on the same entry, so revoking the device revokes them all. The key
 * is read as strictly as a holder's (canonical base64url of 32 bytes, a canonical point, not of
 * small order). Audited with the key's thumbprint, never the key.
 * @throws {LicenceError} `ERR_KEY_INVALID` (422) for a key that is not acceptable.
 * @throws {ServiceError} 401 ERR_VERIFIER_DEVICE_UNKNOWN when the device was revoked meanwhile.
 */
export async function enrolVerifierDevice(
  deps: Pick<ServiceDeps, 'db' | 'now' | 'config' | 'keys' | 'verifierStatusLists'>,
  deviceId: number,
  publicKey: string,
): Promise<EnrolledCertificate> {
  const jwk = parsePublicJwk({ kty: 'OKP', crv: 'Ed25519', x: publicKey }, 'publicKey');
  try {
    nodeBackend.importPublicKey(jwk.raw);
  } catch (error) {
    // The backend's words name no field; the answer says which one it was.
    if (error instanceof LicenceError)
      throw new LicenceError(error.code, `publicKey: ${error.message}`, { cause: error });
    throw error;
  }
  const thumbprint = jwkThumbprint(jwk);
  const now = deps.now();
  const exp = now + deps.config.verifierCertificateValidDays * DAY;
  const lists = deps.verifierStatusLists;
  return deps.db.kysely.transaction().execute(async (trx) => {
    // The device's row is locked for the transaction (on PostgreSQL; SQLite runs one write
    // transaction at a time): two enrolments at once take its status entry one after the
    // other, so the second finds the entry the first gave and never allocates another, which a
    // revocation would not know of.
    let query = trx
      .selectFrom('verifier_devices')
      .select(['org', 'role', 'may', 'status_list_id', 'status_index', 'revoked_at'])
      .where('id', '=', deviceId);
    if (deps.db.engine === 'postgres') query = query.forUpdate();
    const device = await query.executeTakeFirstOrThrow();
    if (device.revoked_at !== null) throw unknownDevice('a revoked device’s token');
    const entry =
      device.status_list_id === null || device.status_index === null
        ? await lists.allocate(trx)
        : { listId: device.status_list_id, index: device.status_index };
    // Conditional on the device not being revoked: a revocation that committed first leaves
    // nothing to update, and one that comes after waits for this transaction (for the row) and
    // then finds the status entry to set INVALID.
    const updated = await trx
      .updateTable('verifier_devices')
      .set({
        status_list_id: entry.listId,
        status_index: entry.index,
        key_thumbprint: thumbprint,
        enrolled_at: now,
        certificate_expires_at: exp,
      })
      .where('id', '=', deviceId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (updated.numUpdatedRows === 0n) throw unknownDevice('a revoked device’s token');
    const role = device.role as Role;
    const signer = deps.keys.current();
    const status = { idx: entry.index, uri: lists.uri(entry.listId) };
    const certificate = await signVerifierCertificate(
      {
        iss: deps.config.publicUrl,
        iat: now,
        nbf: now,
        exp,
        jti: randomBytes(12).toString('base64url'),
        holderKey: jwk.x,
        status,
        org: device.org ?? deps.config.verifierPoliceOrg,
        role,
        may: mayOf(role, device.may),
      },
      signer,
    );
    // The signing key stays in the JWKS while a certificate it signed is valid.
    await deps.keys.noteExpiry(signer.kid, exp, trx);
    await audit(trx, {
      actor: `verifier-device:${deviceId}`,
      action: 'verifier-device.enrol',
      subject: `verifier-device:${deviceId}`,
      after: { keyThumbprint: thumbprint, expiresAt: exp, kid: signer.kid, status },
      at: now,
    });
    return { certificate, expiresAt: exp, statusUri: status.uri };
  });
}
