import { Router } from 'express';
import type { ServiceDeps } from '../deps.js';

/** Routes of this area, mounted under /api. */
export function registryRoutes(_deps: ServiceDeps): Router {
  return Router();
}
