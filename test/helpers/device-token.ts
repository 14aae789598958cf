import { createHash } from 'node:crypto';

/**
 * A device token of the shape the console issues (the base64url of 32 bytes), named by `label`:
 * the SHA-256 of the label, so that a test's token is fixed and says what it is for.
 */
export function deviceTokenFor(label: string): string {
  return createHash('sha256').update(label).digest('base64url');
}
