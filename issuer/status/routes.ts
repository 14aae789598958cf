import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { ServiceDeps } from '../deps.js';
import { handle, mount } from '../http/mount.js';
import { route } from '../http/route-spec.js';
import { idSchema } from '../http/schemas.js';
import { notFound } from '../service-error.js';
import { verifierStatusIndexReply } from '../verifier-devices/replies.js';

/** The answers of a signed status list, the credentials' or the verifiers'. */
const STATUS_LIST_REPLIES = {
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
};

const IF_NONE_MATCH = z.object({
  'If-None-Match': z
    .string()
    .optional()
    .meta({ description: 'The ETag of a copy the client holds.' }),
});

/** GET /status: the issuer identifier and the URI of every credential status list. */
const statusIndexReply = z.object({
  iss: z.string().meta({
    description:
      'The issuer identifier the credentials carry (`iss`): each list URI starts with it, so a verifier that reaches the service at another address maps the URIs onto that address.',
  }),
  lists: z.array(z.string()).meta({
    description:
      'The absolute URI of every credential status list (GET /status/{id}), in order: a verifier fetches them all before going offline (离线准备), so that a code it has never seen is still checked against its list.',
  }),
});

/** The routes of the signed status lists, public. */
export const STATUS_SPECS = {
  statusLists: route({
    method: 'get',
    path: '/status',
    roles: ['public'],
    operationId: 'statusLists',
    tag: 'public',
    summary: 'The URIs of every credential status list',
    description:
      'A verifier device fetches each of them ahead of an offline shift, so that every code it scans offline is checked against its list. Caches keep it for the status list max age.',
    replies: {
      200: {
        description: 'The issuer identifier and the lists, oldest first.',
        content: { 'application/json': statusIndexReply },
        headers: z.object({
          'Cache-Control': z
            .string()
            .regex(/^public, max-age=\d+$/)
            .meta({ description: '`public, max-age=<seconds>`.' }),
        }),
      },
    },
  }),
  verifierStatusLists: route({
    method: 'get',
    path: '/status/verifiers',
    roles: ['public'],
    operationId: 'verifierStatusLists',
    tag: 'public',
    summary: 'The URIs of every verifier status list',
    description:
      "A phone fetches each of them ahead of time, so that it can check a verifier's request offline (a revoked verifier's certificate: ERR_REQUEST_CERT_REVOKED). Caches keep it for the status list max age.",
    replies: {
      200: {
        description: 'The lists, oldest first.',
        content: { 'application/json': verifierStatusIndexReply },
        headers: z.object({
          'Cache-Control': z
            .string()
            .regex(/^public, max-age=\d+$/)
            .meta({ description: '`public, max-age=<seconds>`.' }),
        }),
      },
    },
  }),
  verifierStatusList: route({
    method: 'get',
    path: '/status/verifiers/:id',
    roles: ['public'],
    operationId: 'verifierStatusList',
    tag: 'public',
    summary: 'A signed status list of verifier certificates (IETF Token Status List §8.1)',
    description:
      "As the credentials' lists: a JWT of `typ` statuslist+jwt, 2 bits per verifier device: 0 valid, 1 invalid (the device was revoked). Every certificate of a device names its one entry. Caches keep it for the service's configured status list max age.",
    params: {
      schema: idSchema(9, 'The list id, from a verifier certificate’s `status.status_list.uri`.'),
      notFound: 'verifier status list',
    },
    headers: IF_NONE_MATCH,
    replies: STATUS_LIST_REPLIES,
    errors: { 404: ['ERR_NOT_FOUND'] },
  }),
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
    headers: IF_NONE_MATCH,
    replies: STATUS_LIST_REPLIES,
    errors: { 404: ['ERR_NOT_FOUND'] },
  }),
};

/**
 * GET /status — the issuer identifier and the URIs of the credential status lists.
 * GET /status/verifiers — the URIs of the verifier status lists; GET /status/verifiers/:id — a
 * signed verifier status list, as a credential list is served.
 * GET /status/:id — the signed status list (Token Status List §8.1), public. ETag names the list
 * version and signing time; caches keep it `statusListMaxAge` seconds, so a change reaches
 * verifiers within that many seconds.
 */
export function statusRoutes(deps: ServiceDeps): Router {
  const maxAge = `public, max-age=${deps.config.statusListMaxAge}`;
  /** A list's token, or 304 when the client holds its version. */
  const send = (
    req: Request,
    res: Response,
    found: { token: string; version: number; iat: number },
  ) => {
    const etag = `"${found.version}-${found.iat}"`;
    res.set({ ETag: etag, 'Cache-Control': maxAge });
    if (req.get('if-none-match') === etag) {
      res.status(304).end();
      return;
    }
    res.type('application/statuslist+jwt').send(found.token);
  };
  // The verifiers' routes first: /status/verifiers is not a list id of /status/:id.
  return mount(Router(), '', [
    handle(STATUS_SPECS.statusLists, async (_req, res) => {
      const lists = deps.statusLists;
      res.set('Cache-Control', maxAge).json({
        iss: deps.config.publicUrl,
        lists: (await lists.ids()).map((id) => lists.uri(id)),
      });
    }),
    handle(STATUS_SPECS.verifierStatusLists, async (_req, res) => {
      const lists = deps.verifierStatusLists;
      res
        .set('Cache-Control', maxAge)
        .json({ lists: (await lists.ids()).map((id) => lists.uri(id)) });
    }),
    handle(STATUS_SPECS.verifierStatusList, async (req, res, { params }) => {
      const found = await deps.verifierStatusLists.token(params.id);
      if (found === undefined) throw notFound('verifier status list');
      send(req, res, found);
    }),
    handle(STATUS_SPECS.statusList, async (req, res, { params }) => {
      const found = await deps.statusLists.token(params.id);
      if (found === undefined) throw notFound('status list');
      send(req, res, found);
    }),
  ]);
}
