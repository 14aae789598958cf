/*
 * The licence inside the phone's own credential, read with shared/ code so that the licence page
 * shows offline. The phone got the credential from the service over TLS and does not verify its
 * signature here: that is the verifier's job, on every scan.
 */
import { inflateSync } from 'fflate';
import { CLAIMS_DICTIONARY } from '../../../shared/claims-dictionary.js';
import { parseCompactJws } from '../../../shared/compact-jws.js';
import {
  fromWireClaims,
  MAX_CREDENTIAL_PAYLOAD,
  type CredentialClaims,
} from '../../../shared/credential.js';
import { decodeUtf8, parseJsonObject } from '../../../shared/utf8.js';

/**
 * The claims of a credential: its payload inflated (raw DEFLATE with the claims dictionary, at
 * most MAX_CREDENTIAL_PAYLOAD bytes) and checked against the format.
 * @throws {LicenceError} ERR_MALFORMED, ERR_CLAIMS_INVALID.
 * @throws {RangeError} when the payload inflates to more than the ceiling.
 */
export function readCredential(text: string): CredentialClaims {
  const jws = parseCompactJws(text, 'credential');
  const out = new Uint8Array(MAX_CREDENTIAL_PAYLOAD + 1);
  const inflated = inflateSync(jws.payloadBytes, { out, dictionary: CLAIMS_DICTIONARY });
  if (inflated.length > MAX_CREDENTIAL_PAYLOAD)
    throw new RangeError(`credential payload: expected at most ${MAX_CREDENTIAL_PAYLOAD} bytes`);
  return fromWireClaims(
    parseJsonObject(decodeUtf8(inflated, 'credential payload'), 'credential payload'),
  );
}
