import { Router } from 'express';
import { z } from 'zod';
import type { ServiceDeps } from '../deps.js';
import { handle, mount } from '../http/mount.js';
import { route } from '../http/route-spec.js';
import { idSchema } from '../http/schemas.js';
import { notFound } from '../service-error.js';

/** The routes of the signed status lists, public. */
export const STATUS_SPECS = {
  statusList: route({
    method: 'get',
    path: '/status/:id',
    roles: ['public'],
    operationId: 'statusList',
    tag: 'public',
    summary: 'A signed status list (IETF Token Status List §8.1)',
    description:
      "A JWT of `typ` statuslist+jwt; 2 bits per credential: 0 valid, 1 invalid, 2 suspended, 3 superseded. Caches keep it for the service's configured status list max age, so a change reaches verifiers within that time.",
    params: {
      schema: idSchema(9, 'The list id, from a credential’s `status.status_list.uri`.'),
      notFound: 'status list',
    },
    headers: z.object({
      'If-None-Match': z
        .string()
        .optional()
        .meta({ description: 'The ETag of a copy the client holds.' }),
    }),
    replies: {
      200: {
        description: 'The status list token.',
        content: {
          'application/statuslist+jwt': z.string().meta({ description: 'A compact JWS.' }),
        },
        headers: z.object({
          ETag: z
            .string()
            .meta({ description: 'The list version and signing time: `"<version>-<iat>"`.' }),
          'Cache-Control': z
            .string()
            .regex(/^public, max-age=\d+$/)
            .meta({ description: '`public, max-age=<seconds>`.' }),
        }),
      },
      304: {
        description: 'Not modified: `If-None-Match` names the current version.',
        headers: z.object({ ETag: z.string(), 'Cache-Control': z.string() }),
      },
    },
    errors: { 404: ['ERR_NOT_FOUND'] },
  }),
};

/**
 * GET /status/:id — the signed status list (Token Status List §8.1), public. ETag names the list
 * version and signing time; caches keep it `statusListMaxAge` seconds, so a change reaches
 * verifiers within that many seconds.
 */
export function statusRoutes(deps: ServiceDeps): Router {
  return mount(Router(), '', [
    handle(STATUS_SPECS.statusList, async (req, res, { params }) => {
      const found = await deps.statusLists.token(params.id);
      if (found === undefined) throw notFound('status list');
      const etag = `"${found.version}-${found.iat}"`;
      res.set({ ETag: etag, 'Cache-Control': `public, max-age=${deps.config.statusListMaxAge}` });
      if (req.get('if-none-match') === etag) {
        res.status(304).end();
        return;
      }
      res.type('application/statuslist+jwt').send(found.token);
    }),
  ]);
}
