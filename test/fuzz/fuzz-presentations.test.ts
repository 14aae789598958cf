/*
 * The verifier fuzz in CI (test/fuzz/fuzz-presentations.ts; `npm run fuzz` runs 1 000 000): a fixed
 * seed and 20 000 inputs through both backends. Then the fuzz itself: a backend that throws or
 * answers otherwise is caught.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { CryptoBackend } from '../../shared/crypto-backend.js';
import { parseLicenceRecord } from '../../shared/licence/validate.js';
import { nobleBackend } from '../../verifier/backends/noble.js';
import { nodeBackend } from '../../verifier/backends/node.js';
import { runFuzz } from './fuzz-presentations.js';

const licences = z
  .object({ licences: z.array(z.unknown()).min(1) })
  .parse(
    JSON.parse(
      readFileSync(new URL('../fixtures/reference-licences.json', import.meta.url), 'utf8'),
    ),
  )
  .licences.map((l) => parseLicenceRecord(l));

const NOTHING = {
  crash: 0,
  'internal-error': 0,
  'bad-report': 0,
  disagreement: 0,
  'second-text': 0,
};

describe('verifier fuzz', () => {
  it('when 20 000 mutated presentations (seed 20261215) go through the node and noble backends, then each (format 1 and 2) gives a report with a code of REASONS, the same on both, and none is a second text', async () => {
    const summary = await runFuzz({ seed: 20261215, count: 20_000, licences });
    // A finding prints its input and how to replay it.
    expect(summary.findings).toEqual([]);
    expect(summary.counts).toEqual(NOTHING);
    expect(summary.inputs).toBe(20_000);
    // The mutations reach every stage: parsing, the header, both signatures, claims and times.
    expect(summary.deep).toBeGreaterThan(2000);
    // Format version 2 too: its claims read, and every code of its own reached.
    expect(summary.deepV2).toBeGreaterThan(500);
    for (const verdict of [
      'valid',
      'ERR_MALFORMED',
      'ERR_TOO_LARGE',
      'ERR_ALG_NOT_ALLOWED',
      'ERR_WRONG_TYPE',
      'ERR_KEY_IN_HEADER',
      'ERR_UNKNOWN_ISSUER',
      'ERR_BAD_SIGNATURE',
      'ERR_CLAIMS_INVALID',
      'ERR_HOLDER_SIGNATURE',
      'ERR_PROOF_EXPIRED',
      'ERR_PROOF_NOT_YET_VALID',
      'ERR_NONCE_MISMATCH',
      'ERR_CREDENTIAL_EXPIRED',
      'ERR_SUSPENDED',
      'ERR_DISCLOSURE_MISMATCH',
      'ERR_DISCLOSURE_DUPLICATE',
      'ERR_DISCLOSURE_UNKNOWN',
    ])
      expect(summary.verdicts[verdict], verdict).toBeGreaterThan(0);
  }, 900_000);

  it('when one backend throws from verify, or fails inside inflate, then the fuzz reports crashes, internal errors and disagreements with their inputs', async () => {
    // The first call verifies the status list while the fuzz sets up; every later one throws.
    let calls = 0;
    const throwing: CryptoBackend = {
      ...nobleBackend,
      name: 'throwing',
      verify: (...args) => {
        if (++calls > 1) throw new Error('verify broke');
        return nobleBackend.verify(...args);
      },
    };
    // Raw DEFLATE is the credential payload's (a status list is zlib): only that one breaks.
    const brokenInflate: CryptoBackend = {
      ...nodeBackend,
      name: 'broken-inflate',
      inflate: (...args) => {
        if (args[1] === 'raw') throw new TypeError('inflate broke');
        return nodeBackend.inflate(...args);
      },
    };
    const crashes = await runFuzz({
      seed: 1,
      count: 200,
      licences,
      backends: [nodeBackend, throwing],
    });
    expect(crashes.counts.crash).toBeGreaterThan(0);
    expect(crashes.findings[0]).toMatchObject({ kind: 'crash' });
    expect(crashes.findings[0]?.detail).toMatch(/^throwing: Error: verify broke/);
    const faults = await runFuzz({
      seed: 1,
      count: 200,
      licences,
      backends: [nodeBackend, brokenInflate],
    });
    expect(faults.counts['internal-error']).toBeGreaterThan(0);
    expect(faults.counts.disagreement).toBeGreaterThan(0);
    expect(faults.findings.map((f) => f.kind)).toContain('internal-error');
  }, 300_000);
});
