/*
 * The QR sizes of the reference presentations at ECC M: format version 1's, and version 2's for
 * the police, rental and age purposes (FORMAT.md §4.4, §8.10), and of a police and a rental
 * device's request (§9.6), with the largest over fresh seeds, jtis and keys (DEFLATE's output
 * varies by a few bytes). Printed by `npm run bench` and
 * `npm run bench:sizes`.
 */
import { randomBytes } from 'node:crypto';
import { signCredential } from '../issuer/sign-credential.js';
import { createPresentation } from '../shared/create-presentation.js';
import { createJwkSigner, generateKeyPair } from '../shared/node/keys.js';
import { qrVersion } from '../shared/qr.js';
import { ROLES, signVerifierCertificate } from '../shared/request/certificate.js';
import { createRequest } from '../shared/request/request.js';
import { issueCredentialV2 } from '../shared/sd/credential-v2.js';
import { createPresentationV2 } from '../shared/sd/presentation-v2.js';
import { referenceLicence } from '../test/helpers/presentation-kit.js';

/** One presentation's size: characters and QR version, and the largest of `tries` fresh ones. */
export interface PresentationSize {
  readonly characters: number;
  readonly version: number;
  readonly largest: number;
  readonly largestVersion: number;
  /** How many presentations `largest` is the largest of. */
  readonly of: number;
}

const ISSUER_URL = 'https://dl.122.gov.cn';
const STATUS = { idx: 1234567, uri: 'https://dl.122.gov.cn/status/44/1' };

/** The sizes of the first reference licence's presentations, by format and purpose. */
export async function presentationSizes(tries = 20): Promise<Record<string, PresentationSize>> {
  const licence = referenceLicence(0);
  const issuer = createJwkSigner(generateKeyPair().privateJwk);
  const now = new Date('2026-11-24T02:00:00Z');
  const iat = Math.floor(now.getTime() / 1000);
  const portraitHash = randomBytes(32).toString('base64url');
  const sizeOf = async (make: () => Promise<string>): Promise<PresentationSize> => {
    const first = await make();
    let largest = first.length;
    for (let i = 0; i < tries; i++) largest = Math.max(largest, (await make()).length);
    const prefix = first.slice(0, first.indexOf(':') + 1);
    return {
      characters: first.length,
      version: qrVersion(first),
      largest,
      largestVersion: qrVersion(prefix + '0'.repeat(largest - prefix.length)),
      of: tries + 1,
    };
  };
  const sizes: Record<string, PresentationSize> = {
    lz1: await sizeOf(async () => {
      const holder = createJwkSigner(generateKeyPair().privateJwk);
      const credential = await signCredential(
        {
          licence,
          holderKey: holder.publicJwk.x,
          issuer: ISSUER_URL,
          status: STATUS,
          portraitHash,
          now,
          validDays: 30,
        },
        issuer,
      );
      return createPresentation(credential, holder, { now });
    }),
  };
  for (const purpose of ['police', 'rental', 'age'] as const)
    sizes[`lz2_${purpose}`] = await sizeOf(async () => {
      const holder = createJwkSigner(generateKeyPair().privateJwk);
      const { holderCopy } = await issueCredentialV2(
        {
          iss: ISSUER_URL,
          iat,
          nbf: iat,
          exp: iat + 30 * 86_400,
          jti: randomBytes(12).toString('base64url'),
          holderKey: holder.publicJwk.x,
          status: STATUS,
          portraitHash,
          licence,
        },
        issuer,
      );
      return createPresentationV2(holderCopy, holder, { now, purpose });
    });
  // A verifier device's request (FORMAT.md §9.2): its certificate inside, a fresh nonce.
  for (const [role, org] of [
    ['police', '广州市公安局交通警察支队'],
    ['rental', '平安汽车租赁有限公司'],
  ] as const)
    sizes[`lzq1_${role}`] = await sizeOf(async () => {
      const device = createJwkSigner(generateKeyPair().privateJwk);
      const certificate = await signVerifierCertificate(
        {
          iss: ISSUER_URL,
          iat,
          nbf: iat,
          exp: iat + 30 * 86_400,
          jti: randomBytes(12).toString('base64url'),
          holderKey: device.publicJwk.x,
          status: { idx: 12345, uri: `${ISSUER_URL}/status/verifiers/1` },
          org,
          role,
          may: ROLES[role],
        },
        issuer,
      );
      return (await createRequest(certificate, device, { now, purpose: role })).text;
    });
  return sizes;
}

/** The bars of the selective-disclosure issue: the highest QR version each may reach. */
export const VERSION_BARS: Readonly<Record<string, number>> = {
  lz2_police: 22,
  lz2_rental: 18,
  lz2_age: 15,
};

/** One line a presentation, as both benches print them. */
export function sizeLines(sizes: Record<string, PresentationSize>): string[] {
  return Object.entries(sizes).map(([name, s]) => {
    const bar = VERSION_BARS[name];
    return `  ${name.padEnd(10)} ${s.characters} characters, QR version ${s.version} at ECC M (largest of ${s.of}: ${s.largest}, version ${s.largestVersion})${bar === undefined ? '' : `; bar ≤ ${bar}`}`;
  });
}
