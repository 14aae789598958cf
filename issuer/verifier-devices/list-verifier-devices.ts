import type { Role } from '../../shared/request/certificate.js';
import type { GroupIndex } from '../../shared/sd/groups.js';
import { audit } from '../audit/audit-log.js';
import type { ServiceDeps } from '../deps.js';
import { mayOf } from './register-verifier-device.js';

/** A registered verifier device as an admin sees it: never its token or token hash. */
export interface VerifierDeviceView {
  readonly id: number;
  readonly name: string;
  /** The organisation its certificates name (the configured one for a police device without). */
  readonly org: string;
  readonly role: Role;
  readonly may: readonly GroupIndex[];
  readonly createdBy: number;
  readonly createdAt: number;
  readonly revokedAt: number | null;
  /** Its last enrolment, null before the first: the key's thumbprint and the certificate's end. */
  readonly enrolledAt: number | null;
  readonly keyThumbprint: string | null;
  readonly certificateExpiresAt: number | null;
}

/**
 * Every registered verifier device, by id, revoked ones included. The listing itself is audited:
 * who looked at which devices exist is part of the record of portrait access.
 */
export async function listVerifierDevices(
  deps: Pick<ServiceDeps, 'db' | 'now' | 'config'>,
  staffId: number,
): Promise<VerifierDeviceView[]> {
  const rows = await deps.db.kysely
    .selectFrom('verifier_devices')
    .select([
      'id',
      'name',
      'org',
      'role',
      'may',
      'created_by',
      'created_at',
      'revoked_at',
      'enrolled_at',
      'key_thumbprint',
      'certificate_expires_at',
    ])
    .orderBy('id', 'asc')
    .execute();
  await audit(deps.db.kysely, {
    actor: `staff:${staffId}`,
    action: 'verifier-device.list',
    subject: 'verifier-devices',
    after: { count: rows.length },
    at: deps.now(),
  });
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    org: r.org ?? deps.config.verifierPoliceOrg,
    role: r.role as Role,
    may: mayOf(r.role as Role, r.may),
    createdBy: r.created_by,
    createdAt: r.created_at,
    revokedAt: r.revoked_at,
    enrolledAt: r.enrolled_at,
    keyThumbprint: r.key_thumbprint,
    certificateExpiresAt: r.certificate_expires_at,
  }));
}
