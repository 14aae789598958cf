import type { LicenceErrorCode } from '../shared/errors.js';
import type { LicenceRecord } from '../shared/licence/record.js';
import type { GroupName, Purpose } from '../shared/sd/groups.js';

/** The named checks of a verification, in the order they run (FORMAT.md §6). */
export const CHECK_IDS = [
  'parse',
  'type',
  'issuer_known',
  'issuer_signature',
  'claims',
  'disclosures',
  'holder_signature',
  'proof_freshness',
  'credential_time',
  'status_list',
  'licence_status',
  'licence_validity',
] as const;

export type CheckId = (typeof CHECK_IDS)[number];
export type CheckStatus = 'PASSED' | 'FAILED' | 'WARNING' | 'SKIPPED';

/** Why a presentation is not valid, or what is only a warning; stable across versions. */
export type VerdictCode =
  | LicenceErrorCode
  | 'ERR_PROOF_EXPIRED'
  | 'ERR_PROOF_NOT_YET_VALID'
  | 'ERR_NONCE_MISMATCH'
  | 'ERR_CREDENTIAL_EXPIRED'
  | 'ERR_CREDENTIAL_NOT_YET_VALID'
  | 'ERR_LICENCE_EXPIRED'
  | 'ERR_LICENCE_NOT_YET_VALID'
  | 'ERR_SUSPENDED'
  | 'ERR_REVOKED'
  | 'ERR_CANCELLED'
  | 'ERR_POINTS_EXCEEDED'
  | 'ERR_RENEWAL_OVERDUE'
  | 'ERR_LICENCE_NOT_VALID'
  | 'ERR_SUPERSEDED'
  | 'ERR_STATUS_UNKNOWN'
  | 'ERR_STATUS_UNCHECKED'
  | 'ERR_STATUS_STALE'
  | 'ERR_CLOCK_BEHIND'
  | 'ERR_VERSION_RETIRED'
  | 'ERR_WRONG_VERIFIER'
  | 'ERR_NONCE_USED'
  | 'WARN_STATUS_UNCHECKED'
  | 'WARN_STATUS_STALE'
  | 'WARN_CLOCK_BEHIND';

/** Text in both languages: Chinese first. */
export interface Words {
  readonly zh: string;
  readonly en: string;
}

/** One named check and its outcome. */
export interface CheckResult {
  readonly id: CheckId;
  readonly status: CheckStatus;
  /** Set when FAILED or WARNING. */
  readonly code?: VerdictCode;
  readonly message: Words;
  /** Technical detail for the log and the CLI (English; no personal data). */
  readonly detail?: string;
}

/** The outcome of verifying one presentation. The officer's screen and `--json` show the same. */
export interface VerificationReport {
  /** True when no check FAILED; warnings may remain. */
  readonly valid: boolean;
  /** The deciding failure when not valid. */
  readonly code?: VerdictCode;
  /** The verdict in words: the deciding failure's message, or valid (with warnings). */
  readonly message: Words;
  /** Codes of the checks that ended in WARNING. */
  readonly warnings: readonly VerdictCode[];
  readonly checks: readonly CheckResult[];
  /** The clock the verdict was given at (ISO 8601). */
  readonly verifiedAt: string;
  /** Present once the issuer's signature has passed and the claims decoded. */
  readonly credential?: {
    readonly iss: string;
    readonly kid: string;
    readonly jti: string;
    readonly iat: number;
    readonly nbf: number;
    readonly exp: number;
    readonly status: { readonly idx: number; readonly uri: string };
    readonly portraitHash?: string;
  };
  /**
   * The licence elements the presentation showed (all of them in format version 1); a withheld
   * one is absent here and named in `disclosure.withheld`: show it as 未出示, never guess it.
   */
  readonly licence?: Partial<LicenceRecord>;
  /** What was shown, and for whom: present with `licence`. */
  readonly disclosure?: Disclosure;
  readonly proof?: { readonly iat: number; readonly nonce?: string };
}

/** What a presentation showed (FORMAT.md §8.2, §8.7). */
export interface Disclosure {
  /** The credential format: 1 shows everything. */
  readonly version: 1 | 2;
  /** Who the holder made the code for (version 1: police). */
  readonly purpose: Purpose;
  /** The groups shown, in index order. */
  readonly disclosed: readonly GroupName[];
  /** The groups withheld, in index order. */
  readonly withheld: readonly GroupName[];
  /** The age flags, when shown (version 1: from the birth date on the China date of `iat`). */
  readonly ageOver18?: boolean;
  readonly ageOver60?: boolean;
}
