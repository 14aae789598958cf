/*
 * An independent check of credential format version 2, written from docs/FORMAT.md §8 alone: it
 * uses WebCrypto (HMAC-SHA-256, SHA-256, Ed25519), JSON and zlib's raw inflate with the published
 * dictionary, and none of shared/sd's code. It takes the holder's copy and a presentation as
 * text, and recomputes the salts, disclosures, digests, the digest tree's root (`sd`), `sd_hash`
 * and both signatures.
 */
import { inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CLAIMS_DICTIONARY } from '../../../shared/claims-dictionary.js';
import { createPresentationV2 } from '../../../shared/sd/presentation-v2.js';
import { loadTestKeys } from '../../helpers/presentation-kit.js';
import { fixedCredential, IAT } from '../../helpers/sd-kit.js';

const subtle = globalThis.crypto.subtle;
const NAMES = ['holder', 'driving', 'identity', 'file', 'age_over_18', 'age_over_60'];
const ascii = (s: string) => new TextEncoder().encode(s);
const b64u = (b: Uint8Array) => Buffer.from(b).toString('base64url');
const unb64u = (s: string) => new Uint8Array(Buffer.from(s, 'base64url'));
/** A copy over a plain ArrayBuffer, as WebCrypto's types ask. */
const own = (b: Uint8Array) => new Uint8Array(b);
const sha256 = async (b: Uint8Array) => new Uint8Array(await subtle.digest('SHA-256', own(b)));
const inflate = (b: Uint8Array) =>
  new Uint8Array(inflateRawSync(b, { dictionary: CLAIMS_DICTIONARY }));

async function hmac(key: Uint8Array, message: string): Promise<Uint8Array> {
  const k = await subtle.importKey('raw', own(key), { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
  ]);
  return new Uint8Array(await subtle.sign('HMAC', k, ascii(message)));
}

/** §8.3: salt, disclosure and 16-byte digest of one group. */
async function disclose(salt: Uint8Array, group: number, value: unknown) {
  const disclosure = b64u(ascii(JSON.stringify([b64u(salt), NAMES[group], value])));
  return { disclosure, digest: (await sha256(ascii(disclosure))).slice(0, 16) };
}

/** §8.3: a node of the tree is the first 16 bytes of SHA-256 of its two children. */
async function node(a: Uint8Array, b: Uint8Array): Promise<Uint8Array> {
  return (await sha256(new Uint8Array([...a, ...b]))).slice(0, 16);
}

async function ed25519Verify(x: string, message: Uint8Array, signature: Uint8Array) {
  const key = await subtle.importKey(
    'jwk',
    { kty: 'OKP', crv: 'Ed25519', x },
    { name: 'Ed25519' },
    false,
    ['verify'],
  );
  return subtle.verify({ name: 'Ed25519' }, key, own(signature), own(message));
}

/** §4.3 digits back to bytes: 15 digits per 6 bytes, 3/5/8/10/13 for a last group of 1-5. */
function digitsToBytes(digits: string): Uint8Array {
  const out: number[] = [];
  const last = { 3: 1, 5: 2, 8: 3, 10: 4, 13: 5 } as Record<number, number>;
  for (let i = 0; i < digits.length; i += 15) {
    const chunk = digits.slice(i, i + 15);
    const k = chunk.length === 15 ? 6 : (last[chunk.length] as number);
    let v = BigInt(chunk);
    const bytes: number[] = [];
    for (let j = 0; j < k; j++) {
      bytes.unshift(Number(v & 255n));
      v >>= 8n;
    }
    out.push(...bytes);
  }
  return new Uint8Array(out);
}

describe('an independent check of format version 2 (WebCrypto and FORMAT.md only)', async () => {
  const keys = loadTestKeys();
  const { holderCopy } = await fixedCredential(keys);
  const [credential = '', seedText = '', valuesText = ''] = holderCopy.split('~');
  const [h = '', p = '', s = ''] = credential.split('.');
  const claims = JSON.parse(Buffer.from(inflate(unb64u(p))).toString('utf8')) as {
    sd: string;
    cnf: { jwk: { x: string } };
  };
  const issuerX = (keys.issuerJwks as { keys: { x: string }[] }).keys[0]?.x ?? '';

  it('verifies the issuer signature, and the header and claims are as §8.1 says', async () => {
    expect(await ed25519Verify(issuerX, ascii(`${h}.${p}`), unb64u(s))).toBe(true);
    expect(Buffer.from(unb64u(h)).toString()).toMatch(
      /^\{"alg":"EdDSA","kid":"[A-Za-z0-9_-]{43}","typ":"lzdl\+sd-jwt"\}$/,
    );
    expect(Object.keys(claims)).toEqual(['iss', 'iat', 'nbf', 'exp', 'jti', 'cnf', 'status', 'sd']);
  });

  it('recomputes salts, disclosures, digests and the root, equal to sd', async () => {
    const seed = unb64u(seedText);
    const values = JSON.parse(Buffer.from(unb64u(valuesText)).toString('utf8')) as unknown[];
    expect(values).toHaveLength(6);
    const digests: Uint8Array[] = [];
    for (let g = 0; g < 6; g++) {
      const salt = (await hmac(seed, NAMES[g] as string)).slice(0, 16);
      digests.push((await disclose(salt, g, values[g])).digest);
    }
    const [d0, d1, d2, d3, d4, d5] = digests as [
      Uint8Array,
      Uint8Array,
      Uint8Array,
      Uint8Array,
      Uint8Array,
      Uint8Array,
    ];
    const root = await node(await node(await node(d0, d1), await node(d2, d3)), await node(d4, d5));
    expect(b64u(root)).toBe(claims.sd);
  });

  it('reads a rental presentation, recomputes sd_hash, the root, and verifies the holder proof', async () => {
    const text = await createPresentationV2(holderCopy, keys.holder, {
      now: new Date((IAT + 5) * 1000),
      nonce: 'abc',
      purpose: 'rental',
    });
    expect(text.startsWith('LZ2:')).toBe(true);
    const bytes = digitsToBytes(text.slice(4));
    let at = 0;
    const varint = () => {
      let v = 0;
      let scale = 1;
      for (;;) {
        const b = bytes[at++] as number;
        v += (b & 127) * scale;
        if (b < 128) return v;
        scale *= 128;
      }
    };
    const take = (n: number) => bytes.slice(at, (at += n));
    expect(varint()).toBe(0); // the canonical header, as its kid
    take(32);
    const payload = take(varint());
    const credSig = take(64);
    expect(`${b64u(payload)}.${b64u(credSig)}`).toBe(`${p}.${s}`);
    const iat = varint();
    const nonce = Buffer.from(take(varint())).toString('ascii');
    expect(take(1)[0]).toBe(2); // rental
    const k = varint();
    const groups = Array.from(take(k));
    expect(groups).toEqual([0, 1]);
    const salts = groups.map(() => take(16));
    const withheld = [take(16), take(16)]; // (identity, file) and (age_over_18, age_over_60)
    const values = JSON.parse(Buffer.from(inflate(take(varint()))).toString('utf8')) as unknown[];
    const proofSig = take(64);
    expect(at).toBe(bytes.length);

    const shown = await Promise.all(
      groups.map((g, i) => disclose(salts[i] as Uint8Array, g, values[i])),
    );
    const [a, b] = shown as unknown as [{ digest: Uint8Array }, { digest: Uint8Array }];
    const root = await node(
      await node(await node(a.digest, b.digest), withheld[0] as Uint8Array),
      withheld[1] as Uint8Array,
    );
    expect(b64u(root)).toBe(claims.sd);

    const sdHash = await sha256(
      ascii(`${credential}~${shown.map((d) => `${d.disclosure}~`).join('')}`),
    );
    const header = b64u(ascii('{"alg":"EdDSA","typ":"lzkb+jwt"}'));
    const body = b64u(
      ascii(`{"iat":${iat},"nonce":"${nonce}","purpose":"rental","sd_hash":"${b64u(sdHash)}"}`),
    );
    expect(await ed25519Verify(claims.cnf.jwk.x, ascii(`${header}.${body}`), proofSig)).toBe(true);
    expect(await ed25519Verify(claims.cnf.jwk.x, ascii(`${header}.${body}x`), proofSig)).toBe(
      false,
    );
  });
});
