/*
 * The authority's keys and the verifier status lists, fetched whenever the phone is online and
 * kept (store.ts), so that a verifier's request is checked offline (verifier-request.ts). Public
 * documents of the service: no session needed, nothing personal sent.
 */
import { nobleBackend } from '../../../verifier/backends/noble.js';
import { createTrustStore } from '../../../verifier/trust-store.js';
import { verifyStatusList } from '../../../verifier/verify-status-list.js';
import { keep, load } from './store.js';
import { serviceNow } from './phone-clock.js';

/** Where the service publishes its keys (RFC 7517) and the index of verifier status lists. */
export const JWKS_PATH = '/.well-known/jwks.json';
export const VERIFIER_LISTS_PATH = '/status/verifiers';

async function fetchOk(url: string): Promise<Response> {
  const res = await fetch(url, { cache: 'no-store', credentials: 'omit' });
  if (!res.ok) throw new Error(`${url}: expected 200, found ${res.status}`);
  return res;
}

/**
 * Fetches the authority's JWKS and keeps it when it reads as one; then the verifier status
 * lists of the index, each kept only when it verifies with those keys. A list that cannot be
 * fetched keeps the one kept before, if any; no index (an older service) keeps none.
 * @throws {Error} when offline or the keys cannot be read: what was kept stays.
 */
export async function refreshAuthority(): Promise<void> {
  const jwks = (await (await fetchOk(JWKS_PATH)).json()) as unknown;
  const trust = createTrustStore([jwks], nobleBackend);
  await keep('authority', { jwks, at: serviceNow() });
  let uris: string[];
  try {
    const index = (await (await fetchOk(VERIFIER_LISTS_PATH)).json()) as { lists?: unknown };
    uris = Array.isArray(index.lists)
      ? index.lists.filter((u): u is string => typeof u === 'string')
      : [];
  } catch {
    return;
  }
  const before = await load('verifierLists');
  const tokens: string[] = [];
  for (const uri of uris) {
    try {
      const token = (await (await fetchOk(uri)).text()).trim();
      const list = verifyStatusList(token, trust);
      if (list.uri !== uri)
        throw new Error(`status list: signed for ${list.uri}, fetched at ${uri}`);
      tokens.push(token);
    } catch {
      // The one kept before for this URI, if it still verifies, rather than none.
      const old = before?.tokens.find((t) => {
        try {
          return verifyStatusList(t, trust).uri === uri;
        } catch {
          return false;
        }
      });
      if (old !== undefined) tokens.push(old);
    }
  }
  await keep('verifierLists', { tokens, at: serviceNow() });
}
