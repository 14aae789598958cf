import { deflateSync } from 'node:zlib';
import { STATUS_LIST_TYP } from '../shared/credential.js';
import type { Signer } from '../shared/crypto-backend.js';
import { packStatuses, type StatusBits } from '../shared/status-list.js';

/** What a status list token says. */
export interface StatusListRequest {
  /** The list's URI: the `status_list.uri` of the credentials it covers, and its `sub`. */
  readonly uri: string;
  /** One status value per index. */
  readonly statuses: ArrayLike<number>;
  readonly bits: StatusBits;
  readonly now: Date;
  /** Seconds until the list expires (`exp`). */
  readonly validFor: number;
  /** Seconds a verifier may cache it before fetching again (`ttl`). */
  readonly ttl: number;
}

/**
 * Signs a status list token (IETF Token Status List §5.1): a JWT of `typ` statuslist+jwt whose
 * `status_list.lst` is the packed list, zlib-compressed (RFC 1950), base64url.
 */
export async function signStatusList(request: StatusListRequest, signer: Signer): Promise<string> {
  const { statuses, ...rest } = request;
  return signPackedStatusList({ ...rest, packed: packStatuses(statuses, request.bits) }, signer);
}

/** {@link signStatusList} for a list already packed (Token Status List §4.1), as stored. */
export async function signPackedStatusList(
  request: Omit<StatusListRequest, 'statuses'> & { readonly packed: Uint8Array },
  signer: Signer,
): Promise<string> {
  const iat = Math.floor(request.now.getTime() / 1000);
  const lst = deflateSync(request.packed, { level: 9 }).toString('base64url');
  const header = { alg: 'EdDSA', kid: signer.kid, typ: STATUS_LIST_TYP };
  const payload = {
    sub: request.uri,
    iat,
    exp: iat + request.validFor,
    ttl: request.ttl,
    status_list: { bits: request.bits, lst },
  };
  const signingInput = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
  const signature = await signer.sign(Buffer.from(signingInput, 'ascii'));
  return `${signingInput}.${Buffer.from(signature).toString('base64url')}`;
}
