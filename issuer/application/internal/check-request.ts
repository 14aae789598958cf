import type { IdentityCheckRequest } from '../identity-check.js';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The rules every identity-check adapter keeps on what it is asked (IDENTITY-CHECK.md): a
 * request id of 1–128 characters of [A-Za-z0-9._:-], a licence number and a name, a JPEG selfie.
 * The routes check what a driver sends before any of it gets here, so a failure is a caller's
 * mistake, never a driver's.
 * @throws {TypeError} naming the field, never its value.
 */
export function assertCheckRequest(request: IdentityCheckRequest): void {
  if (typeof request.requestId !== 'string' || !REQUEST_ID.test(request.requestId))
    throw new TypeError('requestId: expected 1–128 characters of [A-Za-z0-9._:-]');
  if (typeof request.licenceNumber !== 'string' || request.licenceNumber.length === 0)
    throw new TypeError('licenceNumber: expected a non-empty string');
  if (typeof request.name !== 'string' || request.name.length === 0)
    throw new TypeError('name: expected a non-empty string');
  const s = request.selfie;
  if (!(s instanceof Uint8Array) || s[0] !== 0xff || s[1] !== 0xd8 || s[2] !== 0xff)
    throw new TypeError('selfie: expected JPEG bytes (FF D8 FF)');
}
