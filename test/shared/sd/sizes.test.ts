/*
 * The QR sizes of version 2 presentations of the first reference licence (with a portrait hash),
 * at ECC M: the bars of FORMAT.md §8.10. Fixed keys, seed and jti, so the sizes are exact.
 */
import { deflateSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { CLAIMS_DICTIONARY } from '../../../shared/claims-dictionary.js';
import { qrVersion } from '../../../shared/qr.js';
import { parseHolderCopy } from '../../../shared/sd/credential-v2.js';
import { GROUP_COUNT } from '../../../shared/sd/groups.js';
import { WHOLE } from '../../../shared/sd/disclosure.js';
import {
  compressJson,
  compressValues,
  createPresentationV2,
} from '../../../shared/sd/presentation-v2.js';
import { utf8 } from '../../../shared/utf8.js';
import { loadTestKeys, referenceLicences } from '../../helpers/presentation-kit.js';
import { fixedClaims, fixedCredential, IAT } from '../../helpers/sd-kit.js';

const keys = loadTestKeys();
const { holderCopy } = await fixedCredential(keys);
const now = new Date((IAT + 5) * 1000);

describe('version 2 presentation sizes (first reference licence, ECC M)', () => {
  it.each([
    ['police', 1534, 20, 22],
    ['rental', 1274, 18, 18],
    ['age', 964, 15, 15],
  ] as const)('%s: %i characters, version %i (bar %i)', async (purpose, chars, version, bar) => {
    const text = await createPresentationV2(holderCopy, keys.holder, { now, purpose });
    expect(text.length).toBe(chars);
    expect(qrVersion(text)).toBe(version);
    expect(qrVersion(text)).toBeLessThanOrEqual(bar);
  });
});

describe('the values as they travel', () => {
  it('when any group set or whole disclosure of any reference licence is compressed, then the bytes are those of the largest hash table (fflate mem 12): the faster table costs no byte', async () => {
    let sets = 0;
    const largest = (json: Uint8Array) =>
      deflateSync(json, { level: 9, mem: 12, dictionary: CLAIMS_DICTIONARY });
    for (const licence of referenceLicences()) {
      const copy = parseHolderCopy(
        (await fixedCredential(keys, { ...fixedClaims(keys.holder), licence })).holderCopy,
      );
      for (let mask = 1; mask < (1 << GROUP_COUNT) - 1; mask++) {
        const values = copy.values.filter((_, g) => (mask & (1 << g)) !== 0);
        expect(compressValues(values)).toEqual(largest(utf8(JSON.stringify(values))));
        sets++;
      }
      const whole = Buffer.from(copy.disclosures[WHOLE] ?? '', 'base64url');
      expect(compressJson(whole)).toEqual(largest(whole));
      sets++;
    }
    expect(sets).toBe(referenceLicences().length * 63);
  });
});
