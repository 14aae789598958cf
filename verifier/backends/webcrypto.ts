/*
 * Ed25519 by the platform's WebCrypto (crypto.subtle: native code, off the page's thread), for
 * the police app, where noble's arithmetic in JavaScript was a third of a scan's verification
 * on a slow phone. The rest (SHA-256, HMAC, inflate, the points of keys) is the noble backend's.
 *
 * WebCrypto answers later; the verifier's core asks for an answer at once. So `run` runs a
 * verification (synchronous, deterministic) as far as it goes with every signature that passes
 * the policy taken as good, and meanwhile has WebCrypto check each of them. When all are good,
 * the core saw the answers it would have had, and its result stands. When one is not, the
 * verification runs again with WebCrypto's answers, and that result is the one. Either way the
 * result is what a synchronous backend gives; nothing is checked less.
 *
 * The policy (ed25519-policy.ts) comes first, as on the other backends: a key must be canonical,
 * not of small order and a point (noble decodes it); a signature 64 bytes, its R canonical and
 * not of small order, its S below L. Outside `run`, and where WebCrypto has no Ed25519, every
 * answer is noble's.
 */
import {
  ED25519_SIGNATURE_LENGTH,
  type CryptoBackend,
  type PublicKeyHandle,
} from '../../shared/crypto-backend.js';
import { decodeBase64url } from '../../shared/base64url.js';
import { isAcceptableR, isCanonicalScalar } from '../internal/ed25519-policy.js';
import { nobleBackend } from './noble.js';

const ED25519 = { name: 'Ed25519' } as const;

/** RFC 8032 §7.1 TEST 1: whether WebCrypto has Ed25519 here, and gets it right. */
const PROBE = {
  key: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
  signature:
    'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
} as const;

/** The noble backend's, with what WebCrypto needs. */
export interface WebCryptoBackend extends CryptoBackend {
  /** Whether Ed25519 is WebCrypto's here; when not, every answer is noble's. */
  readonly native: boolean;
  /**
   * Runs `work`, whose Ed25519 checks with this backend WebCrypto answers (see above), and
   * resolves to its result, or rejects with what it throws. `work` must be synchronous and give
   * the same result for the same answers (a verification with its clock fixed); it may run twice.
   * @throws {Error} when called from inside `work`.
   */
  run<T>(work: () => T): Promise<T>;
}

/** One signature check the core asked for in a run. */
interface Check {
  readonly key: PublicKeyHandle;
  readonly message: Uint8Array;
  readonly signature: Uint8Array;
}

/**
 * The WebCrypto backend on `subtle` (the platform's by default); its Ed25519 is probed first
 * with RFC 8032's first test vector, and noble answers wherever that fails.
 */
export async function webCryptoBackend(
  subtle: SubtleCrypto | undefined = platformSubtle(),
): Promise<WebCryptoBackend> {
  const native = subtle !== undefined && (await probe(subtle));
  /** WebCrypto's keys, imported once for a key kept (the issuer's). */
  const imported = new WeakMap<PublicKeyHandle, Promise<CryptoKey>>();
  const raw = new WeakMap<PublicKeyHandle, Uint8Array>();
  let recording: Check[] | undefined;
  let replaying: { readonly checks: readonly Check[]; readonly answers: boolean[] } | undefined;

  /** The policy's part of a signature: what no backend hands to its library. */
  const acceptable = (signature: Uint8Array) =>
    signature.length === ED25519_SIGNATURE_LENGTH &&
    isAcceptableR(signature) &&
    isCanonicalScalar(signature);

  const importPublicKey = (bytes: Uint8Array): PublicKeyHandle => {
    // The policy and whether it is a point at all, as the noble backend says.
    const key = nobleBackend.importPublicKey(bytes);
    raw.set(key, bytes.slice());
    return key;
  };

  const verify = (key: PublicKeyHandle, message: Uint8Array, signature: Uint8Array): boolean => {
    if (!acceptable(signature)) return false;
    if (recording !== undefined) {
      recording.push({ key, message: message.slice(), signature: signature.slice() });
      return true;
    }
    if (replaying !== undefined) {
      const at = replaying.checks.findIndex(
        (c) =>
          c.key.x === key.x && sameBytes(c.message, message) && sameBytes(c.signature, signature),
      );
      const answer = replaying.answers[at];
      if (answer !== undefined) return answer;
    }
    return nobleBackend.verify(key, message, signature);
  };

  const webVerify = async (check: Check): Promise<boolean> => {
    if (subtle === undefined) return false;
    try {
      let key = imported.get(check.key);
      if (key === undefined) {
        const bytes = raw.get(check.key) ?? decodeBase64url(check.key.x, 'key');
        key = subtle.importKey('raw', bytes as BufferSource, ED25519, false, ['verify']);
        imported.set(check.key, key);
      }
      return await subtle.verify(
        ED25519,
        await key,
        check.signature as BufferSource,
        check.message as BufferSource,
      );
    } catch {
      return false;
    }
  };

  const backend: WebCryptoBackend = {
    name: 'webcrypto',
    native,
    importPublicKey,
    verify,
    verifyOnce(bytes, message, signature) {
      return verify(importPublicKey(bytes), message, signature);
    },
    sha256: (data) => nobleBackend.sha256(data),
    inflate: (data, format, max, dictionary) => nobleBackend.inflate(data, format, max, dictionary),

    async run<T>(work: () => T): Promise<T> {
      if (recording !== undefined || replaying !== undefined)
        throw new Error('run: expected to be called outside a run, found one running');
      if (!native) return work();
      // Every signature that passes the policy taken as good, each written down.
      const checks: Check[] = [];
      recording = checks;
      let first: { value: T } | { error: unknown };
      try {
        first = { value: work() };
      } catch (error) {
        // Possibly only because a bad signature was taken as good: known once they are checked.
        first = { error };
      } finally {
        recording = undefined;
      }
      const answers = await Promise.all(checks.map(webVerify));
      if (answers.every(Boolean)) {
        if ('error' in first) throw first.error;
        return first.value;
      }
      replaying = { checks, answers };
      try {
        return work();
      } finally {
        replaying = undefined;
      }
    },
  };
  return backend;
}

/** The platform's WebCrypto: none outside a secure context. */
function platformSubtle(): SubtleCrypto | undefined {
  return (globalThis as { crypto?: { subtle?: SubtleCrypto } }).crypto?.subtle;
}

/** Whether `subtle` imports an Ed25519 key and verifies RFC 8032's TEST 1 (and not a change of it). */
async function probe(subtle: SubtleCrypto): Promise<boolean> {
  try {
    const key = await subtle.importKey('raw', fromHex(PROBE.key), ED25519, false, ['verify']);
    const signature = fromHex(PROBE.signature);
    const good = await subtle.verify(ED25519, key, signature, new Uint8Array(0));
    signature[0] = (signature[0] as number) ^ 1;
    const changed = await subtle.verify(ED25519, key, signature, new Uint8Array(0));
    return good && !changed;
  } catch {
    return false;
  }
}

function fromHex(hex: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(hex.match(/../g) ?? [], (h) => parseInt(h, 16));
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
