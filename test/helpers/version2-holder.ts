/**
 * Test-only: holder's copies of credentials a test service issued (format 2), changed or turned
 * back into format 1, signed with the service's own current key, with the same jti, times,
 * holder key, status list entry and portrait hash. A verifier that trusts the service's keys
 * and reads its status lists then judges the code exactly as it would one the service issued.
 */
import type { CredentialClaimsInput } from '../../shared/credential.js';
import { idNumberCheckCharacter } from '../../shared/licence/id-number.js';
import type { LicenceRecord } from '../../shared/licence/record.js';
import { issueCredentialV2, parseHolderCopy } from '../../shared/sd/credential-v2.js';
import type { ServiceDeps } from '../../issuer/deps.js';
import { signClaimsByHand } from './presentation-kit.js';

/** The claims of a holder's copy with `licence` (the copy's values do not make a whole record). */
function claimsWith(holderCopy: string, licence: LicenceRecord): CredentialClaimsInput {
  const { claims, values } = parseHolderCopy(holderCopy);
  const { iss, iat, nbf, exp, jti, holderKey, status } = claims;
  const ph = values[0].ph;
  return {
    ...{ iss, iat, nbf, exp, jti, holderKey, status },
    licence,
    ...(ph === undefined ? {} : { portraitHash: ph }),
  };
}

/**
 * The holder's copy (FORMAT.md §8.4) of an issued copy, re-signed by the service's current key
 * with `licence` in place of the licence it carries (e.g. a holder under 18); the copy itself
 * when no licence is given.
 */
export async function asVersion2(
  deps: Pick<ServiceDeps, 'keys'>,
  holderCopy: string,
  licence?: LicenceRecord,
): Promise<string> {
  if (licence === undefined) return holderCopy;
  return (await issueCredentialV2(claimsWith(holderCopy, licence), deps.keys.current())).holderCopy;
}

/** The same credential in format 1 (the whole `licence` signed), by the service's current key. */
export async function asVersion1(
  deps: Pick<ServiceDeps, 'keys'>,
  holderCopy: string,
  licence: LicenceRecord,
): Promise<string> {
  const claims = claimsWith(holderCopy, licence);
  return signClaimsByHand(claims, deps.keys.current());
}

/**
 * `licence` with its holder born on `birthDate` and first licensed on `firstIssueDate` (valid
 * from then), the ID number to match (YYYY-MM-DD dates).
 */
export function bornOn(
  licence: LicenceRecord,
  birthDate: string,
  firstIssueDate: string,
): LicenceRecord {
  const first17 = `${licence.licenceNumber.slice(0, 6)}${birthDate.replaceAll('-', '')}${licence.licenceNumber.slice(14, 17)}`;
  return {
    ...licence,
    birthDate,
    firstIssueDate,
    validFrom: firstIssueDate,
    licenceNumber: `${first17}${idNumberCheckCharacter(first17)}`,
  };
}
