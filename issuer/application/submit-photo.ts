import type { ServiceDeps } from '../deps.js';
import { notFound, ServiceError } from '../service-error.js';
import { assertUsable, licenceOfDriver } from './internal/licence-of.js';
import { latestApplication } from './internal/latest-application.js';
import { precheckPhoto, type PrecheckFailure } from './photo-precheck.js';
import { MIN_REVIEW_WORKING_DAYS, reviewDeadline } from './review-deadline.js';
import { nextState, transition } from './transitions.js';

/**
 * Submits the photo of a camera or album application (docs/DOMAIN.md §1.5, flows 2 and 3) for
 * review: the automatic pre-check first; a photo that passes is stored (re-encoded, without
 * metadata) and the review is due one working day later (`deadlineProvisional` when counted
 * beyond the working calendar). A rejected application is resubmitted this way.
 * @throws {ServiceError} 404 without an application; 409 ERR_ILLEGAL_TRANSITION from any state
 *   but draft or rejected, or on the stored path; 409 ERR_LICENCE_NOT_USABLE; 422
 *   ERR_PHOTO_REJECTED with `failures` (nothing is stored).
 */
export async function submitPhoto(
  deps: Pick<ServiceDeps, 'db' | 'now' | 'config' | 'calendar' | 'calendarWatch'>,
  driverId: number,
  bytes: Uint8Array,
): Promise<{ state: 'submitted'; deadline: number; deadlineProvisional: boolean }> {
  const first = await latestApplication(deps.db.kysely, driverId);
  if (first === undefined) throw notFound('application');
  nextState(first, first.state === 'rejected' ? 'resubmit' : 'submit_photo');
  const now = deps.now();
  assertUsable((await licenceOfDriver(deps.db.kysely, driverId)).record, now);

  const checked = await precheckPhoto(bytes);
  const failures = checked.ok
    ? ageFailures(checked.takenAt, now, deps.config.photoMaxAgeDays)
    : checked.failures;
  if (!checked.ok || failures.length > 0)
    throw new ServiceError(
      422,
      'ERR_PHOTO_REJECTED',
      `photo: rejected by the pre-check (${failures.map((f) => f.rule).join(', ')})`,
      { failures },
    );
  const { deadline, provisional } = deadlineFor(deps, now);
  const actor = `driver:${driverId}`;
  await deps.db.kysely.transaction().execute(async (trx) => {
    let app = await latestApplication(trx, driverId);
    if (app === undefined) throw notFound('application');
    if (app.state === 'rejected') {
      const state = await transition(trx, app, 'resubmit', { actor, now });
      app = { ...app, state };
    }
    await transition(trx, app, 'submit_photo', {
      actor,
      now,
      set: {
        photo: checked.image,
        photo_hash: checked.sha256,
        precheck: JSON.stringify({
          width: checked.width,
          height: checked.height,
          takenAt: checked.takenAt,
        }),
        submitted_at: now,
        deadline,
        decided_at: null,
        reviewer_id: null,
        reason: null,
      },
      details: { photoHash: checked.sha256, deadline },
    });
  });
  return { state: 'submitted', deadline, deadlineProvisional: provisional };
}

/**
 * docs/DOMAIN.md §1.5: the photo must be less than `maxAgeDays` old. The file says when it was
 * taken only when its EXIF survived; otherwise the reviewer judges (the queue shows the date as
 * unknown).
 */
function ageFailures(takenAt: number | null, now: number, maxAgeDays: number): PrecheckFailure[] {
  if (takenAt === null || now - takenAt <= maxAgeDays * 86_400) return [];
  return [
    {
      rule: 'photo_age',
      expected: `a photo taken in the last ${maxAgeDays} days`,
      found: `one taken ${Math.floor((now - takenAt) / 86_400)} days ago`,
    },
  ];
}

/**
 * The review deadline of a submission at `now` (seconds), counted with the service's working
 * calendar; beyond it Monday to Friday, and the deadline is provisional (review-deadline.ts).
 * Each computation also lets the calendar watch warn (once a day) while the calendar runs out.
 */
function deadlineFor(
  deps: Pick<ServiceDeps, 'calendar' | 'calendarWatch'>,
  now: number,
): { deadline: number; provisional: boolean } {
  deps.calendarWatch.check(now);
  const due = reviewDeadline(new Date(now * 1000), MIN_REVIEW_WORKING_DAYS, deps.calendar);
  return { deadline: Math.floor(due.at.getTime() / 1000), provisional: due.provisional };
}
