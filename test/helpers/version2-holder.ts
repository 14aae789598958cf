/**
 * Test-only: a format version 2 holder's copy of a credential a test service issued (format 1),
 * signed with the service's own current key, with the same jti, times, holder key, status list
 * entry and portrait hash. A verifier that trusts the service's keys and reads its status lists
 * then judges the version 2 code exactly as it would one the service issued itself.
 */
import { CLAIMS_DICTIONARY } from '../../shared/claims-dictionary.js';
import { parseCompactJws } from '../../shared/compact-jws.js';
import { fromWireClaims, MAX_CREDENTIAL_PAYLOAD } from '../../shared/credential.js';
import { idNumberCheckCharacter } from '../../shared/licence/id-number.js';
import type { LicenceRecord } from '../../shared/licence/record.js';
import { inflateClaims, issueCredentialV2 } from '../../shared/sd/credential-v2.js';
import { decodeUtf8, parseJsonObject } from '../../shared/utf8.js';
import type { ServiceDeps } from '../../issuer/deps.js';

/**
 * The holder's copy (FORMAT.md §8.4) of `credential` re-signed as version 2 by the service's
 * current key; `licence` replaces the licence it carries (e.g. a holder under 18).
 */
export async function asVersion2(
  deps: Pick<ServiceDeps, 'keys'>,
  credential: string,
  licence?: LicenceRecord,
): Promise<string> {
  const jws = parseCompactJws(credential, 'credential');
  const payload = inflateClaims.inflate(
    jws.payloadBytes,
    'raw',
    MAX_CREDENTIAL_PAYLOAD,
    CLAIMS_DICTIONARY,
  );
  const claims = fromWireClaims(parseJsonObject(decodeUtf8(payload, 'payload'), 'payload'));
  const issued = await issueCredentialV2(
    { ...claims, ...(licence === undefined ? {} : { licence }) },
    deps.keys.current(),
  );
  return issued.holderCopy;
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
