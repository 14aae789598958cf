/*
 * npm run bench:sizes: the QR version at ECC M of the reference presentation in format version 1
 * and in the alternatives FORMAT.md §4.4 compares it with (same claims, same holder binding), and
 * of the police, rental and age presentations of format version 2 (§8.10).
 */
import { deflateRawSync } from 'node:zlib';
import { randomBytes, createHash } from 'node:crypto';
import QRCode from 'qrcode';
import { signCredential } from '../issuer/sign-credential.js';
import { createPresentation } from '../shared/create-presentation.js';
import { createJwkSigner, generateKeyPair } from '../shared/node/keys.js';
import { qrVersion } from '../shared/qr.js';
import { toWireClaims } from '../shared/credential.js';
import { issueCredentialV2 } from '../shared/sd/credential-v2.js';
import { createPresentationV2 } from '../shared/sd/presentation-v2.js';
import { referenceLicence } from '../test/helpers/presentation-kit.js';
const licence = referenceLicence(0);
const issuer = createJwkSigner(generateKeyPair().privateJwk);
const holder = createJwkSigner(generateKeyPair().privateJwk);
const now = new Date('2026-11-24T02:00:00Z');
const ph = randomBytes(32).toString('base64url');
const cred = await signCredential(
  {
    licence,
    holderKey: holder.publicJwk.x,
    issuer: 'https://dl.122.gov.cn',
    status: { idx: 1234567, uri: 'https://dl.122.gov.cn/status/44/1' },
    portraitHash: ph,
    now,
    validDays: 30,
  },
  issuer,
);
const p = await createPresentation(cred, holder, { now });
console.log('LZ1 (format version 1), numeric mode', p.length, 'v', qrVersion(p));
// Format version 2: the same licence, keys and times, one presentation per purpose.
const iat = Math.floor(now.getTime() / 1000);
const claimsV2 = {
  iss: 'https://dl.122.gov.cn',
  iat,
  nbf: iat,
  exp: iat + 30 * 86_400,
  holderKey: holder.publicJwk.x,
  status: { idx: 1234567, uri: 'https://dl.122.gov.cn/status/44/1' },
  portraitHash: ph,
  licence,
};
const { holderCopy } = await issueCredentialV2(
  { ...claimsV2, jti: randomBytes(12).toString('base64url') },
  issuer,
);
for (const purpose of ['police', 'rental', 'age'] as const) {
  const text = await createPresentationV2(holderCopy, holder, { now, purpose });
  // The largest over fresh seeds, jtis and holder keys: DEFLATE's output varies by a few bytes.
  let largest = text.length;
  for (let i = 0; i < 20; i++) {
    const h = createJwkSigner(generateKeyPair().privateJwk);
    const copy = await issueCredentialV2(
      { ...claimsV2, holderKey: h.publicJwk.x, jti: randomBytes(12).toString('base64url') },
      issuer,
    );
    largest = Math.max(
      largest,
      (await createPresentationV2(copy.holderCopy, h, { now, purpose })).length,
    );
  }
  console.log(
    `LZ2 ${purpose}, numeric mode`,
    text.length,
    'v',
    qrVersion(text),
    `(largest of 21: ${largest} v ${qrVersion('LZ2:' + '0'.repeat(largest - 4))})`,
  );
}
const claims = toWireClaims({
  iss: 'https://dl.122.gov.cn',
  iat: 1764000000,
  nbf: 1764000000,
  exp: 1766592000,
  jti: randomBytes(12).toString('base64url'),
  holderKey: holder.publicJwk.x,
  status: { idx: 1234567, uri: 'https://dl.122.gov.cn/status/44/1' },
  portraitHash: ph,
  licence,
});
const b64 = (b: Buffer | string) => Buffer.from(b).toString('base64url');
const sig = b64(randomBytes(64));
const kbjwt = `${b64('{"alg":"EdDSA","typ":"kb+jwt"}')}.${b64(JSON.stringify({ iat: 1764000000, sd_hash: createHash('sha256').update('x').digest('base64url') }))}.${sig}`;
const plainHeader = b64(JSON.stringify({ alg: 'EdDSA', kid: issuer.kid, typ: 'lzdl+jwt' }));
const plain = `${plainHeader}.${b64(JSON.stringify(claims))}.${sig}~${kbjwt}`;
const v = (segs: Parameters<typeof QRCode.create>[0]) => {
  try {
    return QRCode.create(segs, { errorCorrectionLevel: 'M' }).version;
  } catch {
    return '>40';
  }
};
console.log(
  'plain JWS + KB-JWT, byte mode',
  plain.length,
  'v',
  v([{ data: Buffer.from(plain), mode: 'byte' }]),
);
const defHeader = b64(
  JSON.stringify({ alg: 'EdDSA', kid: issuer.kid, typ: 'lzdl+jwt', zip: 'DEF' }),
);
const def = `${defHeader}.${b64(deflateRawSync(JSON.stringify(claims), { level: 9 }))}.${sig}~${kbjwt}`;
console.log(
  'DEFLATE JWS + KB-JWT, byte mode',
  def.length,
  'v',
  v([{ data: Buffer.from(def), mode: 'byte' }]),
);
const shc = (s: string) =>
  Array.from(s, (c: string) =>
    c === '~' ? '99' : String(c.charCodeAt(0) - 45).padStart(2, '0'),
  ).join('');
console.log(
  'DEFLATE JWS + KB-JWT, SHC numeric',
  def.length,
  'v',
  v([
    { data: Buffer.from('shc:/'), mode: 'byte' },
    { data: shc(def.replace('~', '.')), mode: 'numeric' },
  ]),
);
