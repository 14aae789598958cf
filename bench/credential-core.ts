/*
 * The credential core: verification per core against two ceilings (raw crypto.verify with a
 * cached key; the unavoidable work of a presentation, two verifications, one with a key imported
 * fresh), format 2 against format 1, signing, QR rendering and the QR version of the reference
 * presentation.
 */
import { generateKeyPairSync, randomBytes, sign, verify } from 'node:crypto';
import { compactVerify, importJWK } from 'jose';
import { signCredential } from '../issuer/sign-credential.js';
import { createPresentation } from '../shared/create-presentation.js';
import { type LicenceRecord } from '../shared/licence/record.js';
import { createJwkSigner, generateKeyPair } from '../shared/node/keys.js';
import { renderQrPng } from '../shared/node/qr-png.js';
import { qrVersion, renderQrSvg } from '../shared/qr.js';
import { nobleBackend } from '../verifier/backends/noble.js';
import { nodeBackend } from '../verifier/backends/node.js';
import { createTrustStore } from '../verifier/trust-store.js';
import { verifyPresentation } from '../verifier/verify-presentation.js';
import { referenceLicence } from '../test/helpers/presentation-kit.js';
import { issueCredentialV2 } from '../shared/sd/credential-v2.js';
import type { Purpose } from '../shared/sd/groups.js';
import { createPresentationV2 } from '../shared/sd/presentation-v2.js';

const ROUNDS = 7;

const licence: LicenceRecord = referenceLicence(0);

/** Calls per second of `fn`, run for about `ms`. */
function rate(fn: (i: number) => unknown, ms: number): number {
  let n = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < ms) {
    for (let k = 0; k < 50; k++) fn(n++);
    elapsed = performance.now() - start;
  }
  return (n / elapsed) * 1000;
}

async function rateAsync(fn: (i: number) => Promise<unknown>, ms: number): Promise<number> {
  let n = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < ms) {
    for (let k = 0; k < 20; k++) await fn(n++);
    elapsed = performance.now() - start;
  }
  return (n / elapsed) * 1000;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
};

/** The rates of each contender, one a round, the rounds interleaved. */
type Rounds = Record<string, number[]>;

/** Runs each contender once per round, interleaved, and returns every round's rate of each. */
async function compare(
  contenders: Record<string, (i: number) => unknown>,
  ms = 400,
): Promise<Rounds> {
  const rates: Rounds = {};
  for (const name of Object.keys(contenders)) {
    rate(contenders[name] as (i: number) => unknown, 100); // warm-up
    rates[name] = [];
  }
  for (let r = 0; r < ROUNDS; r++) {
    for (const [name, fn] of Object.entries(contenders)) {
      const x = fn(0);
      if (x instanceof Promise)
        rates[name]?.push(await rateAsync(fn as (i: number) => Promise<unknown>, ms));
      else rates[name]?.push(rate(fn, ms));
    }
  }
  return rates;
}

/** The median rate of each contender. */
const medians = (rounds: Rounds): Record<string, number> =>
  Object.fromEntries(Object.entries(rounds).map(([k, v]) => [k, median(v)]));

/**
 * How many times `a`'s rate `b`'s is: the median of the ratios taken round by round, so that a
 * slow spell of the machine, which weighs on both sides of one round, cancels out.
 */
const pairedRatio = (rounds: Rounds, a: string, b: string): number =>
  median((rounds[a] ?? []).map((x, r) => x / ((rounds[b] ?? [])[r] as number)));

/** Runs the section, printing as it goes; returns the figures. */
export async function credentialCore(): Promise<Record<string, unknown>> {
  const issuer = createJwkSigner(generateKeyPair().privateJwk);
  const now = new Date();
  const HOLDERS = 64;
  const holders = Array.from({ length: HOLDERS }, () =>
    createJwkSigner(generateKeyPair().privateJwk),
  );
  // A realistic portrait hash: 32 random bytes, as SHA-256 gives.
  const portraitHash = randomBytes(32).toString('base64url');
  const issue = (holderKey: string, idx: number) =>
    signCredential(
      {
        licence,
        holderKey,
        issuer: 'https://dl.122.gov.cn',
        status: { idx, uri: 'https://dl.122.gov.cn/status/44/1' },
        portraitHash,
        now,
        validDays: 30,
      },
      issuer,
    );

  // Distinct presentations (distinct holder keys and credentials): no cache can help.
  const credentials = await Promise.all(holders.map((h, i) => issue(h.publicJwk.x, 1_000_000 + i)));
  const presentations = await Promise.all(
    credentials.map((c, i) =>
      createPresentation(c, holders[i] as (typeof holders)[number], { now }),
    ),
  );
  const reference0 = presentations[0] as string;
  const trust = createTrustStore([{ keys: [issuer.publicJwk] }], nodeBackend);
  const trustNoble = createTrustStore([{ keys: [issuer.publicJwk] }], nobleBackend);
  for (const p of presentations) {
    const report = verifyPresentation(p, { trust, now });
    if (!report.valid) throw new Error(`bench setup: presentation not valid: ${report.code ?? ''}`);
  }

  // The two ceilings (per core): raw OpenSSL Ed25519 verify of a message of the credential's
  // size with its key imported once, and the work no verifier can avoid per presentation: that
  // verification, and a second one of a holder proof's size with its key imported fresh (the
  // holder key comes from the credential, so nothing can be cached across presentations).
  const message = Buffer.from(credentials[0] as string, 'ascii');
  const { publicKey: rawKey, privateKey: rawPrivate } = generateKeyPairSync('ed25519');
  const rawSignature = sign(null, message, rawPrivate);
  const proofMessages = holders.map((_, i) => Buffer.from(`${'p'.repeat(120)}${i}`, 'ascii'));
  const proofSignatures = await Promise.all(
    proofMessages.map((m, i) => (holders[i] as (typeof holders)[number]).sign(m)),
  );
  const freshKey = (i: number) => ({
    key: { kty: 'OKP', crv: 'Ed25519', x: (holders[i] as (typeof holders)[number]).publicJwk.x },
    format: 'jwk' as const,
  });
  const joseKey = await importJWK(issuer.publicJwk, 'EdDSA');
  // Format 2 against format 1, in the same interleaved rounds: one presentation verified, per
  // second, for police (all six groups), rental (two) and age (one); the bar is v2 police within
  // 10 % of v1 police.
  const iat = Math.floor(now.getTime() / 1000);
  const copies = await Promise.all(
    holders.map(async (h, i) =>
      issueCredentialV2(
        {
          iss: 'https://dl.122.gov.cn',
          iat,
          nbf: iat,
          exp: iat + 30 * 86_400,
          jti: randomBytes(12).toString('base64url'),
          holderKey: h.publicJwk.x,
          status: { idx: 2_000_000 + i, uri: 'https://dl.122.gov.cn/status/44/1' },
          portraitHash,
          licence,
        },
        issuer,
      ),
    ),
  );
  const presentV2 = (purpose: Purpose) =>
    Promise.all(
      copies.map((c, i) =>
        createPresentationV2(c.holderCopy, holders[i] as (typeof holders)[number], {
          now,
          purpose,
        }),
      ),
    );
  const v2 = {
    police: await presentV2('police'),
    rental: await presentV2('rental'),
    age: await presentV2('age'),
  };
  for (const p of Object.values(v2).flat()) {
    const report = verifyPresentation(p, { trust, now });
    if (!report.valid)
      throw new Error(`bench setup: v2 presentation not valid: ${report.code ?? ''}`);
  }
  console.log('Verification per core (per second; median of %d interleaved rounds)', ROUNDS);
  const RAW = 'raw crypto.verify, cached key (1 signature)';
  const UNAVOIDABLE = 'unavoidable: cached + freshly imported key (2)';
  const JOSE = 'jose compactVerify, credential only (1 signature)';
  const rounds = await compare({
    [RAW]: () => verify(null, message, rawKey, rawSignature),
    [UNAVOIDABLE]: (i) =>
      verify(null, message, rawKey, rawSignature) &&
      verify(
        null,
        proofMessages[i % HOLDERS] as Buffer,
        freshKey(i % HOLDERS),
        proofSignatures[i % HOLDERS] as Uint8Array,
      ),
    [JOSE]: (i) =>
      compactVerify(credentials[i % HOLDERS] as string, joseKey, { algorithms: ['EdDSA'] }),
    'v1 police': (i) => verifyPresentation(presentations[i % HOLDERS] as string, { trust, now }),
    'v2 police': (i) => verifyPresentation(v2.police[i % HOLDERS] as string, { trust, now }),
    'v2 rental': (i) => verifyPresentation(v2.rental[i % HOLDERS] as string, { trust, now }),
    'v2 age': (i) => verifyPresentation(v2.age[i % HOLDERS] as string, { trust, now }),
  });
  const v = medians(rounds);
  const raw = v[RAW] as number;
  const unavoidable = v[UNAVOIDABLE] as number;
  // Per presentation: against the unavoidable work (a rate of presentations), and per signature
  // against raw cached-key verification (a presentation is two signatures); each ratio taken
  // round by round.
  const ceilings: Record<string, { of_unavoidable: number; per_signature_of_raw: number }> = {};
  const versionRatios: Record<string, number> = {};
  for (const [k, x] of Object.entries(v)) {
    const presentation = k.startsWith('v1 ') || k.startsWith('v2 ');
    let tail = '';
    if (presentation) {
      const c = {
        of_unavoidable: pairedRatio(rounds, k, UNAVOIDABLE),
        per_signature_of_raw: 2 * pairedRatio(rounds, k, RAW),
      };
      ceilings[k] = {
        of_unavoidable: Number(c.of_unavoidable.toFixed(3)),
        per_signature_of_raw: Number(c.per_signature_of_raw.toFixed(3)),
      };
      tail = `   ${c.of_unavoidable.toFixed(3)} of unavoidable, ${c.per_signature_of_raw.toFixed(3)} of raw a signature`;
      if (k !== 'v1 police') {
        const ratio = pairedRatio(rounds, 'v1 police', k);
        versionRatios[k] = ratio;
        tail += `, ${ratio.toFixed(3)}× v1 police's time`;
      }
    }
    console.log(`  ${k.padEnd(52)} ${x.toFixed(0).padStart(8)}${tail}`);
  }
  console.log(
    `  unavoidable work, a signature: ${(2 * pairedRatio(rounds, UNAVOIDABLE, RAW)).toFixed(3)} of raw; jose / raw: ${pairedRatio(rounds, JOSE, RAW).toFixed(3)}`,
  );
  console.log(
    '  targets: a presentation ≥ 0.90 of unavoidable and ≥ 0.80 of raw a signature; v2 police ≤ 1.10× the time of v1 police',
  );

  const noble = rate(
    (i) => verifyPresentation(presentations[i % HOLDERS] as string, { trust: trustNoble, now }),
    1500,
  );
  console.log(`  verifyPresentation, noble (browser backend, in Node): ${noble.toFixed(0)}/s`);

  console.log('Signing (per second)');
  const s = medians(
    await compare(
      {
        'raw crypto.sign (1 signature)': () => sign(null, message, rawPrivate),
        'signCredential (deflate + sign)': (i) =>
          issue((holders[i % HOLDERS] as (typeof holders)[number]).publicJwk.x, i),
        'createPresentation (holder proof)': (i) =>
          createPresentation(
            credentials[i % HOLDERS] as string,
            holders[i % HOLDERS] as (typeof holders)[number],
            { now },
          ),
      },
      300,
    ),
  );
  for (const [k, x] of Object.entries(s))
    console.log(`  ${k.padEnd(52)} ${x.toFixed(0).padStart(8)}`);

  console.log('QR');
  const svgMs = 1000 / (await rateAsync(() => renderQrSvg(reference0), 1000));
  const pngMs = 1000 / (await rateAsync(() => renderQrPng(reference0), 1000));
  const version = qrVersion(reference0);
  console.log(
    `  reference presentation: ${reference0.length} characters, QR version ${version} at ECC M (target ≤ 22)`,
  );
  console.log(`  credential (compact JWS): ${(credentials[0] as string).length} characters`);
  console.log(`  render SVG ${svgMs.toFixed(2)} ms, PNG ${pngMs.toFixed(2)} ms`);

  return {
    verify_raw_per_s: Math.round(raw),
    verify_unavoidable_per_s: Math.round(unavoidable),
    verify_against_ceilings: ceilings,
    jose_ratio: Number(pairedRatio(rounds, JOSE, RAW).toFixed(3)),
    verify_presentation_noble_per_s: Math.round(noble),
    verify_per_s: Object.fromEntries(Object.entries(v).map(([k, x]) => [k, Math.round(x)])),
    verify_v2_time_over_v1_police: Object.fromEntries(
      Object.entries(versionRatios).map(([k, r]) => [k, Number(r.toFixed(3))]),
    ),
    sign: Object.fromEntries(Object.entries(s).map(([k, x]) => [k, Math.round(x)])),
    qr_version_ecc_m: version,
    presentation_chars: reference0.length,
    credential_chars: (credentials[0] as string).length,
    render_svg_ms: Number(svgMs.toFixed(2)),
    render_png_ms: Number(pngMs.toFixed(2)),
  };
}
