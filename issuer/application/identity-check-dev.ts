import type { IdentityCheck } from './identity-check.js';

/**
 * The development identity check: deterministic, no network. Every check matches, except when the
 * name ends with {@link DEV_MISMATCH_SUFFIX}, which gives `mismatch`, so the retry path can be
 * tried by hand. Production refuses it (`loadConfig`).
 */

/** A name ending with this (e.g. `张三测试不符`) is answered `mismatch`. */
export const DEV_MISMATCH_SUFFIX = '测试不符';

/** Creates the development adapter; its `name` is `development`. */
export function createDevIdentityCheck(): IdentityCheck {
  return {
    name: 'development',
    verify(request) {
      if (!(request.selfie instanceof Uint8Array) || request.selfie.length === 0)
        return Promise.reject(new TypeError('selfie: expected JPEG bytes, found none'));
      if (request.name.endsWith(DEV_MISMATCH_SUFFIX))
        return Promise.resolve({ outcome: 'mismatch' });
      return Promise.resolve({
        outcome: 'match',
        score: 100,
        providerRef: `development:${request.requestId}`,
      });
    },
  };
}
