import { Router } from 'express';
import { z } from 'zod';
import type { ServiceDeps } from '../deps.js';
import { handle, mount, noStore } from '../http/mount.js';
import { route } from '../http/route-spec.js';
import { idSchema, json, noStoreJson } from '../http/schemas.js';
import { authOf } from '../http/session.js';
import { pushKeyReply } from './replies.js';
import { notFound } from '../service-error.js';
import { SUBSCRIPTION_EXPECTED } from './web-push.js';

/** The body of POST /api/me/push-subscriptions/remove. */
export const unsubscribeSchema = z.strictObject({ endpoint: z.string().min(1).max(2048) });
/** What each field of unsubscribeSchema must be. */
export const UNSUBSCRIBE_EXPECTED = { endpoint: 'the endpoint of a subscription of yours' };

/** The browser's `PushSubscription.toJSON()`, as the document shows it. */
const subscriptionBody = z.strictObject({
  endpoint: z.string().meta({ description: SUBSCRIPTION_EXPECTED.endpoint }),
  expirationTime: z.number().nullable().optional(),
  keys: z.strictObject({
    p256dh: z.string().meta({ description: SUBSCRIPTION_EXPECTED['keys.p256dh'] }),
    auth: z.string().meta({ description: SUBSCRIPTION_EXPECTED['keys.auth'] }),
  }),
});

/** The routes of notices. */
export const NOTIFY_SPECS = {
  pushKey: route({
    method: 'get',
    path: '/api/push/key',
    roles: ['public'],
    operationId: 'pushKey',
    tag: 'application',
    summary: "The VAPID public key (RFC 8292): the browser's applicationServerKey",
    replies: {
      200: {
        ...json('The key, base64url of the uncompressed P-256 point.', pushKeyReply),
        headers: z.object({ 'Cache-Control': z.literal('public, max-age=3600') }),
      },
    },
  }),
  subscribe: route({
    method: 'post',
    path: '/api/me/push-subscriptions',
    roles: ['driver'],
    operationId: 'subscribePush',
    tag: 'application',
    summary: "Subscribe this browser to notices (the PushSubscription's toJSON())",
    description:
      'The endpoint must be an https: URL of a browser push service (PUSH_HOSTS: FCM, Mozilla, Apple, Windows by default). The same endpoint subscribed again replaces the old subscription. A subscription the push service says is gone, or that fails three notices in a row, is removed.',
    body: {
      kind: 'json',
      schema: subscriptionBody,
      expected: SUBSCRIPTION_EXPECTED,
      required: true,
      checkedBy: 'use case',
    },
    replies: { 201: noStoreJson('Subscribed.', z.object({ id: z.number().int() })) },
    errors: { 422: ['ERR_PUSH_SUBSCRIPTION_INVALID'] },
  }),
  unsubscribe: route({
    method: 'post',
    path: '/api/me/push-subscriptions/remove',
    roles: ['driver'],
    operationId: 'unsubscribePush',
    tag: 'application',
    summary: 'Stop notices to one browser',
    body: {
      kind: 'json',
      schema: unsubscribeSchema,
      expected: UNSUBSCRIBE_EXPECTED,
      required: true,
    },
    replies: { 204: { description: 'Removed.' } },
    errors: { 404: ['ERR_NOT_FOUND'], 422: ['ERR_VALIDATION'] },
  }),
  markRead: route({
    method: 'post',
    path: '/api/me/inbox/:id/read',
    roles: ['driver'],
    operationId: 'markInboxRead',
    tag: 'application',
    summary: 'Mark a notice as read',
    params: { schema: idSchema(16), notFound: 'inbox entry' },
    replies: { 204: { description: 'Read.' } },
    errors: { 404: ['ERR_NOT_FOUND'] },
  }),
};

/**
 * Notices, mounted under /api ({@link NOTIFY_SPECS}): the VAPID key, the driver's push
 * subscriptions, and marking an inbox entry read.
 */
export function notifyRoutes(deps: ServiceDeps): Router {
  const S = NOTIFY_SPECS;
  return mount(Router(), '/api', [
    handle(S.pushKey, (_req, res) => {
      res.set('Cache-Control', 'public, max-age=3600').json({ publicKey: deps.notifier.publicKey });
    }),
    handle(S.subscribe, async (req, res, { body }) => {
      const id = await deps.notifier.subscribe(authOf(req).subjectId, body);
      noStore(res).status(201).json({ id });
    }),
    handle(S.unsubscribe, async (req, res, { body }) => {
      if (!(await deps.notifier.unsubscribe(authOf(req).subjectId, body.endpoint)))
        throw notFound('push subscription');
      noStore(res).status(204).end();
    }),
    handle(S.markRead, async (req, res, { params }) => {
      const result = await deps.db.kysely
        .updateTable('inbox')
        .set((eb) => ({ read_at: eb.fn.coalesce('read_at', eb.val(deps.now())) }))
        .where('id', '=', params.id)
        .where('driver_id', '=', authOf(req).subjectId)
        .executeTakeFirst();
      if (result.numUpdatedRows === 0n) throw notFound('inbox entry');
      noStore(res).status(204).end();
    }),
  ]);
}
