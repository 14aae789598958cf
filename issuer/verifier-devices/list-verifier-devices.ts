import { audit } from '../audit/audit-log.js';
import type { ServiceDeps } from '../deps.js';

/** A registered verifier device as an admin sees it: never its token or token hash. */
export interface VerifierDeviceView {
  readonly id: number;
  readonly name: string;
  readonly createdBy: number;
  readonly createdAt: number;
  readonly revokedAt: number | null;
}

/**
 * Every registered verifier device, by id, revoked ones included. The listing itself is audited:
 * who looked at which devices exist is part of the record of portrait access.
 */
export async function listVerifierDevices(
  deps: Pick<ServiceDeps, 'db' | 'now'>,
  staffId: number,
): Promise<VerifierDeviceView[]> {
  const rows = await deps.db.kysely
    .selectFrom('verifier_devices')
    .select(['id', 'name', 'created_by', 'created_at', 'revoked_at'])
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
    createdBy: r.created_by,
    createdAt: r.created_at,
    revokedAt: r.revoked_at,
  }));
}
