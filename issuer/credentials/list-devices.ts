import type { ServiceDeps } from '../deps.js';

/** A registered device as its driver sees it. */
export interface DeviceView {
  readonly deviceId: number;
  /** The Ed25519 public key, base64url (JWK `x`). */
  readonly publicKey: string;
  readonly createdAt: number;
  readonly revokedAt: number | null;
}

/** The devices a driver has registered, oldest first (revoked ones included, marked). */
export async function listDevices(
  deps: Pick<ServiceDeps, 'db'>,
  driverId: number,
): Promise<DeviceView[]> {
  const rows = await deps.db.kysely
    .selectFrom('devices')
    .select(['id', 'public_key', 'created_at', 'revoked_at'])
    .where('driver_id', '=', driverId)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    deviceId: r.id,
    publicKey: r.public_key,
    createdAt: r.created_at,
    revokedAt: r.revoked_at,
  }));
}
