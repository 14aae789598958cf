/**
 * Presentations of version 2 credentials (FORMAT.md §8.5-§8.6): the QR text `LZ2:` + digits of
 * an envelope carrying the credential, the purpose, the disclosed groups' salts and values (or,
 * for all six, the whole disclosure as it was hashed), and a holder proof over exactly those
 * disclosures and the purpose.
 */
import { deflateSync } from 'fflate';
import { sha256 } from '@noble/hashes/sha2.js';
import { decodeBase64url, encodeBase64url } from '../base64url.js';
import { CLAIMS_DICTIONARY } from '../claims-dictionary.js';
import { ED25519_SIGNATURE_LENGTH, type Signer } from '../crypto-backend.js';
import { LicenceError } from '../errors.js';
import { encodeDigits } from '../internal/digits.js';
import * as envelope from '../internal/presentation-envelope.js';
import { decodeUtf8, utf8 } from '../utf8.js';
import { PRESENTATION_PREFIX_V2 } from './prefix.js';
import {
  canonicalCredentialHeaderV2,
  parseHolderCopy,
  type HolderCopy,
  type Inflater,
} from './credential-v2.js';
import {
  leavesOf,
  NODE_BYTES,
  SALT_BYTES,
  sdHashInput,
  WHOLE,
  withheldNodeCount,
  withheldNodes,
  type Leaf,
} from './disclosure.js';
import {
  DEFAULT_PURPOSE,
  GROUP_COUNT,
  groupsFor,
  parseGroupValues,
  parseWholeDisclosure,
  purposeOfCode,
  PURPOSES,
  type GroupIndex,
  type GroupValue,
  type Purpose,
} from './groups.js';
import type { Writable } from '../writable.js';

export { PRESENTATION_PREFIX_V2 };
/** Set in the purpose byte when the code answers a verifier's request (FORMAT.md §9.4). */
export const ANSWER_FLAG = 0x80;
/** Ceiling on the inflated values JSON (or whole disclosure JSON) of a presentation. */
export const MAX_VALUES_LENGTH = 4096;
const VERSION_2: envelope.EnvelopeVersion = {
  prefix: PRESENTATION_PREFIX_V2,
  canonicalHeader: canonicalCredentialHeaderV2,
};

/** A version 2 presentation taken apart; nothing verified yet. */
export interface PresentationPartsV2 extends envelope.CredentialEnvelope {
  readonly nonce?: string;
  readonly purpose: Purpose;
  /**
   * True when the code answers a verifier's request (FORMAT.md §9.4): its proof names that
   * verifier (`aud`), which does not travel, and it carries the request's nonce.
   */
  readonly answersRequest?: boolean;
  /** The disclosed groups, strictly increasing. */
  readonly groups: readonly GroupIndex[];
  /**
   * When all six groups are disclosed: the whole disclosure D_all (FORMAT.md §8.3), exactly as it
   * travelled; the verifier hashes it as it is. {@link values} are its six values.
   */
  readonly whole?: string;
  /** One salt per listed group, when fewer than six are. */
  readonly salts?: readonly Uint8Array[];
  /** The values of the listed groups, in the same order. */
  readonly values: readonly GroupValue[];
  /** The hashes of the withheld subtrees of the digest tree, left to right. */
  readonly withheldNodes: readonly Uint8Array[];
  readonly proofSignature: Uint8Array;
}

/**
 * The envelope's fields as bytes, unchecked: what {@link encodeEnvelopeV2} writes. Lets a test
 * write an envelope the encoder of parts would refuse.
 */
export interface EnvelopeV2 extends Omit<envelope.CredentialEnvelope, 'canonicalKid'> {
  readonly nonce: Uint8Array;
  /** The purpose's code, with {@link ANSWER_FLAG} set for an answer to a request. */
  readonly purposeCode: number;
  /** The disclosed leaves: group indices, or 6 alone for the whole disclosure. */
  readonly indices: readonly number[];
  /** The salts concatenated (none for the whole disclosure, whose salt is inside it). */
  readonly secret: Uint8Array;
  /** The withheld subtrees' hashes, concatenated. */
  readonly withheld: Uint8Array;
  /** The values JSON, or the whole disclosure's JSON: raw DEFLATE with the claims dictionary. */
  readonly values: Uint8Array;
  readonly proofSignature: Uint8Array;
}

/** Writes an envelope as QR text, field by field (FORMAT.md §8.5), checking nothing. */
export function encodeEnvelopeV2(e: EnvelopeV2): string {
  const writer = envelope
    .writeCredentialEnvelope(VERSION_2, e, e.nonce)
    .bytes(Uint8Array.of(e.purposeCode))
    .varint(e.indices.length)
    .bytes(Uint8Array.from(e.indices))
    .bytes(e.secret)
    .bytes(e.withheld)
    .varint(e.values.length)
    .bytes(e.values)
    .bytes(e.proofSignature);
  return PRESENTATION_PREFIX_V2 + encodeDigits(writer.finish());
}

/**
 * The values of the listed groups as they travel: raw DEFLATE of the canonical JSON. fflate's
 * own hash table size (`mem` 4, 2^16 entries): the values and the dictionary are a few kB, and
 * the largest table (`mem` 12, 2^24 entries, zeroed on every call) wrote the same bytes for every
 * group set of the reference licences (test/shared/sd/sizes.test.ts) at 10-14 ms a call in Node,
 * against 0.1 ms.
 */
export function compressValues(values: readonly GroupValue[]): Uint8Array {
  return compressJson(utf8(JSON.stringify(values)));
}

/**
 * Raw DEFLATE with the claims dictionary, as {@link compressValues}: also what a presentation
 * carries of a whole disclosure's JSON.
 */
export function compressJson(json: Uint8Array): Uint8Array {
  return deflateSync(json, { level: 9, mem: 4, dictionary: CLAIMS_DICTIONARY });
}

/**
 * Packs a presentation into its QR text.
 * @throws {RangeError} as {@link envelopeOfV2}.
 */
export function encodePresentationV2(parts: PresentationPartsV2): string {
  return encodeEnvelopeV2(envelopeOfV2(parts));
}

/**
 * The envelope of a presentation's parts: the inverse of {@link decodePresentationV2}.
 * @throws {RangeError} on a bad nonce, signature length, group set for the purpose, or a whole
 *   disclosure or salts that do not fit the groups.
 */
export function envelopeOfV2(parts: PresentationPartsV2): EnvelopeV2 {
  envelope.checkSignatureLengths(parts.credentialSignature, parts.proofSignature);
  envelope.checkNonce(parts.nonce);
  if (parts.answersRequest === true && parts.nonce === undefined)
    throw new RangeError('nonce: expected the request nonce in an answer to a request');
  const groups = groupsFor(parts.purpose, parts.groups);
  if (parts.values.length !== groups.length)
    throw new RangeError('values: expected one per disclosed group');
  const leaves = leavesOf(groups);
  let secret = new Uint8Array(0);
  let values: Uint8Array;
  if (leaves[0] === WHOLE) {
    if (parts.whole === undefined)
      throw new RangeError('whole: expected the whole disclosure when all groups are disclosed');
    values = compressJson(decodeBase64url(parts.whole, 'whole disclosure'));
  } else {
    const salts = parts.salts;
    if (salts?.length !== groups.length || salts.some((s) => s.length !== SALT_BYTES))
      throw new RangeError('salts: expected 16 bytes for each disclosed group');
    secret = new Uint8Array(salts.length * SALT_BYTES);
    salts.forEach((s, i) => {
      secret.set(s, i * SALT_BYTES);
    });
    values = compressValues(parts.values);
  }
  if (
    parts.withheldNodes.length !== withheldNodeCount(leaves) ||
    parts.withheldNodes.some((n) => n.length !== NODE_BYTES)
  )
    throw new RangeError('withheldNodes: expected 16 bytes for each withheld subtree');
  const withheld = new Uint8Array(parts.withheldNodes.length * NODE_BYTES);
  parts.withheldNodes.forEach((n, i) => {
    withheld.set(n, i * NODE_BYTES);
  });
  return {
    credentialHeader: parts.credentialHeader,
    credentialPayload: parts.credentialPayload,
    credentialSignature: parts.credentialSignature,
    proofIat: parts.proofIat,
    nonce: envelope.nonceBytes(parts.nonce),
    purposeCode: PURPOSES[parts.purpose].code | (parts.answersRequest === true ? ANSWER_FLAG : 0),
    indices: leaves,
    secret,
    withheld,
    values,
    proofSignature: parts.proofSignature,
  };
}

/**
 * Takes a version 2 presentation's QR text apart, strictly; verifies nothing. The values are
 * inflated with `inflater` (the verifier's backend) and must be the canonical JSON of the listed
 * groups' values, or, for the whole disclosure, its JSON of the shape of FORMAT.md §8.3.
 * @throws {LicenceError} `ERR_TOO_LARGE`; `ERR_DISCLOSURE_UNKNOWN` (an index ≥ 7),
 *   `ERR_DISCLOSURE_DUPLICATE` (an index listed twice, or 6 with any other), at the first such
 *   index; `ERR_MALFORMED` for anything else: indices not increasing, no group, all six groups
 *   listed one by one, a group set that is not the purpose's, values not canonical, trailing
 *   bytes.
 */
export function decodePresentationV2(text: string, inflater: Inflater): PresentationPartsV2 {
  const reader = envelope.openEnvelope(VERSION_2, text);
  const { credential, nonce: nonceRead } = envelope.readCredentialEnvelope(VERSION_2, reader);
  const purposeByte = reader.bytesOf(1, 'purpose')[0] as number;
  const answersRequest = (purposeByte & ANSWER_FLAG) !== 0;
  const purposeCode = purposeByte & ~ANSWER_FLAG;
  const purpose = purposeOfCode(purposeCode);
  if (purpose === undefined)
    throw new LicenceError(
      'ERR_MALFORMED',
      `purpose: expected 1-6, or 129-134 for an answer to a request, found ${purposeByte}`,
    );
  const count = reader.varint('number of disclosed groups');
  if (count === 0)
    throw new LicenceError('ERR_MALFORMED', 'disclosed groups: expected at least one, found none');
  const leaves = disclosedLeaves(reader.bytesOf(count, 'disclosed groups'));
  const isWhole = leaves[0] === WHOLE;
  const groups = isWhole ? ALL_GROUPS : (leaves as GroupIndex[]);
  const fixed = PURPOSES[purpose].groups;
  if (
    fixed !== undefined &&
    (fixed.length !== groups.length || fixed.some((g, i) => g !== groups[i]))
  )
    throw new LicenceError(
      'ERR_MALFORMED',
      `disclosed groups: expected ${fixed.join(',')} for purpose ${purpose}, found ${groups.join(',')}`,
    );
  // Views into the bytes decodeDigits made for this text alone: nothing else holds them.
  const saltBytes = isWhole ? undefined : reader.bytesOf(groups.length * SALT_BYTES, 'salts');
  const withheldBytes = reader.bytesOf(withheldNodeCount(leaves) * NODE_BYTES, 'withheld subtrees');
  const withheldNodes: Uint8Array[] = [];
  for (let at = 0; at < withheldBytes.length; at += NODE_BYTES)
    withheldNodes.push(withheldBytes.subarray(at, at + NODE_BYTES));
  const compressed = reader.bytesOf(reader.varint('values length'), 'values');
  const proofSignature = reader.bytesOf(ED25519_SIGNATURE_LENGTH, 'proof signature');
  reader.end('presentation');
  const nonce = envelope.decodeNonce(nonceRead);
  if (answersRequest && nonce === undefined)
    throw new LicenceError(
      'ERR_MALFORMED',
      'nonce: expected one in an answer to a request, found none',
    );
  const json = inflater.inflate(compressed, 'raw', MAX_VALUES_LENGTH, CLAIMS_DICTIONARY);
  const values = isWhole
    ? parseWholeDisclosure(decodeUtf8(json, 'whole disclosure'), 'whole disclosure')
    : parseGroupValues(decodeUtf8(json, 'values'), groups, 'values');
  const parts: Writable<PresentationPartsV2> = {
    credentialHeader: credential.credentialHeader,
    credentialPayload: credential.credentialPayload,
    credentialSignature: credential.credentialSignature,
    proofIat: credential.proofIat,
    purpose,
    groups,
    values,
    withheldNodes,
    proofSignature,
  };
  if (isWhole) parts.whole = encodeBase64url(json);
  if (saltBytes !== undefined)
    parts.salts = groups.map((_, i) => saltBytes.subarray(i * SALT_BYTES, (i + 1) * SALT_BYTES));
  if (credential.canonicalKid !== undefined) parts.canonicalKid = credential.canonicalKid;
  if (nonce !== undefined) parts.nonce = nonce;
  if (answersRequest) parts.answersRequest = true;
  return parts;
}

const ALL_GROUPS: readonly GroupIndex[] = [0, 1, 2, 3, 4, 5];

/**
 * The listed leaf indices, checked one by one in order (FORMAT.md §8.5): groups 0-5 increasing,
 * or 6 (the whole disclosure) alone.
 */
function disclosedLeaves(bytes: Uint8Array): Leaf[] {
  const leaves: Leaf[] = [];
  for (const g of bytes) {
    if (g > WHOLE)
      throw new LicenceError(
        'ERR_DISCLOSURE_UNKNOWN',
        `disclosed groups: ${g} has no digest in the credential (0-${WHOLE})`,
      );
    if (leaves.includes(g as Leaf))
      throw new LicenceError('ERR_DISCLOSURE_DUPLICATE', `disclosed groups: ${g} listed twice`);
    if (leaves.length > 0 && (g === WHOLE || leaves[0] === WHOLE))
      throw new LicenceError(
        'ERR_DISCLOSURE_DUPLICATE',
        `disclosed groups: ${WHOLE} (all) discloses every group, found it with others`,
      );
    const last = leaves[leaves.length - 1];
    if (last !== undefined && g < last)
      throw new LicenceError(
        'ERR_MALFORMED',
        `disclosed groups: expected increasing indices, found ${g} after ${last}`,
      );
    leaves.push(g as Leaf);
  }
  if (leaves.length === GROUP_COUNT)
    throw new LicenceError(
      'ERR_MALFORMED',
      `disclosed groups: expected all six as the whole disclosure (${WHOLE}), found them one by one`,
    );
  return leaves;
}

/**
 * The bytes the holder signs: the JWS signing input of a proof with header
 * `{"alg":"EdDSA","typ":"lzkb+jwt"}` and payload
 * `{"aud":"A","iat":T,"nonce":"N","purpose":"P","sd_hash":"H"}` (`aud` only in an answer to a
 * request, `nonce` only when there is one), both exactly so. It never travels.
 * @param sdHash SHA-256 of `<compact credential>~<D_a>~…~` (see sdHashInput).
 * @param audience base64url SHA-256 of the requesting verifier's certificate (FORMAT.md §9.4).
 */
export function proofSigningInputV2(
  sdHash: Uint8Array,
  iat: number,
  purpose: Purpose,
  nonce?: string,
  audience?: string,
): Uint8Array {
  envelope.checkNonce(nonce);
  if (audience !== undefined && !AUDIENCE.test(audience))
    throw new RangeError('audience: expected 43 characters of base64url');
  const a = audience === undefined ? '' : `"aud":"${audience}",`;
  const n = nonce === undefined ? '' : `"nonce":"${nonce}",`;
  const payload = `{${a}"iat":${iat},${n}"purpose":"${purpose}","sd_hash":"${encodeBase64url(sdHash)}"}`;
  return envelope.proofSigningInputOf(payload);
}

/** Options for {@link createPresentationV2}. */
export interface PresentationOptionsV2 {
  /** The holder's clock; the proof carries it in whole seconds. */
  readonly now: Date;
  /** A verifier's nonce, when one was offered. */
  readonly nonce?: string;
  /** Who is checking; police (everything) when omitted. */
  readonly purpose?: Purpose;
  /** The groups to disclose, for `custom` (any order; each once). */
  readonly groups?: readonly number[];
  /**
   * When answering a verifier's request (FORMAT.md §9.4): its `audience` (verifyRequest gives
   * it); `nonce` must then be the request's.
   */
  readonly audience?: string;
}

const AUDIENCE = /^[A-Za-z0-9_-]{43}$/;

/** The last holder's copy taken apart: a phone makes code after code from the same one. */
let lastCopy: { readonly text: string; readonly copy: HolderCopy } | undefined;

/**
 * parseHolderCopy of `text`, taken apart and checked once for as long as the same text comes:
 * the check is a pure function of the text, so that of the same text again says nothing new.
 */
function holderCopyOf(text: string): HolderCopy {
  if (lastCopy?.text !== text) lastCopy = { text, copy: parseHolderCopy(text) };
  return lastCopy.copy;
}

/**
 * Makes the text of a dynamic QR from the holder's copy, offline: the disclosures of the
 * purpose's groups and a proof, signed with the device key, over this time, nonce, purpose and
 * exactly these disclosures.
 * @throws {LicenceError} as parseHolderCopy, when the copy does not check.
 * @throws {RangeError} on a bad nonce, clock or group choice.
 */
export async function createPresentationV2(
  holderCopy: string,
  deviceSigner: Pick<Signer, 'sign'>,
  options: PresentationOptionsV2,
): Promise<string> {
  const copy = holderCopyOf(holderCopy);
  const purpose = options.purpose ?? DEFAULT_PURPOSE;
  const groups = groupsFor(purpose, options.groups);
  if (options.audience !== undefined && options.nonce === undefined)
    throw new RangeError('nonce: expected the request nonce with an audience');
  const iat = Math.floor(options.now.getTime() / 1000);
  if (!Number.isSafeInteger(iat) || iat < 0)
    throw new RangeError('now: expected a valid date after 1970');
  const leaves = leavesOf(groups);
  const disclosures = leaves.map((leaf) => copy.disclosures[leaf] as string);
  const sdHash = sha256(sdHashInput(copy.credential, disclosures));
  const proofSignature = await deviceSigner.sign(
    proofSigningInputV2(sdHash, iat, purpose, options.nonce, options.audience),
  );
  const isWhole = leaves[0] === WHOLE;
  return encodePresentationV2({
    credentialHeader: copy.jws.headerBytes,
    credentialPayload: copy.jws.payloadBytes,
    credentialSignature: copy.jws.signature,
    proofIat: iat,
    ...(options.nonce === undefined ? {} : { nonce: options.nonce }),
    purpose,
    ...(options.audience === undefined ? {} : { answersRequest: true }),
    groups,
    ...(isWhole
      ? { whole: copy.disclosures[WHOLE] as string }
      : { salts: groups.map((g) => copy.salts[g] as Uint8Array) }),
    values: groups.map((g) => copy.values[g]),
    withheldNodes: withheldNodes(copy.digests, leaves),
    proofSignature,
  });
}

/** The compact credential of a presentation, exactly as signed. */
export const credentialCompactV2: (
  parts: Pick<
    PresentationPartsV2,
    'credentialHeader' | 'credentialPayload' | 'credentialSignature'
  >,
) => string = envelope.credentialCompact;
