/*
 * An independent check of credential format version 2, written from docs/FORMAT.md §8 alone: it
 * uses WebCrypto (HMAC-SHA-256, SHA-256, Ed25519), JSON and zlib's raw inflate with the published
 * dictionary, and none of shared/sd's code. It takes the holder's copy and a presentation as
 * text, and recomputes the salts, disclosures, digests, the digest tree's root (`sd`), `sd_hash`
 * and both signatures, for a rental presentation (group disclosures rebuilt) and a police one
 * (the whole disclosure, hashed as it came).
 */
import { inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CLAIMS_DICTIONARY } from '../../../shared/claims-dictionary.js';
import { createPresentationV2 } from '../../../shared/sd/presentation-v2.js';
import { loadTestKeys } from '../../helpers/presentation-kit.js';
import { fixedCredential, IAT } from '../../helpers/sd-kit.js';

const subtle = globalThis.crypto.subtle;
const NAMES = ['holder', 'driving', 'identity', 'file', 'age_over_18', 'age_over_60', 'all'];
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

/** §8.3: salt, disclosure and 16-byte digest of one leaf (a group, or 6: all). */
async function disclose(salt: Uint8Array, leaf: number, value: unknown) {
  return digestOf(b64u(ascii(JSON.stringify([b64u(salt), NAMES[leaf], value]))));
}

/** §8.3: a disclosure and its 16-byte digest. */
async function digestOf(disclosure: string) {
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

/** §8.5: the fields of a presentation's envelope. */
function readEnvelope(text: string) {
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
  const credentialSignature = take(64);
  const iat = varint();
  const nonce = Buffer.from(take(varint())).toString('ascii');
  const purpose = take(1)[0];
  const leaves = Array.from(take(varint()));
  const salts = leaves[0] === 6 ? [] : leaves.map(() => take(16));
  const withheld = Array.from({ length: WITHHELD[leaves.join(',')] ?? -1 }, () => take(16));
  const values = inflate(take(varint()));
  const proofSignature = take(64);
  expect(at).toBe(bytes.length);
  return {
    payload,
    credentialSignature,
    iat,
    nonce,
    purpose,
    leaves,
    salts,
    withheld,
    values,
    proofSignature,
  };
}

/** §8.3: how many withheld subtrees a presentation of these leaves carries. */
const WITHHELD: Record<string, number> = { '0,1': 3, '6': 2 };

/** §8.6: the holder proof's signing input. */
function proofInput(iat: number, nonce: string, purpose: string, sdHash: Uint8Array) {
  const header = b64u(ascii('{"alg":"EdDSA","typ":"lzkb+jwt"}'));
  const body = b64u(
    ascii(`{"iat":${iat},"nonce":"${nonce}","purpose":"${purpose}","sd_hash":"${b64u(sdHash)}"}`),
  );
  return ascii(`${header}.${body}`);
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
    for (let leaf = 0; leaf < 7; leaf++) {
      const salt = (await hmac(seed, NAMES[leaf] as string)).slice(0, 16);
      digests.push((await disclose(salt, leaf, leaf === 6 ? values : values[leaf])).digest);
    }
    const [d0, d1, d2, d3, d4, d5, all] = digests as [
      Uint8Array,
      Uint8Array,
      Uint8Array,
      Uint8Array,
      Uint8Array,
      Uint8Array,
      Uint8Array,
    ];
    const n0123 = await node(await node(d0, d1), await node(d2, d3));
    const root = await node(await node(n0123, all), await node(d4, d5));
    expect(b64u(root)).toBe(claims.sd);
  });

  it('reads a rental presentation, recomputes sd_hash, the root, and verifies the holder proof', async () => {
    const text = await createPresentationV2(holderCopy, keys.holder, {
      now: new Date((IAT + 5) * 1000),
      nonce: 'abc',
      purpose: 'rental',
    });
    const e = readEnvelope(text);
    expect(`${b64u(e.payload)}.${b64u(e.credentialSignature)}`).toBe(`${p}.${s}`);
    expect(e.purpose).toBe(2); // rental
    expect(e.leaves).toEqual([0, 1]);
    const values = JSON.parse(Buffer.from(e.values).toString('utf8')) as unknown[];
    // withheld: (identity, file), all, (age_over_18, age_over_60)
    const [n23, all, n45] = e.withheld as [Uint8Array, Uint8Array, Uint8Array];

    const shown = await Promise.all(
      e.leaves.map((g, i) => disclose(e.salts[i] as Uint8Array, g, values[i])),
    );
    const [a, b] = shown as unknown as [{ digest: Uint8Array }, { digest: Uint8Array }];
    const root = await node(await node(await node(await node(a.digest, b.digest), n23), all), n45);
    expect(b64u(root)).toBe(claims.sd);

    const sdHash = await sha256(
      ascii(`${credential}~${shown.map((d) => `${d.disclosure}~`).join('')}`),
    );
    const input = proofInput(e.iat, e.nonce, 'rental', sdHash);
    expect(await ed25519Verify(claims.cnf.jwk.x, input, e.proofSignature)).toBe(true);
    expect(await ed25519Verify(claims.cnf.jwk.x, ascii('x'), e.proofSignature)).toBe(false);
  });

  it('reads a police presentation, hashes the whole disclosure as it came, and verifies the proof', async () => {
    const text = await createPresentationV2(holderCopy, keys.holder, {
      now: new Date((IAT + 5) * 1000),
      nonce: 'abc',
      purpose: 'police',
    });
    const e = readEnvelope(text);
    expect(e.purpose).toBe(1); // police
    expect(e.leaves).toEqual([6]); // all
    const whole = await digestOf(b64u(e.values));
    const [salt, name, values] = JSON.parse(Buffer.from(e.values).toString('utf8')) as unknown[];
    expect(salt).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(name).toBe('all');
    expect(values).toEqual(JSON.parse(Buffer.from(unb64u(valuesText)).toString('utf8')));
    // withheld: (holder … file), (age_over_18, age_over_60)
    const [n0123, n45] = e.withheld as [Uint8Array, Uint8Array];
    expect(b64u(await node(await node(n0123, whole.digest), n45))).toBe(claims.sd);

    const sdHash = await sha256(ascii(`${credential}~${whole.disclosure}~`));
    const input = proofInput(e.iat, e.nonce, 'police', sdHash);
    expect(await ed25519Verify(claims.cnf.jwk.x, input, e.proofSignature)).toBe(true);
  });
});
