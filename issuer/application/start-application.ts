import { audit } from '../audit/audit-log.js';
import type { ApplicationPath } from '../db/schema.js';
import type { ServiceDeps } from '../deps.js';
import { conflict } from '../service-error.js';
import { unusableAt, type UnusableReason } from '../../shared/usability.js';
import { assertUsable, licenceOfDriver } from './internal/licence-of.js';
import { latestApplication } from './internal/latest-application.js';
import { lastIssues } from '../credentials/last-issued.js';

/** What a driver may start now. */
export interface Offer {
  readonly paths: ApplicationPath[];
  /** An e-licence was issued before: a new application changes its photo. */
  readonly photoChange: boolean;
  /**
   * The earliest time a new photo (camera, album) may be taken up (seconds since the epoch): on a
   * photo change, PHOTO_CHANGE_INTERVAL_DAYS after the licence's last issue; on a first
   * application of this account, the same while that interval runs (the licence's e-licence was
   * issued on another account: only the stored path is offered meanwhile); else null.
   */
  readonly notBefore: number | null;
  /**
   * Why no path is offered: the licence may not have an e-licence now (the refusal a start
   * would give, ERR_LICENCE_NOT_USABLE), so the app says so before the driver picks a path.
   */
  readonly refusal?: {
    readonly reason: UnusableReason;
    readonly message: string;
    /** The licence's issuing authority: where the driver can sort it out (the app says how). */
    readonly authority: string;
  };
}

/**
 * The paths offered to a driver (docs/DOMAIN.md §1.3): the stored photo only when the registry
 * holds a compliant one (its hash is set); the camera and the album unless the licence's
 * e-licence was issued, on any account, less than the minimum interval ago. A photo change after
 * issue needs a new photo, so it is offered the camera and the album only, from `notBefore`.
 * None while the licence may not have an e-licence.
 */
export async function offeredPaths(
  deps: Pick<ServiceDeps, 'db' | 'config' | 'now'>,
  driverId: number,
): Promise<Offer> {
  const { record, portraitHash } = await licenceOfDriver(deps.db.kysely, driverId);
  const { account: issuedAt, licence: changedAt } = await lastIssues(
    deps.db.kysely,
    record.licenceNumber,
    driverId,
  );
  const refusal = unusableAt(record, new Date(deps.now() * 1000));
  if (refusal !== undefined)
    return {
      paths: [],
      photoChange: issuedAt !== undefined,
      notBefore: null,
      refusal: { ...refusal, authority: record.issuingAuthority },
    };
  const notBefore =
    changedAt === undefined ? null : changedAt + deps.config.photoChangeIntervalDays * 86_400;
  if (issuedAt !== undefined) return { paths: ['camera', 'album'], photoChange: true, notBefore };
  const waiting = notBefore !== null && deps.now() < notBefore;
  const newPhoto: ApplicationPath[] = waiting ? [] : ['camera', 'album'];
  return {
    paths: portraitHash === null ? newPhoto : ['stored', ...newPhoto],
    photoChange: false,
    notBefore: waiting ? notBefore : null,
  };
}

/**
 * Starts an application on `path`: a new draft. A driver has one open application at a time; a
 * new one may start when there is none, or the last was abandoned or issued. After an issue the
 * new application is a voluntary photo change: camera or album. A new photo (camera, album) is
 * never taken up before the minimum interval (PHOTO_CHANGE_INTERVAL_DAYS) since the licence's
 * last issue, on whichever account it was.
 * @throws {ServiceError} 409 ERR_LICENCE_NOT_USABLE with `reason`; 409 ERR_ILLEGAL_TRANSITION
 *   while another application is open, for the stored path without a registry photo, or for the
 *   stored path on a photo change; 409 ERR_PHOTO_CHANGE_TOO_SOON with `notBefore`.
 */
export async function startApplication(
  deps: Pick<ServiceDeps, 'db' | 'now' | 'config'>,
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
    if (open !== undefined && open.state !== 'issued' && open.state !== 'abandoned')
      throw conflict(
        'ERR_ILLEGAL_TRANSITION',
        `application: expected no open application, found one in state ${open.state}`,
        { from: open.state, action: 'start' },
      );
    const { account: issuedAt, licence: changedAt } = await lastIssues(
      trx,
      licence.record.licenceNumber,
      driverId,
    );
    if (issuedAt !== undefined && path === 'stored')
      throw conflict(
        'ERR_ILLEGAL_TRANSITION',
        'application: a photo change needs a new photo (camera or album), found the stored path',
        { from: 'issued', action: 'start' },
      );
    // A new photo waits out the interval since the licence's last issue, on any account.
    if (path !== 'stored' && changedAt !== undefined) {
      const notBefore = changedAt + deps.config.photoChangeIntervalDays * 86_400;
      if (now < notBefore)
        throw conflict(
          'ERR_PHOTO_CHANGE_TOO_SOON',
          `application: the photo may change once every ${deps.config.photoChangeIntervalDays} days; expected a start at or after ${new Date(notBefore * 1000).toISOString()}, found an earlier one`,
          { notBefore },
        );
    }
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
      after: { state: 'draft', path, photoChange: issuedAt !== undefined },
      at: now,
    });
    return { id, state: 'draft', path };
  });
}
