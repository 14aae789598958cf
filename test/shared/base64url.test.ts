/*
 * Strict base64url: one encoding per byte string, and a refusal that names what is wrong.
 */
import { describe, expect, it } from 'vitest';
import { decodeBase64url, encodeBase64url } from '../../shared/base64url.js';
import { LicenceError } from '../../shared/errors.js';

/** The refusal of `text`, as code and message. */
function refusal(text: string): [string, string] {
  try {
    decodeBase64url(text, 'JWS header');
  } catch (error) {
    if (error instanceof LicenceError) return [error.code, error.message];
    throw error;
  }
  throw new Error(`${JSON.stringify(text)} decoded`);
}

describe('decodeBase64url', () => {
  it('when the text is the encoding of some bytes, then those bytes', () => {
    for (const length of [0, 1, 2, 3, 4, 31, 32, 33]) {
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 37 + 11) & 255);
      expect(decodeBase64url(encodeBase64url(bytes), 'bytes')).toEqual(bytes);
    }
  });

  it('when a token was wrapped onto lines, then the line break is named with its offset, not the length it gives', () => {
    const text = encodeBase64url(new Uint8Array(87)); // 116 characters
    const wrapped = `${text.slice(0, 76)}\n${text.slice(76)}`; // 117: 1 mod 4
    expect(refusal(wrapped)).toEqual([
      'ERR_MALFORMED',
      'JWS header: expected base64url (A-Z a-z 0-9 - _, no padding), found "\\n" at offset 76',
    ]);
    expect(refusal(`${text} `)).toEqual([
      'ERR_MALFORMED',
      'JWS header: expected base64url (A-Z a-z 0-9 - _, no padding), found " " at offset 116',
    ]);
  });

  it('when every character is in the alphabet but the length is 1 mod 4, then the length is named', () => {
    expect(refusal('AAAAA')).toEqual([
      'ERR_MALFORMED',
      'JWS header: expected base64url, found a length of 5 (1 mod 4)',
    ]);
  });

  it('when the last character has unused bits set, then refused as not canonical', () => {
    expect(refusal('AB')).toEqual([
      'ERR_MALFORMED',
      'JWS header: expected canonical base64url, found non-zero unused bits in the last character',
    ]);
  });
});
