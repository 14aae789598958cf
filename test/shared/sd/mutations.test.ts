/*
 * Random changes to version 2 presentations: the verifier refuses every changed text with a code
 * (never an exception, never valid), on both backends, from a fixed seed.
 */
import { describe, expect, it } from 'vitest';
import type { CryptoBackend } from '../../../shared/crypto-backend.js';
import { decodeDigits, encodeDigits } from '../../../shared/internal/digits.js';
import {
  createPresentationV2,
  PRESENTATION_PREFIX_V2,
} from '../../../shared/sd/presentation-v2.js';
import { nobleBackend } from '../../../verifier/backends/noble.js';
import { nodeBackend } from '../../../verifier/backends/node.js';
import { loadTestKeys } from '../../helpers/presentation-kit.js';
import { mulberry32 } from '../../helpers/random.js';
import { decisionOf, fixedCredential, IAT, verifyAtIssue } from '../../helpers/sd-kit.js';

const BACKENDS: readonly CryptoBackend[] = [nodeBackend, nobleBackend];
const keys = loadTestKeys();
const { holderCopy } = await fixedCredential(keys);
const now = new Date((IAT + 5) * 1000);

describe.each(BACKENDS)('mutated version 2 presentations on the $name backend', (backend) => {
  it.each(['police', 'rental', 'age'] as const)(
    'refuses every changed %s code',
    async (purpose) => {
      const text = await createPresentationV2(holderCopy, keys.holder, { now, purpose });
      const bytes = decodeDigits(text, PRESENTATION_PREFIX_V2.length);
      const random = mulberry32(15);
      const codes = new Set<string>();
      for (let i = 0; i < 300; i++) {
        const changed = bytes.slice();
        const at = Math.floor(random() * changed.length);
        changed[at] = (changed[at] ?? 0) ^ (1 + Math.floor(random() * 255));
        const outcome = decisionOf(
          verifyAtIssue(PRESENTATION_PREFIX_V2 + encodeDigits(changed), backend, keys.issuerJwks),
        );
        expect(outcome.code).toMatch(/^ERR_[A-Z_]+$/);
        codes.add(outcome.code);
      }
      expect(codes.has('ERR_MALFORMED')).toBe(true);
    },
  );
});
