import { assertCheckRequest } from './internal/check-request.js';
import sharp from 'sharp';
import type { IdentityCheck, IdentityCheckResult } from './identity-check.js';

/**
 * The development identity check: deterministic, no network, outcomes on demand. A test queues
 * the next outcomes ({@link DevIdentityCheck.answerNext}); with none queued, a name ending with
 * one of {@link DEV_OUTCOME_SUFFIXES} gives that outcome (so each can be tried by hand), and any
 * other name matches. Its reference photo is a drawn silhouette, the same for everyone. Production
 * refuses it (`loadConfig`).
 */

/** A name ending with this (e.g. `张三测试不符`) is answered `mismatch`. */
export const DEV_MISMATCH_SUFFIX = '测试不符';

/** Name endings that give each outcome but `match`. */
export const DEV_OUTCOME_SUFFIXES = {
  [DEV_MISMATCH_SUFFIX]: { outcome: 'mismatch' },
  测试活体: { outcome: 'liveness_failed' },
  测试不可用: { outcome: 'unavailable', reason: 'provider_down', retryable: true },
} as const satisfies Record<string, IdentityCheckResult>;

/** The outcomes a test may ask for. */
export type DevOutcome = 'match' | 'mismatch' | 'liveness_failed' | 'unavailable';

/** The development adapter, with its controls. */
export interface DevIdentityCheck extends IdentityCheck {
  /** The next checks answer these outcomes, in order, whatever the name. */
  answerNext(...outcomes: DevOutcome[]): void;
  /** How many checks were made, for tests that assert none was. */
  readonly checks: number;
}

let silhouette: Promise<Uint8Array> | undefined;

/** A grey head-and-shoulders outline, 358×441 like a licence photo, as JPEG. */
function drawSilhouette(): Promise<Uint8Array> {
  silhouette ??= sharp(
    Buffer.from(
      '<svg xmlns="http://www.w3.org/2000/svg" width="358" height="441"><rect width="358" height="441" fill="#dfe6ee"/><circle cx="179" cy="170" r="82" fill="#8a97a8"/><path d="M39 441c0-95 63-160 140-160s140 65 140 160z" fill="#8a97a8"/></svg>',
    ),
  )
    .jpeg({ quality: 80 })
    .toBuffer()
    .then((b) => new Uint8Array(b));
  return silhouette;
}

/** Creates the development adapter; its `name` is `development`. */
export function createDevIdentityCheck(): DevIdentityCheck {
  const queue: DevOutcome[] = [];
  let checks = 0;
  const answer = (outcome: DevOutcome, requestId: string): IdentityCheckResult =>
    outcome === 'match'
      ? { outcome: 'match', score: 100, providerRef: `development:${requestId}` }
      : outcome === 'unavailable'
        ? { outcome: 'unavailable', reason: 'provider_down', retryable: true }
        : { outcome };
  return {
    name: 'development',
    get checks() {
      return checks;
    },
    answerNext(...outcomes) {
      queue.push(...outcomes);
    },
    // async: a request that breaks the rules rejects, as the real adapter's does.
    // eslint-disable-next-line @typescript-eslint/require-await
    async verify(request) {
      assertCheckRequest(request);
      checks += 1;
      const queued = queue.shift();
      if (queued !== undefined) return answer(queued, request.requestId);
      for (const [suffix, result] of Object.entries(DEV_OUTCOME_SUFFIXES))
        if (request.name.endsWith(suffix)) return result;
      return answer('match', request.requestId);
    },
    async referencePhoto() {
      return { outcome: 'found', photo: await drawSilhouette() };
    },
  };
}
