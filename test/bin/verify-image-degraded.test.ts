/*
 * `liangzheng verify --image` (the built command line) on every degraded fixture of
 * test/fixtures/degraded/: each picture of the reference presentation's code gets the JSON report the
 * presentation's text gets, byte for byte (so it was read as that exact text), at the case's
 * clock and against the test issuer's keys. Run `npm run build` first (`npm test` does).
 */
import { describe, expect, it } from 'vitest';
import { CLI, runNode } from '../helpers/child-process.js';
import { degradedFixtures, fixturePath, referenceCase } from '../fixtures/degraded/fixtures.js';
import { fromRoot } from '../paths.js';

const TRUST = fromRoot('test', 'vectors', 'keys', 'issuer.jwks.json');
const fixtures = await degradedFixtures();
const reference = await referenceCase();

function verify(...args: string[]) {
  return runNode([CLI, 'verify', '--trust', TRUST, '--now', reference.now, ...args], {
    timeout: 30_000,
  });
}

/** The report of the text itself, the one every picture must get. */
const expected = await verify(reference.text);
const expectedJson = await verify('--json', reference.text);

describe('verify --image on the degraded fixtures', { timeout: 60_000 }, () => {
  it('when the text itself is verified, then exit 0 and valid with the one warning that no status list was given', () => {
    expect(expected.code).toBe(0);
    expect(expected.stdout).toMatch(/^VALID \(warnings\)/);
    const report = JSON.parse(expectedJson.stdout) as { valid: boolean; warnings: string[] };
    expect(report.valid).toBe(true);
    expect(report.warnings).toEqual(['WARN_STATUS_UNCHECKED']);
  });

  it.each(fixtures.map((f) => [f.file, f.what]))(
    'when the image is %s (%s), then exit 0 with the text’s own JSON report',
    async (file) => {
      const json = await verify('--json', '--image', fixturePath(file));
      expect(json.stderr).toBe('');
      expect(json.code).toBe(0);
      expect(json.stdout).toBe(expectedJson.stdout);
    },
  );

  it('when the image is the moiré one, then the terminal report is the text’s own, word for word', async () => {
    const run = await verify('--image', fixturePath('moire.png'));
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(expected.stdout);
  });
});
