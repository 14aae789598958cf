/*
 * The QR sizes of version 2 presentations of the first reference licence (with a portrait hash),
 * at ECC M: the bars of FORMAT.md §8.10. Fixed keys, seed and jti, so the sizes are exact.
 */
import { describe, expect, it } from 'vitest';
import { qrVersion } from '../../../shared/qr.js';
import { createPresentationV2 } from '../../../shared/sd/presentation-v2.js';
import { loadTestKeys } from '../../helpers/presentation-kit.js';
import { fixedCredential, IAT } from '../../helpers/sd-kit.js';

const keys = loadTestKeys();
const { holderCopy } = await fixedCredential(keys);
const now = new Date((IAT + 5) * 1000);

describe('version 2 presentation sizes (first reference licence, ECC M)', () => {
  it.each([
    ['police', 1427, 19, 22],
    ['rental', 1234, 18, 18],
    ['age', 964, 15, 15],
  ] as const)('%s: %i characters, version %i (bar %i)', async (purpose, chars, version, bar) => {
    const text = await createPresentationV2(holderCopy, keys.holder, { now, purpose });
    expect(text.length).toBe(chars);
    expect(qrVersion(text)).toBe(version);
    expect(qrVersion(text)).toBeLessThanOrEqual(bar);
  });
});
