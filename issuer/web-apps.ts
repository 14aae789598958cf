import { existsSync, readFileSync } from 'node:fs';
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

/** The `<meta http-equiv="Content-Security-Policy" content="…">` of an app's index.html. */
const CSP_META = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"<>]+)"\s*\/?>/i;

/**
 * The Content-Security-Policy header of a built web app in `dir`: the policy its index.html
 * declares in a meta tag (one home for it), with `frame-ancestors 'none'`, which a meta tag
 * cannot carry (CSP Level 3, frame-ancestors: not supported in a meta element), so no other site frames the app.
 * @throws {Error} when the index.html declares no policy: a build without one is not served.
 */
export function webAppPolicy(dir: string): string {
  const file = join(dir, 'index.html');
  const policy = CSP_META.exec(readFileSync(file, 'utf8'))?.[1]?.trim();
  if (policy === undefined || policy === '')
    throw new Error(`${file}: expected a Content-Security-Policy meta tag, found none`);
  return `${policy.replace(/;\s*$/, '')}; frame-ancestors 'none'`;
}
