import { Router } from 'express';
import type { ServiceDeps } from '../deps.js';
import { notFound } from '../service-error.js';

/**
 * GET /status/:id — the signed status list (Token Status List §8.1), public. ETag names the list
 * version and signing time; caches keep it `statusListMaxAge` seconds, so a change reaches
 * verifiers within that many seconds.
 */
export function statusRoutes(deps: ServiceDeps): Router {
  const router = Router();
  router.get('/status/:id', (req, res, next) => {
    const id = Number(req.params.id);
    if (!/^[1-9]\d{0,8}$/.test(req.params.id)) {
      next(notFound('status list'));
      return;
    }
    deps.statusLists
      .token(id)
      .then((found) => {
        if (found === undefined) throw notFound('status list');
        const etag = `"${found.version}-${found.iat}"`;
        res.set({ ETag: etag, 'Cache-Control': `public, max-age=${deps.config.statusListMaxAge}` });
        if (req.get('if-none-match') === etag) {
          res.status(304).end();
          return;
        }
        res.type('application/statuslist+jwt').send(found.token);
      })
      .catch(next);
  });
  return router;
}
