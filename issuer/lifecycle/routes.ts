import { Router } from 'express';
import type { ServiceDeps } from '../deps.js';

/** Routes of this area, mounted under /api. */
export function lifecycleRoutes(_deps: ServiceDeps): Router {
  return Router();
}
