import { createHash, createHmac } from 'node:crypto';

/**
 * The signature of one request to an external government service (the real-person check, the
 * SMS gateway): base64url HMAC-SHA256, keyed with the shared secret, over
 * `${timestamp}\n${nonce}\n${base64url(SHA-256(body))}`, sent as `X-Signature` beside `X-App-Id`,
 * `X-Timestamp` and `X-Nonce`. A typical API-gateway scheme, not confirmed for the real
 * providers (docs/IDENTITY-CHECK.md, docs/OPERATIONS.md).
 */
export function signGatewayRequest(
  secret: string,
  timestamp: string,
  nonce: string,
  body: string,
): string {
  const bodyHash = createHash('sha256').update(body, 'utf8').digest('base64url');
  return createHmac('sha256', secret)
    .update(`${timestamp}\n${nonce}\n${bodyHash}`, 'utf8')
    .digest('base64url');
}
