import type { Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import type { ServiceDeps } from '../deps.js';
import { ServiceError } from '../service-error.js';
import type { ApplicationRef } from './transitions.js';
import { transition } from './transitions.js';

/**
 * Seconds after which an application still waiting on the real-person check is taken to have
 * lost it (the process died mid-call): well past the longest check, three attempts of at most
 * 60 s each with their waits.
 */
export const CHECK_INTERRUPTED_AFTER = 600;

/**
 * An application left in identity_pending by a process that died during the real-person check
 * goes back to draft, as when the provider gave no answer: nothing was issued, nothing is known
 * about the person, and the driver may confirm again. Returns the application as it now stands.
 */
export async function recoverIfInterrupted<A extends ApplicationRef & { updated_at: number }>(
  trx: Transaction<Database>,
  app: A,
  now: number,
): Promise<A> {
  if (app.state !== 'identity_pending' || now - app.updated_at < CHECK_INTERRUPTED_AFTER)
    return app;
  const state = await transition(trx, app, 'identity_unavailable', {
    actor: 'system',
    now,
    details: { reason: 'interrupted' },
  });
  return { ...app, state, updated_at: now };
}

/** At start: recovers every interrupted real-person check. Returns how many were recovered. */
export async function recoverInterruptedChecks(
  deps: Pick<ServiceDeps, 'db' | 'now'>,
): Promise<number> {
  const now = deps.now();
  const stuck = await deps.db.kysely
    .selectFrom('applications')
    .select(['id', 'path', 'state', 'updated_at'])
    .where('state', '=', 'identity_pending')
    .where('updated_at', '<=', now - CHECK_INTERRUPTED_AFTER)
    .execute();
  let recovered = 0;
  for (const app of stuck) {
    // Another instance may recover it first: that one's move wins, this one's is a no-op.
    await deps.db.kysely
      .transaction()
      .execute(async (trx) => {
        await recoverIfInterrupted(trx, app, now);
        recovered += 1;
      })
      .catch((error: unknown) => {
        if (!(error instanceof ServiceError && error.status === 409)) throw error;
      });
  }
  return recovered;
}
