import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where a built web app of the service is (`app`: the driver's app, `console`: the reviewers'
 * console, both from issuer/web/): beside the compiled service (dist/issuer → dist/web/<name>),
 * or under dist/ when the service runs from its sources (tests); undefined before a build.
 */
export function webAppDir(name: 'app' | 'console'): string | undefined {
  return [
    new URL(`../web/${name}/`, import.meta.url),
    new URL(`../dist/web/${name}/`, import.meta.url),
  ]
    .map((url) => fileURLToPath(url))
    .find((dir) => existsSync(join(dir, 'index.html')));
}
