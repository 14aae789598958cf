import { Router, type Response } from 'express';
import { z } from 'zod';
import type { ServiceDeps } from '../deps.js';
import { notFound } from '../service-error.js';
import { authOf, requireRole } from '../http/session.js';
import { readJsonBody, parseInput } from '../http/validation.js';

/** The body of POST /api/me/push-subscriptions/remove. */
export const unsubscribeSchema = z.strictObject({ endpoint: z.string().min(1).max(2048) });
/** What each field of unsubscribeSchema must be. */
export const UNSUBSCRIBE_EXPECTED = { endpoint: 'the endpoint of a subscription of yours' };

const ID = /^[1-9]\d{0,15}$/;

/**
 * Notices, mounted under /api after the JSON parser:
 *
 * - `GET /push/key` (public) → `{publicKey}`: the VAPID key the browser subscribes with.
 * - `POST /me/push-subscriptions` (the browser's `PushSubscription.toJSON()`) → 201 `{id}`; 422
 *   `ERR_PUSH_SUBSCRIPTION_INVALID`.
 * - `POST /me/push-subscriptions/remove {endpoint}` → 204; 404 when it is not the driver's.
 * - `POST /me/inbox/:id/read` → 204; 404 when it is not the driver's.
 */
export function notifyRoutes(deps: ServiceDeps): Router {
  const router = Router();
  const driver = requireRole('driver');

  router.get('/push/key', (_req, res) => {
    res.set('Cache-Control', 'public, max-age=3600').json({ publicKey: deps.notifier.publicKey });
  });

  router.post('/me/push-subscriptions', driver, readJsonBody, async (req, res) => {
    const id = await deps.notifier.subscribe(authOf(req).subjectId, req.body);
    noStore(res).status(201).json({ id });
  });

  router.post('/me/push-subscriptions/remove', driver, readJsonBody, async (req, res) => {
    const { endpoint } = parseInput(unsubscribeSchema, req.body, UNSUBSCRIBE_EXPECTED);
    if (!(await deps.notifier.unsubscribe(authOf(req).subjectId, endpoint)))
      throw notFound('push subscription');
    noStore(res).status(204).end();
  });

  router.post('/me/inbox/:id/read', driver, async (req, res) => {
    const id = req.params.id;
    const result =
      typeof id === 'string' && ID.test(id)
        ? await deps.db.kysely
            .updateTable('inbox')
            .set((eb) => ({ read_at: eb.fn.coalesce('read_at', eb.val(deps.now())) }))
            .where('id', '=', Number(id))
            .where('driver_id', '=', authOf(req).subjectId)
            .executeTakeFirst()
        : undefined;
    if (result === undefined || result.numUpdatedRows === 0n) throw notFound('inbox entry');
    noStore(res).status(204).end();
  });

  return router;
}

function noStore(res: Response): Response {
  return res.set('Cache-Control', 'no-store');
}
