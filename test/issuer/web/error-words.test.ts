/**
 * No code reaches a screen: every error code the service may answer to an app has words in that
 * app's catalogue, in Chinese and in English. Which codes an app may meet is read from the OpenAPI
 * document (each operation's `x-roles` and its problem answers), so a new code on a route fails
 * here until it has words. The reasons the phone refuses a verifier's request (RequestErrorCode)
 * are read from their type's declaration, so a new reason fails here too.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openApiDocument } from '../../../issuer/http/openapi.js';
import { UNUSABLE_REASONS } from '../../../issuer/http/schemas.js';
import { ERROR_CODES } from '../../../issuer/service-error.js';
import app from '../../../issuer/web/app/messages.json' with { type: 'json' };
import consoleCatalogue from '../../../issuer/web/console/messages.json' with { type: 'json' };
import { say, type Words } from '../../../shared/web/i18n.js';

interface Operation {
  readonly 'x-roles': readonly string[];
  readonly responses: Readonly<Record<string, { readonly content?: unknown }>>;
}

const paths = openApiDocument('https://dl.example.cn').paths as unknown as Record<
  string,
  Record<string, Operation>
>;

/** The codes of every problem answer of the operations `which` picks. */
function codesOf(which: (path: string, method: string, roles: readonly string[]) => boolean) {
  const codes = new Set<string>();
  for (const [path, operations] of Object.entries(paths))
    for (const [method, operation] of Object.entries(operations)) {
      if (!which(path, method, operation['x-roles'])) continue;
      for (const answer of Object.values(operation.responses))
        for (const code of JSON.stringify(answer.content ?? {}).match(/\bERR_[A-Z_]+/g) ?? [])
          codes.add(code);
    }
  return [...codes].sort();
}

/** The codes among `codes` a catalogue has no words for, in either language. */
function withoutWords(codes: readonly string[], catalogue: Record<string, unknown>): string[] {
  return codes.filter((code) => {
    const words = catalogue[`err_${code}`] as { zh?: unknown; en?: unknown } | undefined;
    return (
      typeof words?.zh !== 'string' ||
      typeof words.en !== 'string' ||
      words.zh === '' ||
      words.en === '' ||
      /ERR_|HTTP_\d/.test(words.zh + words.en)
    );
  });
}

describe('error codes in words', () => {
  it("when the driver's app calls a driver's or a public route, then every code it may get has words", () => {
    const codes = codesOf(
      (path, _method, roles) =>
        path.startsWith('/api/') && (roles.includes('driver') || roles.includes('public')),
    );
    expect(codes).toContain('ERR_SIGN_IN_LOCKED');
    expect(withoutWords(codes, app)).toEqual([]);
  });

  it("when the service declares an error code, whatever route answers it, then the driver's app has words for it in Chinese and English", () => {
    expect(ERROR_CODES).toContain('ERR_TOO_LARGE');
    expect(ERROR_CODES.length).toBeGreaterThanOrEqual(48);
    expect(withoutWords(ERROR_CODES, app)).toEqual([]);
  });

  it("when an answer carries no problem (a proxy's 413, 429 or 502–504), then the driver's app has words for its status", () => {
    // issuer/web/common/api.ts names such an answer HTTP_<status>.
    const codes = ['HTTP_413', 'HTTP_429', 'HTTP_502', 'HTTP_503', 'HTTP_504'];
    expect(withoutWords(codes, app)).toEqual([]);
    expect(app.err_HTTP_413.zh).toContain('5 MB');
  });

  it("when the licence may not have an e-licence, then for every reason the driver's app says what to do and where, in Chinese and English", () => {
    expect(UNUSABLE_REASONS).toContain('suspended');
    const missing = UNUSABLE_REASONS.filter((reason) => {
      const words = (app as Record<string, { zh: string; en: string } | undefined>)[
        `advice_${reason}`
      ];
      return words === undefined || words.zh === '' || words.en === '';
    });
    expect(missing).toEqual([]);
    // Each ends with what follows, as the application and the held e-licence put it in.
    for (const reason of UNUSABLE_REASONS)
      for (const then of [app.adviceThenApply, app.adviceThenHeld])
        for (const lang of ['zh', 'en'] as const) {
          const text = say((app as Record<string, Words>)[`advice_${reason}`] as Words, lang, {
            then: then[lang],
          });
          expect(text, `advice_${reason} (${lang})`).not.toMatch(/[{}]/);
        }
    expect(say(app.advice_suspended, 'zh', { then: app.adviceThenHeld.zh })).toBe(
      '暂扣期满后，请携带身份证明到作出暂扣决定的公安交通管理部门领回驾驶证；办妥后联网打开本应用，电子驾驶证即可恢复出示。',
    );
  });

  it('when the console calls a staff route or signs in, then every code it may get has words', () => {
    const codes = codesOf(
      (path, method, roles) =>
        roles.includes('reviewer') ||
        roles.includes('admin') ||
        (path === '/api/session' && method === 'post'),
    );
    expect(codes).toContain('ERR_ILLEGAL_TRANSITION');
    expect(withoutWords(codes, consoleCatalogue.messages)).toEqual([]);
  });

  it("when the driver's app refuses a verifier's request, then every RequestErrorCode has words", () => {
    const source = readFileSync(
      new URL('../../../shared/request/request.ts', import.meta.url),
      'utf8',
    );
    const declaration = /export type RequestErrorCode =([^;]+);/.exec(source)?.[1] ?? '';
    const codes = [...declaration.matchAll(/'(ERR_[A-Z_]+)'/g)].map((m) => m[1] as string);
    expect(codes).toContain('ERR_REQUEST_BEYOND_ROLE');
    expect(codes.length).toBeGreaterThanOrEqual(11);
    expect(withoutWords(codes, app)).toEqual([]);
  });

  it('when a code has no words, then the fallback words do not show the code', () => {
    expect(app.errorGeneric.zh).not.toMatch(/\{code\}|ERR_/);
    expect(consoleCatalogue.messages.error.zh).not.toMatch(/\{code\}|ERR_/);
  });
});
