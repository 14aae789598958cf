import { sha256 } from '@noble/hashes/sha2.js';
import { encodeBase64url } from '../../shared/base64url.js';

/** Largest portrait accepted: a licence photo is tens of kB. */
const MAX_PORTRAIT_BYTES = 2 * 1024 * 1024;
const TIMEOUT_MS = 8000;

/** What the portrait area shows. */
export type PortraitOutcome =
  | { readonly state: 'shown'; readonly bytes: Uint8Array<ArrayBuffer> }
  | { readonly state: 'mismatch' }
  | {
      readonly state: 'unavailable';
      readonly reason: 'no-token' | 'offline' | 'no-portrait' | 'beyond-role' | 'error';
      /** The problem's `code` or the HTTP status, when the issuer answered with an error. */
      readonly detail?: string;
    };

/** What fetchPortrait needs. */
export interface PortraitRequest {
  readonly issuerUrl: string;
  /** The officer's device token, issued by an admin; empty when none is set. */
  readonly token: string;
  /** The presentation text just verified. */
  readonly presentation: string;
  /** When it answers this device's request: the request's QR text, which the issuer checks it with. */
  readonly request?: string;
  /** The `ph` claim of the verified credential: base64url SHA-256 of the portrait bytes. */
  readonly portraitHash: string | undefined;
  readonly online: boolean;
  readonly fetch?: typeof fetch;
}

/**
 * Fetches the holder's portrait from the issuer (POST /api/verifier/portrait with the device
 * token and the presentation, and the request it answers, if any) and accepts it only when its SHA-256 equals the credential's
 * `ph`: the image then is the one the authority signed for, whoever served it. Never throws.
 */
export async function fetchPortrait(request: PortraitRequest): Promise<PortraitOutcome> {
  if (request.portraitHash === undefined) return { state: 'unavailable', reason: 'no-portrait' };
  if (request.token === '') return { state: 'unavailable', reason: 'no-token' };
  if (!request.online) return { state: 'unavailable', reason: 'offline' };
  const doFetch = request.fetch ?? fetch;
  let response: Response;
  try {
    response = await doFetch(new URL('api/verifier/portrait', withSlash(request.issuerUrl)), {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${request.token}`,
        'Content-Type': 'application/json',
        Accept: 'image/jpeg, application/problem+json',
      },
      body: JSON.stringify({
        presentation: request.presentation,
        ...(request.request === undefined ? {} : { request: request.request }),
      }),
      credentials: 'omit',
      cache: 'no-store',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch {
    return { state: 'unavailable', reason: 'offline' };
  }
  if (!response.ok) {
    let detail = String(response.status);
    try {
      if ((response.headers.get('content-type') ?? '').includes('json')) {
        const problem = (await response.json()) as { code?: unknown };
        if (typeof problem.code === 'string') detail = problem.code;
      }
    } catch {
      // The status alone says enough.
    }
    // The device's role may not see the holder (an age check): the issuer never sends it one.
    if (detail === 'ERR_PORTRAIT_BEYOND_ROLE')
      return { state: 'unavailable', reason: 'beyond-role' };
    return { state: 'unavailable', reason: 'error', detail };
  }
  try {
    const bytes = new Uint8Array(await response.arrayBuffer());
    if (bytes.length === 0 || bytes.length > MAX_PORTRAIT_BYTES)
      return { state: 'unavailable', reason: 'error', detail: 'size' };
    return encodeBase64url(sha256(bytes)) === request.portraitHash
      ? { state: 'shown', bytes }
      : { state: 'mismatch' };
  } catch {
    return { state: 'unavailable', reason: 'offline' };
  }
}

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}
