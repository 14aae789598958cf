/*
 * The service's start page (GET /): an HTML page, not the JSON 404 it used to be, Chinese first
 * with English beside it, a link to each web app the service serves, and its own
 * Content-Security-Policy (header and meta tag) allowing its one inline style by hash and nothing
 * else. The page in a browser (its style applied under that policy, no accessibility finding) is
 * checked in test/browser/accessibility.test.ts.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { VERIFIER_APP_DIR } from '../../issuer/app.js';
import { homePage, HOME_LINKS, HOME_POLICY } from '../../issuer/public/home-page.js';
import { webAppDir } from '../../issuer/web-apps.js';
import { ENGINES } from './harness.js';
import { useService } from './use-service.js';

describe.each(ENGINES)('the start page on %s', (engine) => {
  const service = useService(engine);

  it('when / is fetched, then an HTML page in Chinese links the driver’s app, the police app and the console, with English beside each', async () => {
    if (
      webAppDir('app') === undefined ||
      webAppDir('console') === undefined ||
      VERIFIER_APP_DIR === undefined
    )
      throw new Error('the web apps are not built: npm run build');
    const reply = await service().client().get('/');
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(reply.text).toMatch(/^<!doctype html>\n<html lang="zh-CN">\n/);
    expect([...reply.text.matchAll(/<a href="([^"]+)">/g)].map((m) => m[1])).toEqual([
      'app/',
      'verifier/',
      'console/',
    ]);
    expect(
      [...reply.text.matchAll(/<span class="name">([^<]+)<\/span>/g)].map((m) => m[1]),
    ).toEqual(['亮证（驾驶人）', '亮证核验（交警）', '工作人员控制台']);
    expect(
      [...reply.text.matchAll(/<span class="what en" lang="en">([^<]+)<\/span>/g)].map((m) => m[1]),
    ).toEqual([
      'Liangzheng for drivers: Apply for the e\u2011licence and show it',
      'Licence Check for officers: Scan a code and verify the e\u2011licence',
      'Staff console: Photo review; licences, accounts and devices',
    ]);
  });

  it('when / is fetched, then its policy allows its own style by hash and nothing else, the same in the header (with frame-ancestors) and the meta tag', async () => {
    const reply = await service().client().get('/');
    const style = /<style>([^<]*)<\/style>/.exec(reply.text)?.[1] ?? '';
    const hash = createHash('sha256').update(style).digest('base64');
    const policy = `default-src 'none'; style-src 'sha256-${hash}'; base-uri 'none'; form-action 'none'`;
    expect(HOME_POLICY).toBe(policy);
    expect(reply.headers.get('content-security-policy')).toBe(`${policy}; frame-ancestors 'none'`);
    expect(/http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(reply.text)?.[1]).toBe(
      policy,
    );
    expect(reply.text).not.toMatch(/<script/);
    expect({
      nosniff: reply.headers.get('x-content-type-options'),
      frames: reply.headers.get('x-frame-options'),
    }).toEqual({ nosniff: 'nosniff', frames: 'DENY' });
  });

  it('when / is asked with another method, then 405 naming GET and HEAD, as any route', async () => {
    const reply = await service().client().post('/', {});
    expect(reply.status).toBe(405);
    expect(reply.headers.get('allow')).toBe('GET, HEAD');
  });
});

describe('the start page’s links', () => {
  it('when only some apps are built, then only those are linked', () => {
    const page = homePage(HOME_LINKS.filter((l) => l.app === 'verifier'));
    expect([...page.matchAll(/<a href="([^"]+)">/g)].map((m) => m[1])).toEqual(['verifier/']);
  });
});
