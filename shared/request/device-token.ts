/**
 * The shape of a verifier device's token: what the service hands an admin when it registers a
 * device (and shows the console as text and as a QR code of the token itself), what the device
 * then sends as its bearer token. The service and the police app read the same shape from here:
 * the service to refuse anything else before a lookup, the app to tell a token QR from an
 * e-licence code, a request or a payment code when the officer scans one in 设置.
 */

/** Random bytes in a device token: 256 bits. */
export const DEVICE_TOKEN_BYTES = 32;

/**
 * 32 bytes as unpadded base64url: 43 characters, the last of which carries 4 bits of the bytes
 * and 2 zero bits, so that it is one of 16 (a canonical encoding, as Node's `base64url` writes).
 */
const DEVICE_TOKEN = /^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/;

/** Whether `text` has the shape of a device token (nothing about whether any device holds it). */
export function isDeviceToken(text: string): boolean {
  return DEVICE_TOKEN.test(text);
}
