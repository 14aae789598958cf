/**
 * Writes test/vectors/presentations.json and the status list tokens in test/vectors/status-lists/:
 * one presentation per verifier failure mode, and the valid cases, for
 * test/verifier/verify-presentation.test.ts.
 *
 *   npx tsx test/vectors/make-presentation-fixtures.ts
 *
 * Deterministic: fixed test keys (test/vectors/keys/, made once with generateKeyPair() when
 * missing, never overwritten), fixed jti values and fixed times; Ed25519 signatures are
 * deterministic (RFC 8032 §5.1.6), so running it again writes the same bytes.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { sha256 } from '@noble/hashes/sha2.js';
import { signCredential } from '../../issuer/sign-credential.js';
import { signStatusList } from '../../issuer/sign-status-list.js';
import { CLAIMS_DICTIONARY } from '../../shared/claims-dictionary.js';
import { createPresentation } from '../../shared/create-presentation.js';
import {
  canonicalCredentialHeader,
  CREDENTIAL_TYP,
  type CredentialClaimsInput,
} from '../../shared/credential.js';
import { ByteWriter } from '../../shared/internal/byte-reader.js';
import { decodeDigits, encodeDigits } from '../../shared/internal/digits.js';
import type { LicenceStatusCode } from '../../shared/licence/codes.js';
import type { LicenceRecord } from '../../shared/licence/record.js';
import { generateKeyPair } from '../../shared/node/keys.js';
import {
  decodePresentation,
  MAX_PRESENTATION_LENGTH,
  PRESENTATION_PREFIX,
  presentationEnvelope,
  type PresentationParts,
} from '../../shared/presentation.js';
import {
  at,
  compressPayload,
  epochSeconds,
  flipByte,
  KEY_FILES,
  KEYS_DIR,
  loadTestKeys,
  presentParts,
  reencode,
  referenceLicence,
  signClaimsByHand,
  signCompact,
  splitCompact,
} from '../helpers/presentation-kit.js';
import { FIXED_SEED, presentByHand, rewrite } from '../helpers/sd-kit.js';
import {
  canonicalCredentialHeaderV2,
  CREDENTIAL_TYP_V2,
  issueCredentialV2,
  parseHolderCopy,
  signGroupValues,
} from '../../shared/sd/credential-v2.js';
import {
  GROUP_NAMES,
  groupsFor,
  type GroupIndex,
  type GroupName,
  type GroupValues,
  type Purpose,
} from '../../shared/sd/groups.js';
import {
  compressJson,
  compressValues,
  createPresentationV2,
  decodePresentationV2,
  type EnvelopeV2,
} from '../../shared/sd/presentation-v2.js';
import { utf8 } from '../../shared/utf8.js';
import { nodeBackend } from '../../verifier/backends/node.js';

const OUT = new URL('presentations.json', import.meta.url);
const STATUS_DIR = new URL('status-lists/', import.meta.url);

/** The verifier's clock in every case: 10:00 China time. */
const NOW_ISO = '2026-03-15T02:00:00.000Z';
const NOW = epochSeconds(NOW_ISO);
const DAY = 86_400;
const ISSUER = 'https://jtgl.example.cn';
const STATUS_URI = 'https://jtgl.example.cn/status/1';
/** Status list entries (2 bits): index 0 valid, 1 invalid, 2 suspended, 3 superseded, rest valid. */
const STATUSES = [0, 1, 2, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
const IDX = { valid: 0, invalid: 1, suspended: 2, superseded: 3, longTerm: 4, beyond: 100 };

type Expected = 'valid' | `ERR_${string}`;

interface FixtureOptions {
  readonly nonce?: string;
  readonly strict?: boolean;
  readonly proofMaxAge?: number;
  readonly statusList?: string;
  readonly issuer?: string;
  readonly acceptVersion1?: boolean;
}

interface FixtureCase {
  readonly id: string;
  readonly expected: Expected;
  readonly check: string;
  readonly why: string;
  /** Valid cases only: the warnings the report must carry, in order. */
  readonly warnings?: readonly string[];
  /** Valid version 2 cases: what the report's disclosure must say. */
  readonly disclosure?: {
    readonly purpose: Purpose;
    readonly disclosed: readonly GroupName[];
    readonly withheld: readonly GroupName[];
  };
  readonly text: string;
  readonly now: string;
  readonly options?: FixtureOptions;
}

// --- Keys: made once, then read -----------------------------------------------------------

async function ensureKeys(): Promise<void> {
  await mkdir(KEYS_DIR, { recursive: true });
  const pairs: readonly [privateKey: string, jwks?: string][] = [
    [KEY_FILES.issuer, KEY_FILES.issuerJwks],
    [KEY_FILES.otherIssuer, KEY_FILES.otherIssuerJwks],
    [KEY_FILES.holder],
    [KEY_FILES.otherHolder],
  ];
  for (const [privateName, jwksName] of pairs) {
    const privateUrl = new URL(privateName, KEYS_DIR);
    if (existsSync(privateUrl)) continue;
    const { privateJwk, publicJwk } = generateKeyPair();
    // 'wx': a key, once written, is never replaced (every fixture depends on it).
    await writeFile(privateUrl, `${JSON.stringify(privateJwk, null, 2)}\n`, { flag: 'wx' });
    if (jwksName !== undefined) {
      await writeFile(
        new URL(jwksName, KEYS_DIR),
        `${JSON.stringify({ keys: [publicJwk] }, null, 2)}\n`,
        { flag: 'wx' },
      );
    }
  }
}

// --- Building blocks ----------------------------------------------------------------------

await ensureKeys();
const keys = loadTestKeys();
const reference = referenceLicence(0);
const longTerm = referenceLicence(1);
const seized = referenceLicence(2);
const overdue = referenceLicence(3);
if (seized.status !== 'D' || overdue.status !== 'M' || longTerm.validTo !== 'long-term')
  throw new Error('reference-licences.json: licences 1-3 are not the ones these fixtures expect');

/** A credential as the issuer signs it (signCredential: status A, licence valid on `issuedAt`). */
function issue(
  jti: string,
  options: {
    licence?: LicenceRecord;
    issuedAt?: number;
    validDays?: number;
    idx?: number;
    signer?: typeof keys.issuer;
  } = {},
): Promise<string> {
  return signCredential(
    {
      licence: options.licence ?? reference,
      holderKey: keys.holder.publicJwk.x,
      issuer: ISSUER,
      status: { idx: options.idx ?? IDX.valid, uri: STATUS_URI },
      now: at(options.issuedAt ?? NOW - DAY),
      validDays: options.validDays ?? 30,
      jti,
    },
    options.signer ?? keys.issuer,
  );
}

/** Claims for a credential signed by hand (what signCredential refuses to issue). */
function claims(jti: string, over: Partial<CredentialClaimsInput> = {}): CredentialClaimsInput {
  return {
    iss: ISSUER,
    iat: NOW - DAY,
    nbf: NOW - DAY,
    exp: NOW + 29 * DAY,
    jti,
    holderKey: keys.holder.publicJwk.x,
    status: { idx: IDX.valid, uri: STATUS_URI },
    licence: reference,
    ...over,
  };
}

/** The holder's presentation of `credential`, made `age` seconds before NOW. */
function present(credential: string, options: { age?: number; nonce?: string } = {}) {
  return createPresentation(credential, keys.holder, {
    now: at(NOW - (options.age ?? 5)),
    ...(options.nonce === undefined ? {} : { nonce: options.nonce }),
  });
}

/** A credential with this literal header (signed by the trusted issuer) over the reference payload. */
async function withHeader(header: string): Promise<string> {
  const { credentialPayload } = splitCompact(referenceCredential);
  return present(await signCompact(header, credentialPayload, keys.issuer));
}

/** A credential with this payload (raw bytes, signed by the trusted issuer, canonical header). */
async function withPayload(payload: Uint8Array): Promise<string> {
  return present(
    await signCompact(canonicalCredentialHeader(keys.issuer.kid), payload, keys.issuer),
  );
}

/** A licence record with some fields changed (no validation: the verifier is what is tested). */
function licence(base: LicenceRecord, over: Partial<LicenceRecord>): LicenceRecord {
  return { ...base, ...over };
}

function withStatus(status: LicenceStatusCode, points?: number): LicenceRecord {
  return licence(reference, { status, ...(points === undefined ? {} : { points }) });
}

/** The envelope bytes of a presentation (digits decoded). */
function envelopeOf(text: string): Uint8Array {
  return decodeDigits(text.slice(PRESENTATION_PREFIX.length));
}

function fromEnvelope(bytes: Uint8Array): string {
  return PRESENTATION_PREFIX + encodeDigits(bytes);
}

/** The envelope with a nonce that encodePresentation would refuse. */
function envelopeWithRawNonce(parts: PresentationParts, nonce: Uint8Array): string {
  return fromEnvelope(presentationEnvelope(parts, nonce));
}

/**
 * A raw DEFLATE stream that inflates past MAX_CREDENTIAL_PAYLOAD (4096) in a stored block: 4090
 * bytes from a compressed block, then a final stored block of 100 bytes (RFC 1951 §3.2.4).
 */
function storedBlockOverflow(): Uint8Array {
  // Z_SYNC_FLUSH ends on a byte boundary with a non-final empty stored block.
  const head = deflateRawSync(Buffer.alloc(4090, 0x20), { finishFlush: 2 });
  const data = Buffer.alloc(100, 0x20);
  const stored = Buffer.from([0x01, data.length, 0, ~data.length & 0xff, 0xff]);
  return Uint8Array.from(Buffer.concat([head, stored, data]));
}

// --- The credentials and lists every case starts from ---------------------------------------

const referenceCredential = await issue('fixture-reference-0001');
const base = await present(referenceCredential);
const baseParts = decodePresentation(base);
const kid = keys.issuer.kid;

const statusLists = {
  'fresh.jwt': await signStatusList(
    {
      uri: STATUS_URI,
      statuses: STATUSES,
      bits: 2,
      now: at(NOW - 3600),
      validFor: 2 * DAY,
      ttl: 3600,
    },
    keys.issuer,
  ),
  'stale.jwt': await signStatusList(
    {
      uri: STATUS_URI,
      statuses: STATUSES,
      bits: 2,
      now: at(NOW - 3 * DAY),
      validFor: 7 * DAY,
      ttl: 3600,
    },
    keys.issuer,
  ),
  'expired.jwt': await signStatusList(
    {
      uri: STATUS_URI,
      statuses: STATUSES,
      bits: 2,
      now: at(NOW - 2 * 3600),
      validFor: 3600,
      ttl: 600,
    },
    keys.issuer,
  ),
};

// --- The cases ----------------------------------------------------------------------------

const cases: FixtureCase[] = [];

function add(
  id: string,
  expected: Expected,
  check: string,
  why: string,
  text: string,
  options?: FixtureOptions,
  warnings?: readonly string[],
): void {
  if (cases.some((c) => c.id === id)) throw new Error(`duplicate case id ${id}`);
  cases.push({
    id,
    expected,
    check,
    why,
    ...(warnings === undefined ? {} : { warnings }),
    text,
    now: NOW_ISO,
    ...(options === undefined ? {} : { options }),
  });
}

function valid(
  id: string,
  check: string,
  why: string,
  text: string,
  warnings: readonly string[],
  options?: FixtureOptions,
): void {
  add(id, 'valid', check, why, text, options, warnings);
}

// Valid presentations.
valid(
  'valid-no-status-list',
  'status_list',
  'the reference credential, fresh proof, no status list given: valid with a warning',
  base,
  ['WARN_STATUS_UNCHECKED'],
);
valid(
  'valid-fresh-status-list',
  'status_list',
  'status list issued 1 h ago, entry 0 valid: valid, no warning',
  base,
  [],
  { statusList: 'fresh.jwt' },
);
valid(
  'valid-stale-status-list',
  'status_list',
  'status list issued 3 days ago (older than the 1-day statusMaxAge), entry valid: valid with a warning',
  base,
  ['WARN_STATUS_STALE'],
  { statusList: 'stale.jwt' },
);
valid(
  'valid-expired-status-list',
  'status_list',
  'status list past its exp (1 h ago), entry valid: valid with a warning',
  base,
  ['WARN_STATUS_STALE'],
  { statusList: 'expired.jwt' },
);
valid(
  'valid-nonce',
  'proof_freshness',
  'the verifier offered a nonce and the proof carries it',
  await present(referenceCredential, { nonce: 'Vf-2026_abc' }),
  [],
  { nonce: 'Vf-2026_abc', statusList: 'fresh.jwt' },
);
valid(
  'valid-strict-fresh-list',
  'status_list',
  'strict mode with a fresh status list: nothing to turn into a failure',
  base,
  [],
  { strict: true, statusList: 'fresh.jwt' },
);
valid(
  'valid-issuer-option',
  'claims',
  'the verifier requires iss and the credential has it',
  base,
  [],
  { issuer: ISSUER, statusList: 'fresh.jwt' },
);
valid(
  'valid-alg-ed25519',
  'type',
  'header alg "Ed25519" (RFC 9864 fully-specified) is accepted like EdDSA',
  await withHeader(`{"alg":"Ed25519","kid":"${kid}","typ":"${CREDENTIAL_TYP}"}`),
  [],
  { statusList: 'fresh.jwt' },
);
valid(
  'valid-long-term-licence',
  'licence_validity',
  'licence 2 of the reference file: long-term validity, never expires',
  await present(await issue('fixture-longterm-01', { licence: longTerm, idx: IDX.longTerm })),
  [],
  { statusList: 'fresh.jwt' },
);
valid(
  'valid-proof-max-age-option',
  'proof_freshness',
  'proof made 200 s ago; the verifier allows 300 s (proofMaxAge)',
  await present(referenceCredential, { age: 200 }),
  [],
  { proofMaxAge: 300, statusList: 'fresh.jwt' },
);

// parse: ERR_MALFORMED / ERR_TOO_LARGE.
const digits = base.slice(PRESENTATION_PREFIX.length);
const envelope = envelopeOf(base);
const firstByte = envelope[0] ?? 0;
if (firstByte >= 0x80) throw new Error('expected a one-byte first varint');
add(
  'malformed-prefix-version',
  'ERR_MALFORMED',
  'parse',
  'prefix "LZ2:" instead of "LZ1:"',
  `LZ2:${digits}`,
);
add(
  'malformed-prefix-lower-case',
  'ERR_MALFORMED',
  'parse',
  'prefix "lz1:" (the prefix is case-sensitive)',
  `lz1:${digits}`,
);
add('malformed-empty', 'ERR_MALFORMED', 'parse', 'the empty string', '');
add(
  'malformed-non-digit',
  'ERR_MALFORMED',
  'parse',
  'one digit replaced by "A"',
  `${PRESENTATION_PREFIX}${digits.slice(0, 20)}A${digits.slice(21)}`,
);
add(
  'malformed-trailing-newline',
  'ERR_MALFORMED',
  'parse',
  'a newline after the digits',
  `${base}\n`,
);
add(
  'malformed-digit-group-length',
  'ERR_MALFORMED',
  'parse',
  'one digit appended: the length is no longer 15n + 0, 3, 5, 8, 10 or 13',
  `${base}0`,
);
add(
  'malformed-digit-group-too-big',
  'ERR_MALFORMED',
  'parse',
  'first 15-digit group 999999999999999, above 256^6 - 1',
  `${PRESENTATION_PREFIX}999999999999999${digits.slice(15)}`,
);
add(
  'malformed-trailing-byte',
  'ERR_MALFORMED',
  'parse',
  'one zero byte after the proof signature in the envelope',
  fromEnvelope(Uint8Array.from([...envelope, 0])),
);
add(
  'malformed-truncated',
  'ERR_MALFORMED',
  'parse',
  'the envelope without its last byte (proof signature 63 bytes)',
  fromEnvelope(envelope.slice(0, -1)),
);
add(
  'malformed-padded-varint',
  'ERR_MALFORMED',
  'parse',
  'the first varint written with a superfluous zero group (x | 0x80, 0x00)',
  fromEnvelope(Uint8Array.from([firstByte | 0x80, 0, ...envelope.subarray(1)])),
);
add(
  'malformed-nonce-character',
  'ERR_MALFORMED',
  'parse',
  'nonce "a b" (a space is outside A-Z a-z 0-9 - _)',
  envelopeWithRawNonce(baseParts, Uint8Array.from(Buffer.from('a b'))),
);
add(
  'malformed-nonce-too-long',
  'ERR_MALFORMED',
  'parse',
  'nonce of 65 characters (at most 64)',
  envelopeWithRawNonce(baseParts, Uint8Array.from(Buffer.from('n'.repeat(65)))),
);
add(
  'malformed-header-not-json',
  'ERR_MALFORMED',
  'parse',
  'credential header bytes "not json", signed by the trusted issuer',
  await presentParts(
    splitCompact(await signCompact('not json', baseParts.credentialPayload, keys.issuer)),
    keys.holder,
    NOW - 5,
  ),
);
add(
  'malformed-header-array',
  'ERR_MALFORMED',
  'parse',
  'credential header a JSON array, signed by the trusted issuer',
  await presentParts(
    splitCompact(
      await signCompact(
        `[{"alg":"EdDSA","kid":"${kid}"}]`,
        baseParts.credentialPayload,
        keys.issuer,
      ),
    ),
    keys.holder,
    NOW - 5,
  ),
);
add(
  'malformed-header-bom',
  'ERR_MALFORMED',
  'parse',
  'canonical credential header preceded by a UTF-8 byte-order mark',
  await presentParts(
    splitCompact(
      await signCompact(
        Uint8Array.from([0xef, 0xbb, 0xbf, ...Buffer.from(canonicalCredentialHeader(kid))]),
        baseParts.credentialPayload,
        keys.issuer,
      ),
    ),
    keys.holder,
    NOW - 5,
  ),
);
add(
  'malformed-header-not-utf8',
  'ERR_MALFORMED',
  'parse',
  'credential header bytes that are not UTF-8 (0xff)',
  await presentParts(
    splitCompact(
      await signCompact(Uint8Array.of(0x7b, 0xff, 0x7d), baseParts.credentialPayload, keys.issuer),
    ),
    keys.holder,
    NOW - 5,
  ),
);
// The reference envelope starts with header length 0 and the 32 bytes of the kid.
if (firstByte !== 0 || baseParts.canonicalKid === undefined)
  throw new Error('expected the canonical header to travel as its key id');
const writtenOut = new ByteWriter()
  .varint(baseParts.credentialHeader.length)
  .bytes(baseParts.credentialHeader)
  .finish();
add(
  'malformed-canonical-header-written-out',
  'ERR_MALFORMED',
  'parse',
  `the canonical credential header sent as its ${baseParts.credentialHeader.length} bytes instead of its key id only: a second text for the same presentation`,
  fromEnvelope(Uint8Array.from([...writtenOut, ...envelope.subarray(1 + 32)])),
);
add(
  'too-large',
  'ERR_TOO_LARGE',
  'parse',
  `${MAX_PRESENTATION_LENGTH + 1} characters, one more than MAX_PRESENTATION_LENGTH`,
  `${PRESENTATION_PREFIX}${'0'.repeat(MAX_PRESENTATION_LENGTH + 1 - PRESENTATION_PREFIX.length)}`,
);

// type: the JOSE header rules (literal headers, all signed by the trusted issuer).
const T = CREDENTIAL_TYP;
const headerCases: readonly [string, Expected, string, string][] = [
  ['alg-none', 'ERR_ALG_NOT_ALLOWED', 'alg "none"', `{"alg":"none","kid":"${kid}","typ":"${T}"}`],
  [
    'alg-hs256',
    'ERR_ALG_NOT_ALLOWED',
    'alg "HS256"',
    `{"alg":"HS256","kid":"${kid}","typ":"${T}"}`,
  ],
  [
    'alg-es256',
    'ERR_ALG_NOT_ALLOWED',
    'alg "ES256"',
    `{"alg":"ES256","kid":"${kid}","typ":"${T}"}`,
  ],
  [
    'alg-lower-case',
    'ERR_ALG_NOT_ALLOWED',
    'alg "eddsa" (algorithm names are case-sensitive)',
    `{"alg":"eddsa","kid":"${kid}","typ":"${T}"}`,
  ],
  ['alg-missing', 'ERR_ALG_NOT_ALLOWED', 'no alg', `{"kid":"${kid}","typ":"${T}"}`],
  ['typ-jwt', 'ERR_WRONG_TYPE', 'typ "JWT"', `{"alg":"EdDSA","kid":"${kid}","typ":"JWT"}`],
  [
    'typ-status-list',
    'ERR_WRONG_TYPE',
    'typ "statuslist+jwt": a status list token passed off as a credential',
    `{"alg":"EdDSA","kid":"${kid}","typ":"statuslist+jwt"}`,
  ],
  ['typ-missing', 'ERR_WRONG_TYPE', 'no typ', `{"alg":"EdDSA","kid":"${kid}"}`],
  [
    'crit',
    'ERR_CRIT_UNSUPPORTED',
    'crit ["exp"] (no extension is understood)',
    `{"alg":"EdDSA","crit":["exp"],"exp":1,"kid":"${kid}","typ":"${T}"}`,
  ],
  [
    'b64-false',
    'ERR_CRIT_UNSUPPORTED',
    'b64 false with crit ["b64"] (RFC 7797 is not for JWTs)',
    `{"alg":"EdDSA","b64":false,"crit":["b64"],"kid":"${kid}","typ":"${T}"}`,
  ],
  [
    'b64-false-alone',
    'ERR_CRIT_UNSUPPORTED',
    'b64 false without crit',
    `{"alg":"EdDSA","b64":false,"kid":"${kid}","typ":"${T}"}`,
  ],
  [
    'key-jwk',
    'ERR_KEY_IN_HEADER',
    'jwk header carrying the issuer key (a key never comes from the token)',
    `{"alg":"EdDSA","jwk":{"kty":"OKP","crv":"Ed25519","x":"${keys.issuer.publicJwk.x}"},"kid":"${kid}","typ":"${T}"}`,
  ],
  [
    'key-jku',
    'ERR_KEY_IN_HEADER',
    'jku header',
    `{"alg":"EdDSA","jku":"https://attacker.example/jwks.json","kid":"${kid}","typ":"${T}"}`,
  ],
  [
    'key-x5u',
    'ERR_KEY_IN_HEADER',
    'x5u header',
    `{"alg":"EdDSA","kid":"${kid}","typ":"${T}","x5u":"https://attacker.example/cert.pem"}`,
  ],
  [
    'key-x5c',
    'ERR_KEY_IN_HEADER',
    'x5c header',
    `{"alg":"EdDSA","kid":"${kid}","typ":"${T}","x5c":["MIIB"]}`,
  ],
  [
    'extra-zip',
    'ERR_HEADER_INVALID',
    'zip "DEF" besides alg, kid, typ (the typ already says how the payload is compressed)',
    `{"alg":"EdDSA","kid":"${kid}","typ":"${T}","zip":"DEF"}`,
  ],
  ['kid-number', 'ERR_HEADER_INVALID', 'kid a number', `{"alg":"EdDSA","kid":5,"typ":"${T}"}`],
  ['kid-missing', 'ERR_HEADER_INVALID', 'no kid', `{"alg":"EdDSA","typ":"${T}"}`],
  // Only the one serialisation: other texts JSON reads as the same members are refused.
  [
    'alg-twice',
    'ERR_HEADER_INVALID',
    'alg twice, "none" then "Ed25519" (JSON.parse keeps the last; another parser the first)',
    `{"alg":"none","alg":"Ed25519","kid":"${kid}","typ":"${T}"}`,
  ],
  [
    'members-reordered',
    'ERR_HEADER_INVALID',
    'alg "Ed25519" with its members in another order',
    `{"kid":"${kid}","alg":"Ed25519","typ":"${T}"}`,
  ],
  [
    'whitespace',
    'ERR_HEADER_INVALID',
    'alg "Ed25519" with spaces between its members',
    `{"alg": "Ed25519", "kid": "${kid}", "typ": "${T}"}`,
  ],
];
for (const [id, expected, why, header] of headerCases) {
  add(`header-${id}`, expected, 'type', `header ${why}`, await withHeader(header));
}

// issuer_known and issuer_signature.
add(
  'issuer-unknown',
  'ERR_UNKNOWN_ISSUER',
  'issuer_known',
  'credential signed by another issuer key (not in the trust list)',
  await present(await issue('fixture-other-iss-01', { signer: keys.otherIssuer })),
);
add(
  'issuer-kid-of-trusted-key-signed-by-other',
  'ERR_BAD_SIGNATURE',
  'issuer_signature',
  "kid of the trusted key, signature made with another issuer's key",
  await present(
    await signCompact(
      canonicalCredentialHeader(kid),
      baseParts.credentialPayload,
      keys.otherIssuer,
    ),
  ),
);
add(
  'issuer-signature-payload-byte-flipped',
  'ERR_BAD_SIGNATURE',
  'issuer_signature',
  'one payload byte flipped, proof unchanged',
  reencode(base, (p) => ({ ...p, credentialPayload: flipByte(p.credentialPayload, 10) })),
);
add(
  'issuer-signature-byte-flipped',
  'ERR_BAD_SIGNATURE',
  'issuer_signature',
  'one byte of the issuer signature flipped',
  reencode(base, (p) => ({ ...p, credentialSignature: flipByte(p.credentialSignature, 5) })),
);
add(
  'issuer-signature-tampered-proof-recomputed',
  'ERR_BAD_SIGNATURE',
  'issuer_signature',
  'one payload byte flipped, and the holder proof made again over the tampered credential',
  await presentParts(
    { ...baseParts, credentialPayload: flipByte(baseParts.credentialPayload, 10) },
    keys.holder,
    NOW - 5,
  ),
);

// claims: all signed by the trusted issuer, so only the payload is wrong.
add(
  'claims-payload-not-deflate',
  'ERR_CLAIMS_INVALID',
  'claims',
  'payload bytes ff ff ff: not raw DEFLATE (reserved block type)',
  await withPayload(Uint8Array.of(0xff, 0xff, 0xff)),
);
add(
  'claims-payload-not-utf8',
  'ERR_CLAIMS_INVALID',
  'claims',
  'payload inflates to bytes that are not UTF-8',
  await withPayload(compressPayload(Uint8Array.of(0x7b, 0xff, 0x7d))),
);
add(
  'claims-payload-not-json',
  'ERR_CLAIMS_INVALID',
  'claims',
  'payload inflates to text that is not JSON',
  await withPayload(compressPayload('{"iss":')),
);
add(
  'claims-payload-array',
  'ERR_CLAIMS_INVALID',
  'claims',
  'payload inflates to a JSON array',
  await withPayload(compressPayload('[1,2,3]')),
);
add(
  'claims-unknown-claim',
  'ERR_CLAIMS_INVALID',
  'claims',
  'an unknown claim "xyz" besides the format\'s claims',
  await present(await signClaimsByHand(claims('fixture-claims-01'), keys.issuer, { xyz: 1 })),
);
add(
  'claims-missing-jti',
  'ERR_CLAIMS_INVALID',
  'claims',
  'no jti claim',
  await present(
    await signClaimsByHand(claims('fixture-claims-02'), keys.issuer, { jti: undefined }),
  ),
);
add(
  'claims-licence-check-character',
  'ERR_CLAIMS_INVALID',
  'claims',
  'licence number whose GB 11643 check character is wrong',
  await present(
    await signClaimsByHand(
      claims('fixture-claims-03', {
        licence: licence(reference, { licenceNumber: '440106199003072420' }),
      }),
      keys.issuer,
    ),
  ),
);
add(
  'claims-nbf-not-before-exp',
  'ERR_CLAIMS_INVALID',
  'claims',
  'nbf equal to exp',
  await present(
    await signClaimsByHand(
      claims('fixture-claims-04', { nbf: NOW + DAY, exp: NOW + DAY }),
      keys.issuer,
    ),
  ),
);
add(
  'claims-payload-too-large',
  'ERR_TOO_LARGE',
  'claims',
  'payload inflates to more than MAX_CREDENTIAL_PAYLOAD (4096) bytes',
  await withPayload(compressPayload(`{"pad":"${' '.repeat(5000)}"}`)),
);
add(
  'claims-payload-too-large-stored-block',
  'ERR_TOO_LARGE',
  'claims',
  'payload inflates past 4096 bytes inside a stored DEFLATE block (4090 compressed + 100 stored)',
  await withPayload(storedBlockOverflow()),
);
add(
  'claims-issuer-mismatch',
  'ERR_ISSUER_MISMATCH',
  'claims',
  'the verifier requires another iss than the credential has',
  base,
  { issuer: 'https://other.example.cn' },
);

// holder_signature.
add(
  'holder-other-device',
  'ERR_HOLDER_SIGNATURE',
  'holder_signature',
  "proof signed by another holder's device key",
  await createPresentation(referenceCredential, keys.otherHolder, { now: at(NOW - 5) }),
);
const otherCredentialProof = decodePresentation(
  await present(await issue('fixture-reference-0002')),
);
add(
  'holder-proof-for-other-credential',
  'ERR_HOLDER_SIGNATURE',
  'holder_signature',
  "the holder's genuine proof for another credential of the same holder, moved onto this one",
  reencode(base, (p) => ({
    ...p,
    proofIat: otherCredentialProof.proofIat,
    proofSignature: otherCredentialProof.proofSignature,
  })),
);
add(
  'holder-proof-iat-changed',
  'ERR_HOLDER_SIGNATURE',
  'holder_signature',
  'proof time moved 1 s later without signing again',
  reencode(base, (p) => ({ ...p, proofIat: p.proofIat + 1 })),
);
add(
  'holder-nonce-added',
  'ERR_HOLDER_SIGNATURE',
  'holder_signature',
  'a nonce added to the envelope that the proof was not signed over',
  reencode(base, (p) => ({ ...p, nonce: 'added-later' })),
);
add(
  'holder-key-small-order',
  'ERR_HOLDER_SIGNATURE',
  'holder_signature',
  'cnf.jwk.x is the identity point (small order): refused, whatever the proof',
  await present(
    await signClaimsByHand(
      claims('fixture-holder-01', {
        holderKey: Buffer.from([1, ...new Array<number>(31).fill(0)]).toString('base64url'),
      }),
      keys.issuer,
    ),
  ),
);

// proof_freshness.
add(
  'proof-expired',
  'ERR_PROOF_EXPIRED',
  'proof_freshness',
  'proof made 300 s ago (at most 60 s + 10 s tolerance)',
  await present(referenceCredential, { age: 300 }),
);
add(
  'proof-expired-max-age-option',
  'ERR_PROOF_EXPIRED',
  'proof_freshness',
  'proof made 200 s ago; the verifier allows 100 s (proofMaxAge)',
  await present(referenceCredential, { age: 200 }),
  { proofMaxAge: 100 },
);
add(
  'proof-not-yet-valid',
  'ERR_PROOF_NOT_YET_VALID',
  'proof_freshness',
  "proof dated 60 s after the verifier's clock (tolerance 10 s)",
  await present(referenceCredential, { age: -60 }),
);
add(
  'nonce-missing',
  'ERR_NONCE_MISMATCH',
  'proof_freshness',
  'the verifier offered a nonce; the proof carries none',
  base,
  { nonce: 'Vf-2026_abc' },
);
add(
  'nonce-other',
  'ERR_NONCE_MISMATCH',
  'proof_freshness',
  'the verifier offered a nonce; the proof carries another',
  await present(referenceCredential, { nonce: 'Vf-2026_xyz' }),
  { nonce: 'Vf-2026_abc' },
);

// credential_time.
add(
  'credential-expired',
  'ERR_CREDENTIAL_EXPIRED',
  'credential_time',
  'credential issued 40 days ago for 30 days',
  await present(await issue('fixture-expired-001', { issuedAt: NOW - 40 * DAY })),
);
add(
  'credential-not-yet-valid',
  'ERR_CREDENTIAL_NOT_YET_VALID',
  'credential_time',
  'credential nbf 1 h after the verifier clock',
  await present(await issue('fixture-future-0001', { issuedAt: NOW + 3600 })),
);

// status_list.
const listed = async (jti: string, idx: number) => present(await issue(jti, { idx }));
add(
  'status-list-invalid',
  'ERR_REVOKED',
  'status_list',
  'status list entry 1: invalid (revoked or cancelled)',
  await listed('fixture-listed-0001', IDX.invalid),
  { statusList: 'fresh.jwt' },
);
add(
  'status-list-suspended',
  'ERR_SUSPENDED',
  'status_list',
  'status list entry 2: suspended',
  await listed('fixture-listed-0002', IDX.suspended),
  { statusList: 'fresh.jwt' },
);
add(
  'status-list-superseded',
  'ERR_SUPERSEDED',
  'status_list',
  'status list entry 3: superseded by a newer e-licence',
  await listed('fixture-listed-0003', IDX.superseded),
  { statusList: 'fresh.jwt' },
);
add(
  'status-list-index-beyond',
  'ERR_STATUS_UNKNOWN',
  'status_list',
  'status index 100 beyond the 16 entries of the list',
  await listed('fixture-listed-0100', IDX.beyond),
  { statusList: 'fresh.jwt' },
);
add(
  'strict-no-status-list',
  'ERR_STATUS_UNCHECKED',
  'status_list',
  'strict mode and no status list: the warning becomes a failure',
  base,
  { strict: true },
);
add(
  'strict-stale-status-list',
  'ERR_STATUS_STALE',
  'status_list',
  'strict mode and a status list issued 3 days ago: the warning becomes a failure',
  base,
  { strict: true, statusList: 'stale.jwt' },
);

// licence_status: the status code signed into the credential.
const byHand = async (jti: string, record: LicenceRecord) =>
  present(await signClaimsByHand(claims(jti, { licence: record }), keys.issuer));
add(
  'licence-status-d',
  'ERR_SUSPENDED',
  'licence_status',
  'licence 3 of the reference file as recorded: status D (seized), 12 points',
  await byHand('fixture-status-D-01', seized),
);
add(
  'licence-status-u',
  'ERR_SUSPENDED',
  'licence_status',
  'status U (detained)',
  await byHand('fixture-status-U-01', withStatus('U')),
);
add(
  'licence-status-f',
  'ERR_REVOKED',
  'licence_status',
  'status F (revoked)',
  await byHand('fixture-status-F-01', withStatus('F')),
);
add(
  'licence-status-e',
  'ERR_REVOKED',
  'licence_status',
  'status E (withdrawn)',
  await byHand('fixture-status-E-01', withStatus('E')),
);
add(
  'licence-status-g',
  'ERR_CANCELLED',
  'licence_status',
  'status G (cancelled)',
  await byHand('fixture-status-G-01', withStatus('G')),
);
add(
  'licence-status-r',
  'ERR_CANCELLED',
  'licence_status',
  'status R (cancelled, recoverable)',
  await byHand('fixture-status-R-01', withStatus('R')),
);
add(
  'licence-status-b',
  'ERR_POINTS_EXCEEDED',
  'licence_status',
  'status B (points exceeded)',
  await byHand('fixture-status-B-01', withStatus('B', 12)),
);
add(
  'licence-points-12',
  'ERR_POINTS_EXCEEDED',
  'licence_status',
  'status A but 12 points',
  await byHand('fixture-points-12-01', withStatus('A', 12)),
);
add(
  'licence-status-m',
  'ERR_RENEWAL_OVERDUE',
  'licence_status',
  'licence 4 of the reference file as recorded: status M (renewal overdue), also past validTo',
  await byHand('fixture-status-M-01', overdue),
);
add(
  'licence-status-j',
  'ERR_LICENCE_NOT_VALID',
  'licence_status',
  'status J (stopped): not normal, no more specific code',
  await byHand('fixture-status-J-01', withStatus('J')),
);

// licence_validity.
add(
  'licence-expired',
  'ERR_LICENCE_EXPIRED',
  'licence_validity',
  'licence 4 with status A, valid to 2026-01-10, in a credential that is itself still valid',
  await byHand('fixture-lic-expired1', licence(overdue, { status: 'A' })),
);
add(
  'licence-not-yet-valid',
  'ERR_LICENCE_NOT_YET_VALID',
  'licence_validity',
  'licence valid from 2026-04-01, in a credential already valid',
  await byHand(
    'fixture-lic-future01',
    licence(reference, { validFrom: '2026-04-01', validTo: '2032-04-01' }),
  ),
);

// --- Format version 2 (FORMAT.md §8) ------------------------------------------------------
//
// The reference licence as a version 2 credential, issued a day before NOW with the fixed seed
// (bytes 0-15) and a fixed portrait hash. Cases appended after the version 1 ones, which keep
// their bytes.

const PORTRAIT = Buffer.from(sha256(utf8('portrait'))).toString('base64url');

/** The claims of a version 2 credential of `licence`, issued a day before NOW. */
function claimsV2(jti: string, over: Partial<CredentialClaimsInput> = {}): CredentialClaimsInput {
  return { ...claims(jti, over), portraitHash: PORTRAIT, ...over };
}

/** Presentation options: made 5 s before NOW for `purpose` (custom: `groups`). */
function v2At(purpose: Purpose, groups?: readonly number[], nonce?: string) {
  return {
    now: at(NOW - 5),
    purpose,
    ...(groups === undefined ? {} : { groups }),
    ...(nonce === undefined ? {} : { nonce }),
  };
}

const issuedV2 = await issueCredentialV2(claimsV2('fixture-v2-ref-00001'), keys.issuer, FIXED_SEED);
const copyV2 = parseHolderCopy(issuedV2.holderCopy);
const presentV2 = (purpose: Purpose, groups?: readonly number[], nonce?: string) =>
  createPresentationV2(issuedV2.holderCopy, keys.holder, v2At(purpose, groups, nonce));
const v2Police = await presentV2('police');
const v2Rental = await presentV2('rental');
const v2Age = await presentV2('age');
/** Decodes a version 2 presentation, changes its envelope, writes it again (signatures kept). */
const rewriteV2 = (text: string, change: (e: EnvelopeV2) => EnvelopeV2) =>
  rewrite(text, nodeBackend, change);

/** Adds to the last case (one that passes `disclosures`) the disclosure its report must name: `purpose` and its groups. */
function disclosing(purpose: Purpose, groups?: readonly number[]): void {
  const last = cases.pop();
  if (last === undefined) throw new Error('no case to add a disclosure to');
  const shown = groupsFor(purpose, groups);
  const { text, now, options, ...rest } = last;
  cases.push({
    ...rest,
    disclosure: {
      purpose,
      disclosed: shown.map((g) => GROUP_NAMES[g]),
      withheld: GROUP_NAMES.filter((_, g) => !shown.includes(g as GroupIndex)),
    },
    text,
    now,
    ...(options === undefined ? {} : { options }),
  });
}

valid(
  'v2-valid-police',
  'status_list',
  'version 2, police: all six groups as the one whole disclosure (D_all), status list fresh: valid',
  v2Police,
  [],
  { statusList: 'fresh.jwt' },
);
disclosing('police');
valid(
  'v2-valid-police-nonce',
  'status_list',
  'version 2, police, with the nonce the verifier offered: valid with the unchecked-status warning',
  await presentV2('police', undefined, 'a1B2c3D4'),
  ['WARN_STATUS_UNCHECKED'],
  { nonce: 'a1B2c3D4' },
);
disclosing('police');
valid(
  'v2-valid-rental',
  'status_list',
  'version 2, rental: holder and driving shown, identity, file and the age flags withheld',
  v2Rental,
  [],
  { statusList: 'fresh.jwt' },
);
disclosing('rental');
valid(
  'v2-valid-insurance',
  'status_list',
  'version 2, insurance: holder and driving shown',
  await presentV2('insurance'),
  [],
  { statusList: 'fresh.jwt' },
);
disclosing('insurance');
valid(
  'v2-valid-employer',
  'status_list',
  'version 2, employer: holder and driving shown',
  await presentV2('employer'),
  [],
  { statusList: 'fresh.jwt' },
);
disclosing('employer');
valid(
  'v2-valid-age',
  'status_list',
  'version 2, age: only age_over_18; licence_status and licence_validity SKIPPED (not shown), still valid',
  v2Age,
  [],
  { statusList: 'fresh.jwt' },
);
disclosing('age');
valid(
  'v2-valid-custom-holder-age',
  'status_list',
  'version 2, custom: holder and age_over_18; the licence status and dates not shown, not checked',
  await presentV2('custom', [0, 4]),
  [],
  { statusList: 'fresh.jwt' },
);
disclosing('custom', [0, 4]);
valid(
  'v2-valid-custom-identity-file',
  'status_list',
  'version 2, custom: identity, file and both age flags (the flags agree with the birth date)',
  await presentV2('custom', [2, 3, 4, 5]),
  [],
  { statusList: 'fresh.jwt' },
);
disclosing('custom', [2, 3, 4, 5]);
valid(
  'v2-valid-reject-v1',
  'status_list',
  'version 2, police, with acceptVersion1 false: version 2 is still accepted',
  v2Police,
  [],
  { statusList: 'fresh.jwt', acceptVersion1: false },
);
disclosing('police');

// disclosures: what the presentation shows is not what the issuer signed.
const changedPoints: GroupValues = [
  copyV2.values[0],
  { ...copyV2.values[1], pt: 0 },
  copyV2.values[2],
  copyV2.values[3],
  copyV2.values[4],
  copyV2.values[5],
];
add(
  'v2-disclosure-value-changed',
  'ERR_DISCLOSURE_MISMATCH',
  'disclosures',
  'version 2, rental: the driving points changed from 3 to 0 (proof made over the changed disclosures)',
  await presentByHand(issuedV2.credential, changedPoints, keys.holder, {
    purpose: 'rental',
    iat: NOW - 5,
  }),
);
add(
  'v2-disclosure-salt-changed',
  'ERR_DISCLOSURE_MISMATCH',
  'disclosures',
  'version 2, rental: one bit of the salt of the holder group flipped',
  rewriteV2(v2Rental, (e) => ({ ...e, secret: flipByte(e.secret, 0) })),
);
/** The police code with its whole disclosure's JSON text changed by `change` (signatures kept). */
const policeWithWhole = (change: (json: string) => string) =>
  rewriteV2(v2Police, (e) => {
    const json = inflateRawSync(e.values, { dictionary: CLAIMS_DICTIONARY }).toString('utf8');
    const changed = change(json);
    if (changed === json) throw new Error('the whole disclosure did not change');
    return { ...e, values: compressJson(utf8(changed)) };
  });
add(
  'v2-disclosure-whole-changed',
  'ERR_DISCLOSURE_MISMATCH',
  'disclosures',
  'version 2, police: the driving points in the whole disclosure changed from 3 to 0',
  policeWithWhole((json) => json.replace('"pt":3', '"pt":0')),
);
add(
  'v2-disclosure-whole-respaced',
  'ERR_DISCLOSURE_MISMATCH',
  'disclosures',
  'version 2, police: a space after the first comma of the whole disclosure (the same values, another text: it is hashed as it came)',
  policeWithWhole((json) => json.replace(',', ', ')),
);
add(
  'v2-disclosure-whole-not-all',
  'ERR_MALFORMED',
  'parse',
  'version 2, police: the whole disclosure named "holder" instead of "all"',
  policeWithWhole((json) => json.replace('"all"', '"holder"')),
);
add(
  'v2-disclosure-whole-with-group',
  'ERR_DISCLOSURE_DUPLICATE',
  'parse',
  'version 2, custom: index 6 (all) and 0 (holder), which it already discloses',
  rewriteV2(v2Police, (e) => ({ ...e, purposeCode: 6, indices: [0, 6] })),
);
add(
  'v2-disclosure-six-one-by-one',
  'ERR_MALFORMED',
  'parse',
  'version 2, custom: the six groups listed one by one instead of as index 6 (all)',
  rewriteV2(v2Police, (e) => ({ ...e, purposeCode: 6, indices: [0, 1, 2, 3, 4, 5] })),
);
add(
  'v2-disclosure-withheld-node-changed',
  'ERR_DISCLOSURE_MISMATCH',
  'disclosures',
  'version 2, rental: one bit of the withheld subtree n45 (the age flags) flipped',
  rewriteV2(v2Rental, (e) => ({ ...e, withheld: flipByte(e.withheld, -1) })),
);
const otherSeed = Uint8Array.from({ length: 16 }, (_, i) => 16 + i);
const otherCopy = parseHolderCopy(
  (
    await issueCredentialV2(
      claimsV2('fixture-v2-other-0001', { licence: licence(reference, { points: 0 }) }),
      keys.issuer,
      otherSeed,
    )
  ).holderCopy,
);
add(
  'v2-disclosure-swapped',
  'ERR_DISCLOSURE_MISMATCH',
  'disclosures',
  "version 2, rental: the driving group (0 points) and its salt taken from another credential of the same holder",
  rewriteV2(v2Rental, (e) => ({
    ...e,
    secret: Uint8Array.from([...e.secret.subarray(0, 16), ...(otherCopy.salts[1] ?? [])]),
    values: compressValues([copyV2.values[0], otherCopy.values[1]]),
  })),
);
const wrongAgeFlag: GroupValues = [
  copyV2.values[0],
  copyV2.values[1],
  copyV2.values[2],
  copyV2.values[3],
  false,
  copyV2.values[5],
];
const wrongAgeCredential = await signGroupValues(
  claimsV2('fixture-v2-age-flag-01'),
  wrongAgeFlag,
  keys.issuer,
  FIXED_SEED,
);
add(
  'v2-age-flag-inconsistent',
  'ERR_CLAIMS_INVALID',
  'disclosures',
  'version 2, custom identity and age_over_18: signed with age_over_18 false for a birth date of 1990',
  await presentByHand(wrongAgeCredential.credential, wrongAgeFlag, keys.holder, {
    purpose: 'custom',
    groups: [2, 4],
    iat: NOW - 5,
  }),
);

// parse: the envelope's disclosure list.
add(
  'v2-disclosure-duplicate',
  'ERR_DISCLOSURE_DUPLICATE',
  'parse',
  'version 2, custom: group 1 listed twice (indices 0,1,1)',
  rewriteV2(v2Rental, (e) => ({ ...e, purposeCode: 6, indices: [0, 1, 1] })),
);
add(
  'v2-disclosure-unknown',
  'ERR_DISCLOSURE_UNKNOWN',
  'parse',
  'version 2, custom: index 7, which has no digest in the credential',
  rewriteV2(v2Rental, (e) => ({ ...e, purposeCode: 6, indices: [0, 7] })),
);
add(
  'v2-relabelled-police',
  'ERR_MALFORMED',
  'parse',
  "version 2: a rental presentation's purpose byte set to police, with rental's two groups",
  rewriteV2(v2Rental, (e) => ({ ...e, purposeCode: 1 })),
);
add(
  'v2-purpose-unknown',
  'ERR_MALFORMED',
  'parse',
  'version 2: purpose byte 7',
  rewriteV2(v2Age, (e) => ({ ...e, purposeCode: 7 })),
);

// holder_signature: the proof covers the purpose and exactly the disclosures shown.
add(
  'v2-proof-other-purpose',
  'ERR_HOLDER_SIGNATURE',
  'holder_signature',
  'version 2: a presentation made for insurance relabelled rental (same groups, proof names insurance)',
  rewriteV2(await presentV2('insurance'), (e) => ({ ...e, purposeCode: 2 })),
);
disclosing('rental');
const threeGroups = decodePresentationV2(await presentV2('custom', [0, 1, 2]), nodeBackend);
add(
  'v2-proof-other-disclosures',
  'ERR_HOLDER_SIGNATURE',
  'holder_signature',
  'version 2, custom holder and driving: the proof is the one made over holder, driving and identity',
  rewriteV2(await presentV2('custom', [0, 1]), (e) => ({
    ...e,
    proofSignature: threeGroups.proofSignature,
  })),
);
disclosing('custom', [0, 1]);
add(
  'v2-proof-other-holder',
  'ERR_HOLDER_SIGNATURE',
  'holder_signature',
  'version 2, rental: the proof signed by another device key',
  await createPresentationV2(issuedV2.holderCopy, keys.otherHolder, v2At('rental')),
);
disclosing('rental');

// type and claims.
add(
  'v2-version-1-retired',
  'ERR_VERSION_RETIRED',
  'type',
  'the version 1 reference presentation with acceptVersion1 false',
  base,
  { acceptVersion1: false },
);
add(
  'v2-header-version-1-typ',
  'ERR_WRONG_TYPE',
  'type',
  'LZ2 envelope whose credential header says lzdl+jwt (a version 1 header, written out)',
  rewriteV2(v2Rental, (e) => ({
    ...e,
    credentialHeader: utf8(canonicalCredentialHeader(kid)),
  })),
);
add(
  'v2-header-alg-twice',
  'ERR_HEADER_INVALID',
  'type',
  'LZ2 envelope whose credential header, written out, has alg twice ("none", then "Ed25519")',
  rewriteV2(v2Rental, (e) => ({
    ...e,
    credentialHeader: utf8(`{"alg":"none","alg":"Ed25519","kid":"${kid}","typ":"${CREDENTIAL_TYP_V2}"}`),
  })),
);
const v2Parts = splitCompact(issuedV2.credential);
const v2WireClaims = JSON.parse(
  new TextDecoder().decode(inflateRawSync(v2Parts.credentialPayload, { dictionary: CLAIMS_DICTIONARY })),
) as Record<string, unknown>;
/** The rental presentation over a version 2 credential with these wire claims, signed by the issuer. */
async function v2WithClaims(wire: Record<string, unknown>): Promise<string> {
  const compact = await signCompact(
    canonicalCredentialHeaderV2(kid),
    compressPayload(JSON.stringify(wire)),
    keys.issuer,
  );
  const c = splitCompact(compact);
  return rewriteV2(v2Rental, (e) => ({
    ...e,
    credentialHeader: c.credentialHeader,
    credentialPayload: c.credentialPayload,
    credentialSignature: c.credentialSignature,
  }));
}
add(
  'v2-claims-licence-in-payload',
  'ERR_CLAIMS_INVALID',
  'claims',
  'version 2 claims with a version 1 dl member (the licence in the payload)',
  await v2WithClaims({ ...v2WireClaims, dl: { nm: reference.name } }),
);
add(
  'v2-claims-sd-short',
  'ERR_CLAIMS_INVALID',
  'claims',
  'version 2 claims whose sd is 21 characters',
  await v2WithClaims({ ...v2WireClaims, sd: String(v2WireClaims['sd']).slice(0, 21) }),
);
add(
  'v2-claims-no-sd',
  'ERR_CLAIMS_INVALID',
  'claims',
  'version 2 claims without sd',
  await v2WithClaims(Object.fromEntries(Object.entries(v2WireClaims).filter(([k]) => k !== 'sd'))),
);

// Later checks on version 2 presentations.
add(
  'v2-proof-expired',
  'ERR_PROOF_EXPIRED',
  'proof_freshness',
  'version 2, rental: proof made 71 s before the verifier clock',
  await createPresentationV2(issuedV2.holderCopy, keys.holder, {
    now: at(NOW - 71),
    purpose: 'rental',
  }),
);
disclosing('rental');
add(
  'v2-licence-suspended',
  'ERR_SUSPENDED',
  'licence_status',
  'version 2, rental: the driving group shows status D (seized)',
  await createPresentationV2(
    (
      await issueCredentialV2(
        claimsV2('fixture-v2-status-D01', { licence: withStatus('D') }),
        keys.issuer,
        FIXED_SEED,
      )
    ).holderCopy,
    keys.holder,
    v2At('rental'),
  ),
);
disclosing('rental');
add(
  'v2-age-revoked-list',
  'ERR_REVOKED',
  'status_list',
  'version 2, age: the status list entry is invalid; the licence checks are not shown',
  await createPresentationV2(
    (
      await issueCredentialV2(
        claimsV2('fixture-v2-revoked-01', { status: { idx: IDX.invalid, uri: STATUS_URI } }),
        keys.issuer,
        FIXED_SEED,
      )
    ).holderCopy,
    keys.holder,
    v2At('age'),
  ),
  { statusList: 'fresh.jwt' },
);
disclosing('age');

// --- Write --------------------------------------------------------------------------------

await mkdir(STATUS_DIR, { recursive: true });
for (const [name, token] of Object.entries(statusLists)) {
  await writeFile(new URL(name, STATUS_DIR), `${token}\n`);
}
const file = {
  source: {
    project: 'liangzheng',
    generator:
      'test/vectors/make-presentation-fixtures.ts (npx tsx test/vectors/make-presentation-fixtures.ts)',
    licences: 'test/fixtures/reference-licences.json (licence 1 unless a case says otherwise)',
    keys: 'test/vectors/keys/: test-only Ed25519 keys made once with generateKeyPair()',
    statusLists: `test/vectors/status-lists/: tokens signed with signStatusList, 2 bits, uri ${STATUS_URI}, entries ${STATUSES.join(',')}`,
    about:
      'One presentation per verifier failure mode and the valid cases. expected: "valid" or the report code; check: the check that decides (FAILED, or WARNING for a warning); now: the verifier clock; options: VerifyOptions besides trust and now (statusList names a file in status-lists/, verified against the trust list).',
  },
  trust: 'keys/issuer.jwks.json',
  cases,
};
await writeFile(OUT, `${JSON.stringify(file, null, 2)}\n`);
console.log(`wrote ${cases.length} cases to ${OUT.pathname}`);
