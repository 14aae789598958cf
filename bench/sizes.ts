/*
 * npm run bench:sizes: the QR version at ECC M of the reference presentation in format version 1
 * and in the alternatives FORMAT.md §4.4 compares it with (same claims, same holder binding), and
 * of the police, rental and age presentations of format version 2 (§8.10).
 */
import { deflateRawSync } from 'node:zlib';
import { randomBytes, createHash } from 'node:crypto';
import QRCode from 'qrcode';
import { createJwkSigner, generateKeyPair } from '../shared/node/keys.js';
import { toWireClaims } from '../shared/credential.js';
import { referenceLicence } from '../test/helpers/presentation-kit.js';
import { presentationSizes, sizeLines } from './presentation-sizes.js';
const licence = referenceLicence(0);
const issuer = createJwkSigner(generateKeyPair().privateJwk);
const holder = createJwkSigner(generateKeyPair().privateJwk);
const ph = randomBytes(32).toString('base64url');
for (const line of sizeLines(await presentationSizes())) console.log(line);
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
