import { CLAIMS_DICTIONARY } from '../shared/claims-dictionary.js';
import { checkExactHeader, checkJoseHeader } from '../shared/compact-jws.js';
import { chinaDate } from '../shared/china-time.js';
import {
  CREDENTIAL_HEADER_EXTRA,
  CREDENTIAL_TYP,
  MAX_CREDENTIAL_PAYLOAD,
  fromWireClaims,
  type CommonClaims,
  type CredentialClaims,
} from '../shared/credential.js';
import type { CryptoBackend } from '../shared/crypto-backend.js';
import { LicenceError } from '../shared/errors.js';
import type { LicenceRecord } from '../shared/licence/record.js';
import { base64urlLength, decodeBase64url } from '../shared/base64url.js';
import { decodeUtf8, parseJsonObject, utf8 } from '../shared/utf8.js';
import { licenceValidityOn } from '../shared/licence/validity.js';
import {
  credentialCompact,
  decodePresentation,
  MAX_PRESENTATION_LENGTH,
  prefixOf,
  PRESENTATION_PREFIX,
  proofSigningInput,
  type PresentationParts,
} from '../shared/presentation.js';
import { checkDisclosures } from '../shared/sd/check-disclosures.js';
import {
  CREDENTIAL_TYP_V2,
  fromWireClaimsV2,
  type CredentialClaimsV2,
} from '../shared/sd/credential-v2.js';
import { sdHashInput } from '../shared/sd/disclosure.js';
import { ageFlags, DEFAULT_PURPOSE, GROUP_NAMES } from '../shared/sd/groups.js';
import {
  decodePresentationV2,
  PRESENTATION_PREFIX_V2,
  proofSigningInputV2,
  type PresentationPartsV2,
} from '../shared/sd/presentation-v2.js';
import { REQUEST_MAX_AGE } from '../shared/request/request.js';
import { readStatus, STATUS } from '../shared/status-list.js';
import { statusRefusal, type UnusableReason } from '../shared/usability.js';
import {
  NOT_SHOWN,
  PASSED,
  REASONS,
  SKIPPED,
  VALID,
  VALID_WITH_WARNINGS,
} from './internal/messages.js';
import type {
  CheckId,
  CheckResult,
  Disclosure,
  VerdictCode,
  VerificationReport,
} from './report.js';
import { CHECK_IDS } from './report.js';
import type { TrustStore } from './trust-store.js';
import type { VerifiedStatusList } from './verify-status-list.js';
import type { Writable } from '../shared/writable.js';

/** Defaults of the verifier's policy (FORMAT.md §6). */
export const DEFAULT_PROOF_MAX_AGE = 60;
export const DEFAULT_CLOCK_TOLERANCE = 10;
export const DEFAULT_STATUS_MAX_AGE = 24 * 3600;

/** How to verify. Nothing here comes from the presentation. */
export interface VerifyOptions {
  /** Issuer keys; the backend that imported them does the cryptography. */
  readonly trust: TrustStore;
  /** The verifier's clock. Injected: the verifier never reads the time itself. */
  readonly now: Date;
  /** Verified status lists by URI (see verifyStatusList). */
  readonly statusLists?: ReadonlyMap<string, VerifiedStatusList>;
  /** Seconds of clock difference tolerated on every time comparison. Default 10. */
  readonly clockTolerance?: number;
  /** Seconds a holder proof stays acceptable after it was made. Default 60. */
  readonly proofMaxAge?: number;
  /** Seconds after its `iat` a status list counts as stale (and past its `exp` always). Default 1 day. */
  readonly statusMaxAge?: number;
  /** The nonce this verifier offered, when it offered one: the proof must carry it. */
  readonly nonce?: string;
  /** The issuer identifier (`iss`) to require, when the caller knows it. */
  readonly issuer?: string;
  /** Turn warnings into failures. */
  readonly strict?: boolean;
  /**
   * Whether format version 1 (`LZ1:`, every element shown) is still accepted. Default true;
   * false once the last version 1 credential has expired (FORMAT.md §7): it then fails at
   * `type` with `ERR_VERSION_RETIRED`.
   */
  readonly acceptVersion1?: boolean;
  /**
   * The request this device showed, when the code must answer it (FORMAT.md §9.5): the code must
   * be an answer naming this device (`audience`) and carrying this `nonce`, not one of the
   * `answered` nonces already accepted; it is good until `iat` + REQUEST_MAX_AGE by this clock,
   * whatever time the phone put in it. Not with `nonce`.
   */
  readonly request?: VerifierRequest;
}

/** A request a verifier device showed (shared/request/request.ts). */
export interface VerifierRequest {
  /** base64url SHA-256 of this device's certificate. */
  readonly audience: string;
  readonly nonce: string;
  /** When the request was made, by this clock (seconds). */
  readonly iat: number;
  /** Nonces of answers this device already accepted: each is accepted once. */
  readonly answered?: ReadonlySet<string>;
}

/**
 * Verifies the text of a dynamic QR, in fixed order: parse → header → issuer key → issuer
 * signature → claims (nothing in the payload is looked at before the signature has passed) →
 * disclosures → holder signature, proof freshness, credential time, status list, licence status
 * and dates. Reads both formats: `LZ1:` (FORMAT.md §6.2, everything disclosed) while
 * `acceptVersion1` allows it, and `LZ2:` (§8.8, the groups the holder chose).
 * Fails closed: any check that cannot pass fails. Never throws for a bad presentation.
 * @throws {TypeError|RangeError} only for bad options.
 */
export function verifyPresentation(text: string, options: VerifyOptions): VerificationReport {
  const nowMs = options.now.getTime();
  if (!Number.isFinite(nowMs)) throw new RangeError('now: expected a valid Date');
  if (typeof text !== 'string') throw new TypeError('text: expected a string');
  const now = Math.floor(nowMs / 1000);
  const tolerance = seconds(options.clockTolerance, DEFAULT_CLOCK_TOLERANCE, 'clockTolerance');
  const proofMaxAge = seconds(options.proofMaxAge, DEFAULT_PROOF_MAX_AGE, 'proofMaxAge');
  const statusMaxAge = seconds(options.statusMaxAge, DEFAULT_STATUS_MAX_AGE, 'statusMaxAge');
  const { request } = options;
  if (request !== undefined && options.nonce !== undefined)
    throw new RangeError('nonce: not with request (the request has its own)');
  const { backend } = options.trust;
  const checks: CheckResult[] = [];
  const verifiedAt = new Date(nowMs).toISOString();
  /** The report: the checks so far, then `last` (a failed one, if any), then the rest skipped. */
  const report = (last: CheckResult | undefined, facts?: Facts) =>
    finish(checks, last, verifiedAt, options.strict, facts);
  // Neither prefix: said against both formats (the version 1 reader would name its own only).
  // A text over the limit is left to the reader, which says so first.
  if (
    text.length <= MAX_PRESENTATION_LENGTH &&
    !text.startsWith(PRESENTATION_PREFIX) &&
    !text.startsWith(PRESENTATION_PREFIX_V2)
  ) {
    const found = prefixOf(text);
    return report(
      failed(
        'parse',
        'ERR_MALFORMED',
        `presentation: expected text starting "${PRESENTATION_PREFIX}" or "${PRESENTATION_PREFIX_V2}", found ${found === undefined ? 'neither' : JSON.stringify(found)}`,
      ),
    );
  }
  const format: Format = text.startsWith(PRESENTATION_PREFIX_V2) ? VERSION_2 : VERSION_1;

  // parse
  let parts: Parts;
  let header: Record<string, unknown>;
  // The header as it travelled written out; undefined for the canonical one.
  let written: string | undefined;
  try {
    parts = format.decode(text, backend);
    // A header that travelled as its kid only is the canonical one, rebuilt by the decoder: its
    // members are known without parsing it back. Any other header is parsed as it came.
    if (parts.canonicalKid === undefined) {
      written = decodeUtf8(parts.credentialHeader, 'credential header');
      header = parseJsonObject(written, 'credential header');
    } else header = { alg: 'EdDSA', kid: parts.canonicalKid, typ: format.typ };
  } catch (error) {
    return report(fail('parse', error));
  }
  checks.push(pass('parse'));

  // type: the header, by the verifier's own rules (the algorithm is pinned, never taken).
  try {
    checkJoseHeader(header, { typ: format.typ, allowed: format.headerExtra, what: 'credential' });
    if (typeof header.kid !== 'string')
      throw new LicenceError(
        'ERR_HEADER_INVALID',
        'credential header kid: expected the key thumbprint, found none',
      );
    if (written !== undefined) checkExactHeader(written, header, 'credential');
  } catch (error) {
    return report(fail('type', error));
  }
  if (format.version === 1 && options.acceptVersion1 === false) {
    return report(
      failed('type', 'ERR_VERSION_RETIRED', 'format version 1 (LZ1:) is no longer accepted'),
    );
  }
  checks.push(pass('type'));

  // issuer_known: kid only looks a key up in the trust store.
  const trusted = options.trust.byThumbprint(header.kid);
  if (trusted === undefined) {
    return report(
      failed('issuer_known', 'ERR_UNKNOWN_ISSUER', 'credential kid names no trusted key'),
    );
  }
  checks.push(pass('issuer_known'));

  // issuer_signature over BASE64URL(header) "." BASE64URL(payload) (RFC 7515 §5.2), the start of
  // the compact credential, whose hash the holder proof binds: both come from one encoding.
  const signingLength =
    base64urlLength(parts.credentialHeader.length) +
    1 +
    base64urlLength(parts.credentialPayload.length);
  const compact = credentialCompact(parts);
  const compactBytes = utf8(compact);
  if (
    !backend.verify(trusted.key, compactBytes.subarray(0, signingLength), parts.credentialSignature)
  ) {
    return report(
      failed('issuer_signature', 'ERR_BAD_SIGNATURE', 'issuer signature does not verify'),
    );
  }
  checks.push(pass('issuer_signature'));

  // claims: only now is the payload read.
  let claims: CommonClaims;
  try {
    const payload = backend.inflate(
      parts.credentialPayload,
      'raw',
      MAX_CREDENTIAL_PAYLOAD,
      CLAIMS_DICTIONARY,
    );
    claims = format.claims(
      parseJsonObject(decodeUtf8(payload, 'credential payload'), 'credential payload'),
    );
    if (options.issuer !== undefined && claims.iss !== options.issuer) {
      throw new LicenceError(
        'ERR_ISSUER_MISMATCH',
        `credential iss: expected ${JSON.stringify(options.issuer)}, found ${JSON.stringify(claims.iss)}`,
      );
    }
  } catch (error) {
    // Whatever went wrong once the signature had passed, it is the credential's content.
    const result = fail('claims', error);
    const code =
      result.code === 'ERR_MALFORMED' ? 'ERR_CLAIMS_INVALID' : (result.code as VerdictCode);
    return report({ ...result, code, message: REASONS[code] });
  }
  checks.push(pass('claims'));

  // disclosures: what the presentation shows, recomputed against what the issuer signed.
  let shown: Shown;
  try {
    shown = format.disclosures(claims, parts, backend, request?.audience);
  } catch (error) {
    return report(fail('disclosures', error));
  }
  checks.push(pass('disclosures'));
  // Whom the code was made for, before its proof: only the verifier that asked can rebuild an
  // answer's proof, and a used or foreign nonce says more than a signature that fails.
  const answer = 'answersRequest' in parts && parts.answersRequest;
  if (answer && request === undefined)
    return report(
      failed('holder_signature', 'ERR_WRONG_VERIFIER', "code answers a verifier's request"),
    );
  if (request !== undefined) {
    if (!answer)
      return report(
        failed(
          'holder_signature',
          'ERR_NONCE_MISMATCH',
          "code does not answer this device's request",
        ),
      );
    if (parts.nonce !== undefined && request.answered?.has(parts.nonce) === true)
      return report(
        failed(
          'holder_signature',
          'ERR_NONCE_USED',
          'an answer with this nonce was accepted before',
        ),
      );
    if (parts.nonce !== request.nonce)
      return report(
        failed('holder_signature', 'ERR_NONCE_MISMATCH', 'code answers another request'),
      );
  }
  const { licence } = shown;
  const facts: Facts = {
    credential: {
      iss: claims.iss,
      kid: trusted.thumbprint,
      jti: claims.jti,
      iat: claims.iat,
      nbf: claims.nbf,
      exp: claims.exp,
      status: claims.status,
      ...(shown.portraitHash === undefined ? {} : { portraitHash: shown.portraitHash }),
    },
    licence,
    disclosure: shown.disclosure,
    proof: { iat: parts.proofIat, ...(parts.nonce === undefined ? {} : { nonce: parts.nonce }) },
  };

  // holder_signature: the device key of cnf.jwk over this credential and this time (and, in
  // version 2, this purpose and exactly these disclosures).
  let holderOk: boolean;
  try {
    const holderKey = decodeBase64url(claims.holderKey, 'cnf.jwk.x');
    holderOk = backend.verifyOnce(
      holderKey,
      shown.proofInput(compact, compactBytes),
      parts.proofSignature,
    );
  } catch {
    holderOk = false;
  }
  checks.push(
    holderOk
      ? pass('holder_signature')
      : failed(
          'holder_signature',
          'ERR_HOLDER_SIGNATURE',
          'holder proof does not verify with cnf.jwk for this credential',
        ),
  );

  // proof_freshness: the request's time when answering one (the nonce shows the code is new),
  // else the proof's own.
  if (request !== undefined) {
    const age = now - request.iat;
    checks.push(
      age > REQUEST_MAX_AGE + tolerance
        ? failed(
            'proof_freshness',
            'ERR_PROOF_EXPIRED',
            `request made ${age} s ago; answers accepted for ${REQUEST_MAX_AGE} s`,
          )
        : pass('proof_freshness'),
    );
  } else if (parts.proofIat > now + tolerance) {
    checks.push(
      failed(
        'proof_freshness',
        'ERR_PROOF_NOT_YET_VALID',
        `proof made ${parts.proofIat - now} s after the verifier's clock`,
      ),
    );
  } else if (now - parts.proofIat > proofMaxAge + tolerance) {
    checks.push(
      failed(
        'proof_freshness',
        'ERR_PROOF_EXPIRED',
        `proof is ${now - parts.proofIat} s old; at most ${proofMaxAge} s accepted`,
      ),
    );
  } else if (options.nonce !== undefined && parts.nonce !== options.nonce) {
    checks.push(
      failed(
        'proof_freshness',
        'ERR_NONCE_MISMATCH',
        parts.nonce === undefined ? 'proof carries no nonce' : 'proof carries another nonce',
      ),
    );
  } else {
    checks.push(pass('proof_freshness'));
  }

  // credential_time
  if (claims.nbf > now + tolerance) {
    checks.push(
      failed(
        'credential_time',
        'ERR_CREDENTIAL_NOT_YET_VALID',
        `credential valid from ${iso(claims.nbf)}`,
      ),
    );
  } else if (now - tolerance >= claims.exp) {
    checks.push(
      failed(
        'credential_time',
        'ERR_CREDENTIAL_EXPIRED',
        `credential expired at ${iso(claims.exp)}`,
      ),
    );
  } else {
    checks.push(pass('credential_time'));
  }

  // status_list
  checks.push(checkStatusList(claims, options.statusLists, now, tolerance, statusMaxAge));

  const driving = drivingOf(licence);
  if (driving === undefined) {
    // The licence's status and dates were not shown (FORMAT.md §8.8): not checked, and said so.
    checks.push(notShown('licence_status'), notShown('licence_validity'));
    return report(undefined, facts);
  }

  // licence_status: the status code and points the credential was signed with.
  const refusal = statusRefusal(driving);
  checks.push(
    refusal === undefined
      ? pass('licence_status')
      : failed('licence_status', VERDICT_OF_REASON[refusal.reason], refusal.message),
  );

  // licence_validity: the licence's own dates, on the calendar day in China.
  const validity = licenceValidityOn(driving, chinaDate(new Date(nowMs - tolerance * 1000)));
  if (validity === 'expired') {
    checks.push(
      failed('licence_validity', 'ERR_LICENCE_EXPIRED', `licence valid to ${driving.validTo}`),
    );
  } else if (
    licenceValidityOn(driving, chinaDate(new Date(nowMs + tolerance * 1000))) === 'not-yet-valid'
  ) {
    checks.push(
      failed(
        'licence_validity',
        'ERR_LICENCE_NOT_YET_VALID',
        `licence valid from ${driving.validFrom}`,
      ),
    );
  } else {
    checks.push(pass('licence_validity'));
  }

  return report(undefined, facts);
}

/** The facts a report carries once the disclosures have been checked. */
type Facts = Pick<VerificationReport, 'credential' | 'licence' | 'disclosure' | 'proof'>;

/** A presentation of either version taken apart. */
type Parts = PresentationParts | PresentationPartsV2;

/** What the disclosure check gives: the licence elements shown and how to rebuild the proof. */
interface Shown {
  readonly licence: Partial<LicenceRecord>;
  readonly portraitHash?: string;
  readonly disclosure: Disclosure;
  /** The bytes the holder signed, from the compact credential (as text and as its bytes). */
  readonly proofInput: (compact: string, compactBytes: Uint8Array) => Uint8Array;
}

/** What differs between the two formats, step by step. */
interface Format {
  readonly version: 1 | 2;
  readonly typ: string;
  readonly headerExtra: readonly string[];
  decode(text: string, backend: CryptoBackend): Parts;
  claims(payload: Record<string, unknown>): CommonClaims;
  /** @param audience the requesting verifier, for the proof of an answer to a request. */
  disclosures(
    claims: CommonClaims,
    parts: Parts,
    backend: CryptoBackend,
    audience: string | undefined,
  ): Shown;
}

const VERSION_1: Format = {
  version: 1,
  typ: CREDENTIAL_TYP,
  headerExtra: CREDENTIAL_HEADER_EXTRA,
  decode: (text) => decodePresentation(text),
  claims: (payload) => fromWireClaims(payload),
  // Version 1 signs the whole record: everything is shown, and nothing needs recomputing.
  disclosures(claims, parts, backend) {
    const { licence, portraitHash } = claims as CredentialClaims;
    const flags = ageFlags(licence.birthDate, chinaDate(new Date(claims.iat * 1000)));
    return {
      licence,
      ...(portraitHash === undefined ? {} : { portraitHash }),
      disclosure: {
        version: 1,
        purpose: DEFAULT_PURPOSE,
        disclosed: GROUP_NAMES,
        withheld: [],
        ageOver18: flags.ageOver18,
        ageOver60: flags.ageOver60,
      },
      proofInput: (_compact, compactBytes) =>
        proofSigningInput(backend.sha256(compactBytes), parts.proofIat, parts.nonce),
    };
  },
};

const VERSION_2: Format = {
  version: 2,
  typ: CREDENTIAL_TYP_V2,
  headerExtra: [],
  decode: (text, backend) => decodePresentationV2(text, backend),
  claims: (payload) => fromWireClaimsV2(payload),
  disclosures(claims, parts, backend, audience) {
    const p = parts as PresentationPartsV2;
    const checked = checkDisclosures((claims as CredentialClaimsV2).sd, claims.iat, p, backend);
    const disclosure: Writable<Disclosure> = {
      version: 2,
      purpose: p.purpose,
      disclosed: checked.disclosed.map((g) => GROUP_NAMES[g]),
      withheld: checked.withheld.map((g) => GROUP_NAMES[g]),
    };
    if (checked.ageOver18 !== undefined) disclosure.ageOver18 = checked.ageOver18;
    if (checked.ageOver60 !== undefined) disclosure.ageOver60 = checked.ageOver60;
    const shown: Writable<Shown> = {
      licence: checked.licence,
      disclosure,
      proofInput: (compact) =>
        proofSigningInputV2(
          backend.sha256(sdHashInput(compact, checked.disclosures)),
          p.proofIat,
          p.purpose,
          p.nonce,
          p.answersRequest === true ? audience : undefined,
        ),
    };
    if (checked.portraitHash !== undefined) shown.portraitHash = checked.portraitHash;
    return shown;
  },
};

/** The driving group's fields, when they were shown. */
function drivingOf(
  licence: Partial<LicenceRecord>,
): Pick<LicenceRecord, 'status' | 'points' | 'validFrom' | 'validTo'> | undefined {
  const { status, points, validFrom, validTo } = licence;
  if (status === undefined || points === undefined) return undefined;
  if (validFrom === undefined || validTo === undefined) return undefined;
  return { status, points, validFrom, validTo };
}

/**
 * The report on a text too long to be read at all, for a caller that stopped reading it at the
 * limit (the command line's `--batch`): the same verdict verifyPresentation gives on it,
 * `ERR_TOO_LARGE` at `parse`, with `found` saying how long it was.
 * @throws {RangeError} only for bad options.
 */
export function presentationTooLarge(
  found: string,
  options: Pick<VerifyOptions, 'now' | 'strict'>,
): VerificationReport {
  const nowMs = options.now.getTime();
  if (!Number.isFinite(nowMs)) throw new RangeError('now: expected a valid Date');
  return finish(
    [],
    failed(
      'parse',
      'ERR_TOO_LARGE',
      `presentation: expected at most ${MAX_PRESENTATION_LENGTH} characters, found ${found}`,
    ),
    new Date(nowMs).toISOString(),
    options.strict,
  );
}

function checkStatusList(
  claims: CommonClaims,
  lists: ReadonlyMap<string, VerifiedStatusList> | undefined,
  now: number,
  tolerance: number,
  maxAge: number,
): CheckResult {
  const list = lists?.get(claims.status.uri);
  if (list?.uri !== claims.status.uri) {
    // Named, so that whoever gave another list sees which one this credential needs.
    return warning(
      'status_list',
      'WARN_STATUS_UNCHECKED',
      `none was given for this credential's list, ${JSON.stringify(claims.status.uri)}`,
    );
  }
  let value: number;
  try {
    value = readStatus(list.list, list.bits, claims.status.idx);
  } catch {
    return failed(
      'status_list',
      'ERR_STATUS_UNKNOWN',
      `status list has no entry ${claims.status.idx}`,
    );
  }
  switch (value) {
    case STATUS.VALID:
      break;
    case STATUS.INVALID:
      return failed('status_list', 'ERR_REVOKED', 'status list: invalid (1)');
    case STATUS.SUSPENDED:
      return failed('status_list', 'ERR_SUSPENDED', 'status list: suspended (2)');
    case STATUS.SUPERSEDED:
      return failed('status_list', 'ERR_SUPERSEDED', 'status list: superseded (3)');
    default:
      return failed('status_list', 'ERR_STATUS_UNKNOWN', `status list: unknown value ${value}`);
  }
  if (list.iat > now + tolerance) {
    // A list signed after the verifier's "now": this device's clock is behind a trusted time.
    return warning(
      'status_list',
      'WARN_CLOCK_BEHIND',
      `status list issued ${iso(list.iat)}, after this device's clock`,
    );
  }
  const expired = list.exp !== undefined && now - tolerance >= list.exp;
  if (expired || now - list.iat > maxAge) {
    return warning(
      'status_list',
      'WARN_STATUS_STALE',
      `status list issued ${iso(list.iat)}${expired ? ', past its exp' : ''}, older than ${Math.round(maxAge / 3600)} h`,
    );
  }
  return pass('status_list');
}

/** The verdict for each reason the usability rule gives (shared/usability.ts). */
const VERDICT_OF_REASON = {
  expired: 'ERR_LICENCE_EXPIRED',
  'not-yet-valid': 'ERR_LICENCE_NOT_YET_VALID',
  suspended: 'ERR_SUSPENDED',
  revoked: 'ERR_REVOKED',
  cancelled: 'ERR_CANCELLED',
  'points-exceeded': 'ERR_POINTS_EXCEEDED',
  'renewal-overdue': 'ERR_RENEWAL_OVERDUE',
  'not-normal': 'ERR_LICENCE_NOT_VALID',
} as const satisfies Record<UnusableReason, VerdictCode>;

function finish(
  checks: CheckResult[],
  last: CheckResult | undefined,
  verifiedAt: string,
  strict: boolean | undefined,
  facts?: Facts,
): VerificationReport {
  if (last !== undefined) checks.push(last);
  for (const id of CHECK_IDS.slice(checks.length))
    checks.push({ id, status: 'SKIPPED', message: SKIPPED });
  if (strict === true) {
    for (let i = 0; i < checks.length; i++) {
      const c = checks[i] as CheckResult;
      if (c.status === 'WARNING') {
        const code = STRICT[c.code as keyof typeof STRICT];
        checks[i] = { ...c, status: 'FAILED', code, message: REASONS[code] };
      }
    }
  }
  const failure = decidingFailure(checks);
  const warnings = checks.filter((c) => c.status === 'WARNING').map((c) => c.code as VerdictCode);
  const base = { checks, verifiedAt, warnings, ...facts };
  if (failure?.code !== undefined)
    return { valid: false, code: failure.code, message: failure.message, ...base };
  return { valid: true, message: warnings.length > 0 ? VALID_WITH_WARNINGS : VALID, ...base };
}

/** What the live status list says of the licence itself (not "no list", not "no such entry"). */
const LIST_SAYS: ReadonlySet<VerdictCode> = new Set([
  'ERR_REVOKED',
  'ERR_SUSPENDED',
  'ERR_SUPERSEDED',
] as const);

/**
 * The failure that decides the verdict: the first in check order, except that an e-licence past
 * its own `exp` gives way to what no refresh of it would change: the live list's word on the
 * licence, and the licence past its validity date (the issuer caps `exp` there, so at that date
 * both fail). "Refresh online" would send the officer the wrong way (FORMAT.md §6.2). The status
 * the credential was signed with (`licence_status`) does not outrank it: it is as old as the
 * credential.
 */
function decidingFailure(checks: readonly CheckResult[]): CheckResult | undefined {
  const first = checks.find((c) => c.status === 'FAILED');
  if (first?.code !== 'ERR_CREDENTIAL_EXPIRED') return first;
  const outranks = (c: CheckResult) =>
    c.status === 'FAILED' &&
    ((c.id === 'status_list' && LIST_SAYS.has(c.code as VerdictCode)) ||
      (c.id === 'licence_validity' && c.code === 'ERR_LICENCE_EXPIRED'));
  return checks.find(outranks) ?? first;
}

/** What each warning becomes under `strict`. */
const STRICT = {
  WARN_STATUS_UNCHECKED: 'ERR_STATUS_UNCHECKED',
  WARN_STATUS_STALE: 'ERR_STATUS_STALE',
  WARN_CLOCK_BEHIND: 'ERR_CLOCK_BEHIND',
} as const satisfies Partial<Record<VerdictCode, VerdictCode>>;

/** One frozen result per check: a passing check allocates nothing. */
const PASSED_RESULTS = Object.fromEntries(
  CHECK_IDS.map((id) => [
    id,
    Object.freeze<CheckResult>({ id, status: 'PASSED', message: PASSED[id] }),
  ]),
) as Readonly<Record<CheckId, CheckResult>>;

function pass(id: CheckId): CheckResult {
  return PASSED_RESULTS[id];
}

function failed(id: CheckId, code: VerdictCode, detail: string): CheckResult {
  return { id, status: 'FAILED', code, message: REASONS[code], detail };
}

/** A licence check not run because the holder did not show what it reads. */
function notShown(id: CheckId): CheckResult {
  return { id, status: 'SKIPPED', message: NOT_SHOWN };
}

function warning(id: CheckId, code: VerdictCode, detail: string): CheckResult {
  return { id, status: 'WARNING', code, message: REASONS[code], detail };
}

function fail(id: CheckId, error: unknown): CheckResult {
  if (error instanceof LicenceError) return failed(id, error.code, error.message);
  // Anything else is a fault of ours, not of the input: still a failure, never a pass.
  return failed(
    id,
    'ERR_MALFORMED',
    error instanceof Error ? `${error.name}: ${error.message}` : 'unexpected error',
  );
}

function seconds(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0)
    throw new RangeError(`${name}: expected a non-negative number of seconds, found ${value}`);
  return value;
}

function iso(s: number): string {
  return new Date(s * 1000).toISOString();
}
