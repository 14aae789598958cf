import { createHash } from 'node:crypto';
import { deflateRawSync, deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { CryptoBackend, PublicKeyHandle } from '../../shared/crypto-backend.js';
import { isLicenceError } from '../../shared/errors.js';
import { nobleBackend } from '../../verifier/backends/noble.js';
import { nodeBackend } from '../../verifier/backends/node.js';
import { webCryptoBackend } from '../../verifier/backends/webcrypto.js';
import {
  FILES,
  fileNamed,
  fromBase64url,
  rfc8037,
  splitCompactJws,
  type SignatureCase,
  type Verdict,
} from '../helpers/ed25519-vectors.js';

// Both verification paths must give the same answer on every vector (docs/DOMAIN.md §4).
const BACKENDS: readonly CryptoBackend[] = [nodeBackend, nobleBackend];
/** The police app's: Ed25519 by WebCrypto (here Node's) inside `run`, noble's elsewhere. */
const web = await webCryptoBackend();
/** The same where WebCrypto has no Ed25519: its probe fails, every answer is noble's. */
const noEd25519 = await webCryptoBackend({
  importKey: () => Promise.reject(new DOMException('Unrecognized name.', 'NotSupportedError')),
} as unknown as SubtleCrypto);

// --- Running a case ---

/** What a backend made of a case: its verdict, or the import failure, code included. */
type Outcome = Verdict | `key rejected: ${string}`;

function errorCode(error: unknown): string {
  if (isLicenceError(error)) return error.code;
  return error instanceof Error ? `${error.name} (not a LicenceError)` : typeof error;
}

function run(backend: CryptoBackend, c: SignatureCase): Outcome {
  let key: PublicKeyHandle;
  try {
    key = backend.importPublicKey(c.publicKey);
  } catch (error) {
    return `key rejected: ${errorCode(error)}`;
  }
  return backend.verify(key, c.message, c.signature) ? 'valid' : 'invalid';
}

/** The same case through verifyOnce, the one-step import and verify. */
function runOnce(backend: CryptoBackend, c: SignatureCase): Outcome {
  try {
    return backend.verifyOnce(c.publicKey, c.message, c.signature) ? 'valid' : 'invalid';
  } catch (error) {
    return `key rejected: ${errorCode(error)}`;
  }
}

/** The code of the error `action` throws, or 'no error'. */
function thrownCode(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    return errorCode(error);
  }
  return 'no error';
}

/** The code and message of what `action` throws. */
function thrownMessage(action: () => unknown): { code: string; message: string } {
  try {
    action();
  } catch (error) {
    return { code: errorCode(error), message: error instanceof Error ? error.message : '' };
  }
  return { code: 'no error', message: '' };
}

// --- Tests ---

describe('the vector files', () => {
  it('when they are loaded, then each holds the cases of its source', () => {
    expect(Object.fromEntries(FILES.map((f) => [f.name, f.cases.length]))).toEqual({
      'wycheproof_ed25519.json': 151,
      'rfc8032_ed25519.json': 5,
      'rfc8037.json': 1,
      'ed25519_speccheck_cases.json': 12,
    });
    for (const file of FILES) {
      expect(new Set(file.cases.map((c) => c.id)).size, file.name).toBe(file.cases.length);
    }
  });

  it('when the RFC 8032 file is read, then TEST 1, 2, 3 and the others are all expected to verify', () => {
    const cases = fileNamed('rfc8032_ed25519.json').cases;
    expect(cases.map((c) => c.id)).toEqual([
      'TEST 1',
      'TEST 2',
      'TEST 3',
      'TEST 1024',
      'TEST SHA(abc)',
    ]);
    expect(cases.every((c) => c.expected === 'valid')).toBe(true);
  });

  it('when the speccheck file is read, then cases 6 to 11 are expected to be rejected', () => {
    const cases = fileNamed('ed25519_speccheck_cases.json').cases;
    const expected = Object.fromEntries(cases.map((c) => [c.id, c.expected]));
    for (const index of [6, 7, 8, 9, 10, 11]) {
      expect(expected[`case ${index}`], `case ${index}`).toBe('invalid');
    }
  });
});

for (const file of FILES) {
  describe(`Ed25519 vectors in ${file.name}`, () => {
    for (const backend of BACKENDS) {
      describe(`the ${backend.name} backend`, () => {
        for (const c of file.cases) {
          it(`when (${c.id}, ${c.expected}): ${c.why}, then it answers ${c.expected}`, () => {
            const outcome = run(backend, c);
            // A key that does not import counts as 'invalid', for the one documented reason.
            if (outcome.startsWith('key rejected')) {
              expect(outcome).toBe('key rejected: ERR_KEY_INVALID');
            }
            const verdict: Verdict = outcome === 'valid' ? 'valid' : 'invalid';
            expect(verdict).toBe(c.expected);
          });
        }
      });
    }

    for (const backend of BACKENDS) {
      it(`when every case runs through verifyOnce on the ${backend.name} backend, then it answers as importPublicKey and verify do`, () => {
        for (const c of file.cases) expect(runOnce(backend, c), c.id).toBe(run(backend, c));
      });
    }

    it('when every case runs on both backends, then they answer the same, case by case, import failures included', () => {
      const answers = (backend: CryptoBackend): Record<string, Outcome> =>
        Object.fromEntries(file.cases.map((c) => [c.id, run(backend, c)]));
      expect(answers(nobleBackend)).toEqual(answers(nodeBackend));
    });
  });
}

for (const file of FILES) {
  describe(`Ed25519 vectors in ${file.name} on the WebCrypto backend`, () => {
    it('when the backend is made here, then its Ed25519 is WebCrypto’s (Node’s has it)', () => {
      expect(web.native).toBe(true);
    });

    for (const c of file.cases) {
      it(`when (${c.id}, ${c.expected}) is verified inside a run, then WebCrypto answers as the node backend does, import failures included`, async () => {
        expect(await web.run(() => run(web, c))).toBe(run(nodeBackend, c));
        expect(await web.run(() => runOnce(web, c))).toBe(run(nodeBackend, c));
      });
    }

    it('when every case is verified inside one run, then each answer is the node backend’s', async () => {
      const all = () => file.cases.map((c) => run(web, c));
      expect(await web.run(all)).toEqual(file.cases.map((c) => run(nodeBackend, c)));
    });

    it('when WebCrypto has no Ed25519, then the backend says so and every case answers as on the node backend', async () => {
      expect(noEd25519.native).toBe(false);
      for (const c of file.cases)
        expect(await noEd25519.run(() => run(noEd25519, c)), c.id).toBe(run(nodeBackend, c));
    });
  });
}

describe('the WebCrypto backend’s runs', () => {
  const test1 = fileNamed('rfc8032_ed25519.json').cases[0] as SignatureCase;
  const key = web.importPublicKey(test1.publicKey);
  const bad = Uint8Array.from(test1.signature);
  bad[0] = (bad[0] as number) ^ 1;
  const good = test1.signature;
  /** A verification that goes on by the answers it gets, and how often it ran. */
  const counted = (work: () => string) => {
    let runs = 0;
    return {
      work: () => {
        runs++;
        return work();
      },
      runs: () => runs,
    };
  };

  it('when every signature is good, then the work runs once and its result stands', async () => {
    const c = counted(() => (web.verify(key, test1.message, good) ? 'good' : 'bad'));
    expect(await web.run(c.work)).toBe('good');
    expect(c.runs()).toBe(1);
  });

  it('when a bad signature steers the work, then it runs again and gives what the answers say', async () => {
    const c = counted(() =>
      web.verify(key, test1.message, bad)
        ? 'the bad one taken'
        : web.verify(key, test1.message, good)
          ? 'the good one after the bad one'
          : 'neither',
    );
    expect(await web.run(c.work)).toBe('the good one after the bad one');
    expect(c.runs()).toBe(2);
  });

  it('when the work throws only because a bad signature was taken as good, then its real result comes', async () => {
    const work = () => {
      if (web.verify(key, test1.message, bad)) throw new Error('read what the signature covers');
      return 'refused';
    };
    expect(await web.run(work)).toBe('refused');
  });

  it('when the work throws with every signature good, then the run rejects with that error', async () => {
    const work = () => {
      if (web.verify(key, test1.message, good)) throw new RangeError('bad option');
      return 'not reached';
    };
    await expect(web.run(work)).rejects.toThrow(new RangeError('bad option'));
  });

  it('when a signature fails the policy (S not below L), then it is refused before WebCrypto and outside a run alike', async () => {
    const big = Uint8Array.from(good);
    big.fill(0xff, 32);
    expect(web.verify(key, test1.message, big)).toBe(false);
    expect(await web.run(() => web.verify(key, test1.message, big))).toBe(false);
  });

  it('when a run is started inside a run, then it is refused', async () => {
    let inner: Promise<unknown> = Promise.resolve();
    await web.run(() => {
      inner = web.run(() => 'inner');
      return 'outer';
    });
    await expect(inner).rejects.toThrow(
      'run: expected to be called outside a run, found one running',
    );
  });
});

describe('RFC 8037 Appendix A', () => {
  const a4 = rfc8037.cases.find((c) => c.id === 'A.4');
  if (a4 === undefined) throw new Error('rfc8037.json: no A.4 case');

  it('when the RFC 7638 thumbprint of the A.1/A.2 key is computed, then it equals the one in A.3', () => {
    const { crv, kty, x } = a4.publicKeyJwk;
    // RFC 7638 §3: the required members only, in lexicographic order, no whitespace.
    const canonical = `{"crv":"${crv}","kty":"${kty}","x":"${x}"}`;
    expect(createHash('sha256').update(canonical).digest('base64url')).toBe(a4.thumbprint);
  });

  for (const backend of BACKENDS) {
    it(`when the A.4 JWS is verified over its signing input with the A.2 key, then the ${backend.name} backend accepts it`, () => {
      const { signingInput, signature } = splitCompactJws(a4.jws);
      const key = backend.importPublicKey(fromBase64url(a4.publicKeyJwk.x));
      expect(backend.verify(key, signingInput, signature)).toBe(true);
    });

    it(`when one byte of the A.4 signing input changes, then the ${backend.name} backend rejects it`, () => {
      const { signingInput, signature } = splitCompactJws(a4.jws);
      const key = backend.importPublicKey(fromBase64url(a4.publicKeyJwk.x));
      const changed = signingInput.slice();
      changed.set([(changed.at(-1) ?? 0) ^ 1], changed.length - 1);
      expect(backend.verify(key, changed, signature)).toBe(false);
    });
  }
});

const test1 = fileNamed('rfc8032_ed25519.json').cases.find((c) => c.id === 'TEST 1');
if (test1 === undefined) throw new Error('rfc8032_ed25519.json: no TEST 1');

const TEXT = new TextEncoder().encode('驾驶证 liangzheng '.repeat(200));
const FORMATS = [
  { format: 'raw', deflate: deflateRawSync },
  { format: 'zlib', deflate: deflateSync },
] as const;

for (const backend of BACKENDS) {
  describe(`the ${backend.name} backend`, () => {
    it('when "abc" is hashed with SHA-256, then the digest is the FIPS 180 example value', () => {
      const digest = backend.sha256(new TextEncoder().encode('abc'));
      expect(Buffer.from(digest).toString('hex')).toBe(
        'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
      );
    });

    for (const length of [63, 65]) {
      it(`when a valid signature is cut or padded to ${length} bytes, then verify returns false without throwing`, () => {
        const key = backend.importPublicKey(test1.publicKey);
        const signature = new Uint8Array(length);
        signature.set(test1.signature.subarray(0, length));
        expect(backend.verify(key, test1.message, signature)).toBe(false);
      });
    }

    for (const { format, deflate } of FORMATS) {
      describe(`inflating ${format} data`, () => {
        it('when data compressed by node:zlib is inflated, then the original bytes come back', () => {
          const inflated = backend.inflate(deflate(TEXT), format, 1_000_000);
          expect(Buffer.from(inflated).equals(Buffer.from(TEXT))).toBe(true);
        });

        it('when the inflated size equals maxOutputLength exactly, then the data is returned', () => {
          const inflated = backend.inflate(deflate(TEXT), format, TEXT.length);
          expect(inflated.length).toBe(TEXT.length);
        });

        it('when 1 MB of zeros is inflated with a limit of 1000 bytes, then ERR_TOO_LARGE is thrown', () => {
          const bomb = deflate(Buffer.alloc(1_000_000));
          expect(thrownCode(() => backend.inflate(bomb, format, 1000))).toBe('ERR_TOO_LARGE');
        });

        for (const after of [1, 4]) {
          it(`when ${after} byte(s) follow the end of the stream, then ERR_MALFORMED is thrown`, () => {
            const data = Buffer.concat([deflate(TEXT), Buffer.alloc(after, 7)]);
            expect(thrownMessage(() => backend.inflate(data, format, 1_000_000))).toEqual({
              code: 'ERR_MALFORMED',
              message: expect.stringContaining('found bytes after its end') as unknown,
            });
          });
        }

        it('when every stream of 0-600 bytes of text or noise, at levels 0, 1 and 9, with and without a dictionary, is inflated, then each comes back whole', () => {
          const dictionary = new TextEncoder().encode('licence 驾驶证 dictionary');
          let seed = 1;
          const noise = (n: number) =>
            Uint8Array.from({ length: n }, () => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24);
          const failures: string[] = [];
          for (let n = 0; n <= 600; n += 7) {
            for (const [kind, input] of [
              ['text', TEXT.subarray(0, n)],
              ['noise', noise(n)],
            ] as const) {
              for (const level of [0, 1, 9]) {
                for (const dict of [undefined, dictionary]) {
                  const options = dict === undefined ? { level } : { level, dictionary: dict };
                  const back = backend.inflate(deflate(input, options), format, 1000, dict);
                  if (!Buffer.from(back).equals(Buffer.from(input)))
                    failures.push(`${kind} ${n} level ${level}${dict ? ' dict' : ''}`);
                }
              }
            }
          }
          expect(failures).toEqual([]);
        });

        const malformed = [
          { input: 'garbage bytes', data: Uint8Array.of(0xff, 0xff, 0xff, 0xff) },
          { input: 'a stream cut short', data: deflate(TEXT).subarray(0, 20) },
          { input: 'empty', data: new Uint8Array(0) },
        ];
        for (const { input, data } of malformed) {
          it(`when the input is ${input}, then ERR_MALFORMED is thrown`, () => {
            expect(thrownCode(() => backend.inflate(data, format, 1_000_000))).toBe(
              'ERR_MALFORMED',
            );
          });
        }
      });
    }
  });
}
