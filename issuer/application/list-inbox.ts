import type { ServiceDeps } from '../deps.js';

/** One notice of the driver's inbox. */
export interface InboxEntry {
  readonly id: number;
  readonly at: number;
  readonly kind: string;
  readonly title: string;
  readonly body: string;
  readonly readAt: number | null;
}

/** The driver's notices, newest first (at most 100). */
export async function listInbox(
  deps: Pick<ServiceDeps, 'db'>,
  driverId: number,
): Promise<InboxEntry[]> {
  const rows = await deps.db.kysely
    .selectFrom('inbox')
    .selectAll()
    .where('driver_id', '=', driverId)
    .orderBy('id', 'desc')
    .limit(100)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    at: r.at,
    kind: r.kind,
    title: r.title,
    body: r.body,
    readAt: r.read_at,
  }));
}
