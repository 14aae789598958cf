import type { Transaction, Updateable } from 'kysely';
import { audit } from '../audit/audit-log.js';
import type {
  ApplicationPath,
  ApplicationState,
  ApplicationTable,
  Database,
} from '../db/schema.js';
import { conflict } from '../service-error.js';

/**
 * The application state machine (docs/DOMAIN.md §1.3). The stored path: draft → identity_pending →
 * issued, or identity_failed, from which a retry goes back to draft. The camera and album paths:
 * draft → submitted (the photo passed the pre-check) → approved → issued, or rejected, from
 * which a resubmission goes back to draft. Any open application but one awaiting the real-person
 * check may be abandoned, so that the driver can start again on another path.
 */

/** What moves an application. */
export type ApplicationEvent =
  | 'confirm_stored'
  | 'identity_matched'
  | 'identity_failed'
  | 'identity_unavailable'
  | 'retry'
  | 'submit_photo'
  | 'approve'
  | 'reject'
  | 'resubmit'
  | 'issue'
  | 'abandon';

/** One legal move: from which states, on which paths, to which state. */
export interface Transition {
  readonly from: readonly ApplicationState[];
  readonly paths: readonly ApplicationPath[];
  readonly to: ApplicationState;
}

const STORED: readonly ApplicationPath[] = ['stored'];
const PHOTO: readonly ApplicationPath[] = ['camera', 'album'];

/** Every legal move. */
export const APPLICATION_TRANSITIONS: Readonly<Record<ApplicationEvent, Transition>> = {
  confirm_stored: { from: ['draft'], paths: STORED, to: 'identity_pending' },
  identity_matched: { from: ['identity_pending'], paths: STORED, to: 'issued' },
  identity_failed: { from: ['identity_pending'], paths: STORED, to: 'identity_failed' },
  // No answer was had: nothing is known about the person, so the draft simply stands again.
  identity_unavailable: { from: ['identity_pending'], paths: STORED, to: 'draft' },
  retry: { from: ['identity_failed'], paths: STORED, to: 'draft' },
  submit_photo: { from: ['draft'], paths: PHOTO, to: 'submitted' },
  approve: { from: ['submitted'], paths: PHOTO, to: 'approved' },
  reject: { from: ['submitted'], paths: PHOTO, to: 'rejected' },
  resubmit: { from: ['rejected'], paths: PHOTO, to: 'draft' },
  issue: { from: ['approved'], paths: PHOTO, to: 'issued' },
  abandon: {
    from: ['draft', 'identity_failed', 'submitted', 'rejected'],
    paths: [...STORED, ...PHOTO],
    to: 'abandoned',
  },
};

/** The row fields a transition reads. */
export interface ApplicationRef {
  readonly id: number;
  readonly path: ApplicationPath;
  readonly state: ApplicationState;
}

/**
 * The state `event` leads to from `app`.
 * @throws {ServiceError} 409 ERR_ILLEGAL_TRANSITION with `from` and `action`.
 */
export function nextState(app: ApplicationRef, event: ApplicationEvent): ApplicationState {
  const t = APPLICATION_TRANSITIONS[event];
  if (!t.from.includes(app.state) || !t.paths.includes(app.path))
    throw illegal(app.state, event, app.path);
  return t.to;
}

const illegal = (from: ApplicationState, action: ApplicationEvent, path: ApplicationPath) =>
  conflict(
    'ERR_ILLEGAL_TRANSITION',
    `application: ${action} is not allowed from ${from} on the ${path} path`,
    { from, action },
  );

/**
 * Moves one application, in the caller's transaction, and audits the move. The update is
 * conditional on the state read, so two concurrent moves cannot both succeed.
 * @throws {ServiceError} 409 ERR_ILLEGAL_TRANSITION when the move is not legal, or the state
 *   changed meanwhile.
 */
export async function transition(
  trx: Transaction<Database>,
  app: ApplicationRef,
  event: ApplicationEvent,
  options: {
    readonly actor: string;
    readonly now: number;
    readonly set?: Omit<Updateable<ApplicationTable>, 'id' | 'state' | 'updated_at'>;
    /** Extra, non-personal details for the audit entry. */
    readonly details?: Readonly<Record<string, unknown>>;
  },
): Promise<ApplicationState> {
  const to = nextState(app, event);
  const result = await trx
    .updateTable('applications')
    .set({ ...options.set, state: to, updated_at: options.now })
    .where('id', '=', app.id)
    .where('state', '=', app.state)
    .executeTakeFirst();
  if (result.numUpdatedRows !== 1n) throw illegal(app.state, event, app.path);
  await audit(trx, {
    actor: options.actor,
    action: `application.${event}`,
    subject: `application:${app.id}`,
    before: { state: app.state },
    after: { state: to, ...options.details },
    at: options.now,
  });
  return to;
}
