/*
 * The size of a status list token for 1 M entries with 1 % not valid (target ≤ 30 KB), made
 * with the service's own signing path.
 */
import { randomInt } from 'node:crypto';
import { signStatusList } from '../issuer/sign-status-list.js';
import { createJwkSigner, generateKeyPair } from '../shared/node/keys.js';

/** Builds the list and returns its sizes in bytes. */
export async function statusListSize(
  entries = 1_000_000,
  notValid = 0.01,
): Promise<Record<string, number>> {
  const statuses = new Uint8Array(entries);
  let marked = 0;
  while (marked < entries * notValid) {
    const i = randomInt(entries);
    if (statuses[i] === 0) {
      // Revoked, suspended and superseded in the proportions a registry would see.
      statuses[i] = [1, 2, 2, 3][randomInt(4)] ?? 1;
      marked++;
    }
  }
  const signer = createJwkSigner(generateKeyPair().privateJwk);
  const token = await signStatusList(
    {
      uri: 'https://dl.example/status/1',
      statuses,
      bits: 2,
      now: new Date(),
      validFor: 86_400,
      ttl: 10,
    },
    signer,
  );
  const lst = (
    JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as {
      status_list: { lst: string };
    }
  ).status_list.lst;
  return {
    entries,
    not_valid: marked,
    token_bytes: token.length,
    compressed_list_bytes: Buffer.from(lst, 'base64url').length,
  };
}
