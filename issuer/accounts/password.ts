import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/*
 * Passwords are hashed with scrypt (RFC 7914), memory-hard: N = 2^15, r = 8, p = 1 takes 32 MiB
 * and about 60 ms here, per OWASP's minimum for scrypt. The stored form names its parameters,
 * so they can be raised later without invalidating existing hashes.
 */
const PARAMS = { N: 2 ** 15, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;
const MAX_MEMORY = 64 * 1024 * 1024;

function derive(
  password: string,
  salt: Buffer,
  params: ScryptOptions,
  length: number,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(
      password.normalize('NFC'),
      salt,
      length,
      { ...params, maxmem: MAX_MEMORY },
      (error, key) => {
        if (error) reject(error);
        else resolve(key);
      },
    );
  });
}

/** `scrypt$N$r$p$salt$hash` (base64url). */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, PARAMS, KEY_LENGTH);
  return `scrypt$${PARAMS.N}$${PARAMS.r}$${PARAMS.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

/** Compares in constant time. A malformed stored hash never matches. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [, n, r, p, salt, hash] = parts as [string, string, string, string, string, string];
  const expected = Buffer.from(hash, 'base64url');
  if (expected.length < 16) return false;
  const key = await derive(
    password,
    Buffer.from(salt, 'base64url'),
    { N: Number(n), r: Number(r), p: Number(p) },
    expected.length,
  );
  return timingSafeEqual(key, expected);
}

/** A hash to compare against when the account does not exist, so that timing does not tell. */
export const DUMMY_HASH = `scrypt$${PARAMS.N}$${PARAMS.r}$${PARAMS.p}$AAAAAAAAAAAAAAAAAAAAAA$${'A'.repeat(43)}`;

/** The shortest password accepted, in Unicode code points. */
export const PASSWORD_MIN_LENGTH = 10;
/** The longest password accepted, in Unicode code points. */
export const PASSWORD_MAX_LENGTH = 128;

/**
 * Password rules: 10–128 characters. Length is what counts (NIST SP 800-63B §5.1.1); no
 * composition rules.
 * @returns the problem, or undefined when acceptable.
 */
export function passwordProblem(password: string): string | undefined {
  const length = Array.from(password).length;
  if (length < PASSWORD_MIN_LENGTH)
    return `password: expected at least ${PASSWORD_MIN_LENGTH} characters, found ${length}`;
  if (length > PASSWORD_MAX_LENGTH)
    return `password: expected at most ${PASSWORD_MAX_LENGTH} characters, found ${length}`;
  return undefined;
}
