/**
 * The notices the service sends a driver (inbox and push) name what the driver's app shows: each
 * name in quotation marks is the app's own words (its messages.json, or its name on the home
 * screen), so a notice never sends the driver to a screen or button that does not exist.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { rejectedNotice } from '../../../issuer/application/decide-application.js';
import { ISSUED_NOTICE } from '../../../issuer/application/internal/record-issue.js';
import app from '../../../issuer/web/app/messages.json' with { type: 'json' };

/** Every text of the app a notice may name, in Chinese (the notices are in Chinese). */
const APP_WORDS = new Set([
  (
    JSON.parse(
      readFileSync(
        new URL('../../../issuer/web/app/public/manifest.webmanifest', import.meta.url),
        'utf8',
      ),
    ) as { short_name: string }
  ).short_name,
  ...Object.values(app).map((w) => w.zh),
]);

/** The names a notice quotes, “…”. */
const quoted = (text: string) => [...text.matchAll(/“([^”]+)”/g)].map((m) => m[1] as string);

describe('what the notices name', () => {
  it.each([
    ['the notice of issue', ISSUED_NOTICE.body, ['亮证', '向谁出示？']],
    ['the notice of a rejection', rejectedNotice('照片模糊').body, ['亮证', '重新提交照片']],
  ])('when %s is read, then each name it quotes is the app’s own words', (_name, body, names) => {
    expect(quoted(body)).toEqual(names);
    expect(quoted(body).filter((name) => !APP_WORDS.has(name))).toEqual([]);
  });

  it('when a reason ends with its own full stop or colon, then the rejection is one sentence, ended once', () => {
    expect(rejectedNotice('照片模糊。').body).toBe(
      '照片未通过审核，原因是照片模糊。请在“亮证”中点“重新提交照片”。',
    );
    expect(rejectedNotice('背景不是白色或不均匀（左侧有阴影）：').body).not.toMatch(
      /[：:].*[：:]|。。/,
    );
  });
});
