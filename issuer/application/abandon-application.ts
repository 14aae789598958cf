import type { ServiceDeps } from '../deps.js';
import { notFound } from '../service-error.js';
import { latestApplication } from './internal/latest-application.js';
import { transition } from './transitions.js';

/**
 * Abandons the driver's open application (a draft, a failed real-person check, a photo waiting
 * for review or a rejected one), so that a new one may start, on another path if need be. An
 * application waiting on the real-person check cannot be abandoned until the check answers.
 * @throws {ServiceError} 404 without an application; 409 ERR_ILLEGAL_TRANSITION from any other
 *   state.
 */
export async function abandonApplication(
  deps: Pick<ServiceDeps, 'db' | 'now'>,
  driverId: number,
): Promise<{ state: 'abandoned' }> {
  const now = deps.now();
  await deps.db.kysely.transaction().execute(async (trx) => {
    const app = await latestApplication(trx, driverId);
    if (app === undefined) throw notFound('application');
    await transition(trx, app, 'abandon', { actor: `driver:${driverId}`, now });
  });
  return { state: 'abandoned' };
}
