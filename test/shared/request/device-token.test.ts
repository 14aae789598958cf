/*
 * The shape of a verifier device's token (shared/request/device-token.ts): what the service
 * generates and accepts as a bearer token, and what the police app takes from a QR code in 设置.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEVICE_TOKEN_BYTES, isDeviceToken } from '../../../shared/request/device-token.js';

/** The 64 characters of base64url, one by one. */
const ALPHABET = Array.from('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_');

describe('isDeviceToken', () => {
  it('when a token is made as the service makes one (32 random bytes as base64url), then it has the shape, every time', () => {
    for (let i = 0; i < 2000; i++) {
      const token = randomBytes(DEVICE_TOKEN_BYTES).toString('base64url');
      expect(token).toHaveLength(43);
      expect(isDeviceToken(token), token).toBe(true);
    }
  });

  it('when the last character is each of the 64, then it has the shape exactly when the 43 characters are the canonical base64url of 32 bytes', () => {
    const stem = randomBytes(DEVICE_TOKEN_BYTES).toString('base64url').slice(0, 42);
    const taken = ALPHABET.filter((last) => isDeviceToken(stem + last));
    const canonical = ALPHABET.filter((last) => {
      const bytes = Buffer.from(stem + last, 'base64url');
      return bytes.length === 32 && bytes.toString('base64url') === stem + last;
    });
    expect(taken).toEqual(canonical);
    expect(taken.join('')).toBe('AEIMQUYcgkosw048');
  });

  it.each([
    ['42 characters', 'A'.repeat(42)],
    ['44 characters', 'A'.repeat(44)],
    ['the padded form', `${'A'.repeat(43)}=`],
    ['standard base64 (+ and /)', `${'+'.repeat(21)}${'/'.repeat(21)}A`],
    ['a space around it', ` ${'A'.repeat(43)}`],
    ['a line break after it', `${'A'.repeat(43)}\n`],
    ['a version 2 e-licence code', `LZ2:${'1'.repeat(300)}`],
    ['a version 1 e-licence code', `LZ1:${'A'.repeat(39)}`],
    ["a verifier's request", `LZQ1:${'1'.repeat(39)}`],
    ['a WeChat payment code', 'wxp://f2f0Xk3c9pQAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
    ['a web address', 'https://qr.alipay.com/fkx12345678901234567890'],
    ['a payment code of digits', '284716358271635482'],
    ['nothing', ''],
  ])('when the text is %s, then it is not a device token', (_label, text) => {
    expect(isDeviceToken(text)).toBe(false);
  });
});
