import { audit } from '../audit/audit-log.js';
import type { ApplicationPath } from '../db/schema.js';
import type { ServiceDeps } from '../deps.js';
import { conflict } from '../http/problem.js';
import { assertUsable, licenceOfDriver } from './internal/licence-of.js';
import { latestApplication } from './internal/latest-application.js';

/**
 * The paths offered to a driver (DOMAIN.md §1): the stored photo only when the registry holds a
 * compliant one (its hash is set); the camera and the album always.
 */
export async function offeredPaths(
  deps: Pick<ServiceDeps, 'db'>,
  driverId: number,
): Promise<ApplicationPath[]> {
  const { portraitHash } = await licenceOfDriver(deps.db.kysely, driverId);
  return portraitHash === null ? ['camera', 'album'] : ['stored', 'camera', 'album'];
}

/**
 * Starts an application on `path`: a new draft. A driver has one open application at a time; a
 * new one may start when there is none or the last was issued (a voluntary photo change).
 * @throws {ServiceError} 409 ERR_LICENCE_NOT_USABLE with `reason`; 409 ERR_ILLEGAL_TRANSITION
 *   while another application is open, or for the stored path without a registry photo.
 */
export async function startApplication(
  deps: Pick<ServiceDeps, 'db' | 'now'>,
  driverId: number,
  path: ApplicationPath,
): Promise<{ id: number; state: 'draft'; path: ApplicationPath }> {
  const now = deps.now();
  return deps.db.kysely.transaction().execute(async (trx) => {
    const licence = await licenceOfDriver(trx, driverId);
    assertUsable(licence.record, now);
    if (path === 'stored' && licence.portraitHash === null)
      throw conflict(
        'ERR_ILLEGAL_TRANSITION',
        'application: the stored path needs a compliant registry photo, found none',
        { from: 'none', action: 'start' },
      );
    const open = await latestApplication(trx, driverId);
    if (open !== undefined && open.state !== 'issued')
      throw conflict(
        'ERR_ILLEGAL_TRANSITION',
        `application: expected no open application, found one in state ${open.state}`,
        { from: open.state, action: 'start' },
      );
    const { id } = await trx
      .insertInto('applications')
      .values({
        driver_id: driverId,
        licence_number: licence.record.licenceNumber,
        path,
        state: 'draft',
        photo_hash: path === 'stored' ? licence.portraitHash : null,
        photo: null,
        precheck: null,
        submitted_at: null,
        deadline: null,
        decided_at: null,
        reviewer_id: null,
        reason: null,
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await audit(trx, {
      actor: `driver:${driverId}`,
      action: 'application.start',
      subject: `application:${id}`,
      after: { state: 'draft', path },
      at: now,
    });
    return { id, state: 'draft', path };
  });
}
