/**
 * The verifier's public API, imported as `liangzheng/verifier`: verify a presentation (the text
 * of a dynamic QR) and the status lists it names, against the issuer keys a verifier trusts.
 * Everything here is offline and synchronous; the caller fetches the JWKS and status lists.
 * The format is in docs/FORMAT.md; the README has an example.
 */
export {
  DEFAULT_CLOCK_TOLERANCE,
  DEFAULT_PROOF_MAX_AGE,
  DEFAULT_STATUS_MAX_AGE,
  verifyPresentation,
  type VerifierRequest,
  type VerifyOptions,
} from './verify-presentation.js';
export {
  MAX_STATUS_LIST_BYTES,
  verifyStatusList,
  type VerifiedStatusList,
} from './verify-status-list.js';
export { verifyJws, type JwsResult } from './verify-jws.js';
export {
  createTrustStore,
  MAX_JWKS_KEYS,
  type TrustedKey,
  type TrustStore,
} from './trust-store.js';
export { nodeBackend } from './backends/node.js';
export { nobleBackend } from './backends/noble.js';
export {
  CHECK_IDS,
  type CheckId,
  type CheckResult,
  type CheckStatus,
  type Disclosure,
  type VerdictCode,
  type VerificationReport,
  type Words,
} from './report.js';
export {
  NOT_SHOWN,
  PASSED,
  REASONS,
  SKIPPED,
  VALID,
  VALID_WITH_WARNINGS,
} from './internal/messages.js';
export { GROUP_NAMES, PURPOSES, type GroupName, type Purpose } from '../shared/sd/groups.js';
export type { CryptoBackend, Ed25519PublicJwk } from '../shared/crypto-backend.js';
export type { LicenceRecord } from '../shared/licence/record.js';
