/*
 * The one way the web apps talk to the service: same-origin fetch with the session cookie
 * (HttpOnly, set by the service) and the session's CSRF token on every unsafe request.
 */

/** A problem+json answer (RFC 9457) with its stable code and what else the service said. */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly status: number,
    readonly code: string,
    readonly body: Readonly<Record<string, unknown>>,
  ) {
    super(`${status} ${code}`);
  }
}

/** The network did not answer (offline, or the service is down). */
export class OfflineError extends Error {
  override readonly name = 'OfflineError';
}

let csrfToken: string | undefined;

/** Keeps the CSRF token of the session (from sign-in or GET /api/me). */
export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

/** Told the service's time (its `Date` header, ms) and the device's when the answer came. */
type ServiceTimeObserver = (serviceMs: number, deviceMs: number) => void;

let serviceTimeObserver: ServiceTimeObserver | undefined;

/** Whom every answer's `Date` tells the service's time (the driver's app sets its clock by it). */
export function observeServiceTime(observer: ServiceTimeObserver | undefined): void {
  serviceTimeObserver = observer;
}

/** A request body: JSON, or raw bytes of a type (a photo). */
export type Body = { readonly json: unknown } | { readonly bytes: Blob; readonly type: string };

/**
 * Calls the service. Resolves with the parsed JSON (or the Blob for an image, undefined for 204).
 * @throws {ApiError} on any answer of 400 and above.
 * @throws {OfflineError} when no answer came.
 */
export async function api<T>(method: string, path: string, body?: Body): Promise<T> {
  const headers: Record<string, string> = {};
  let payload: BodyInit | undefined;
  if (body !== undefined && 'json' in body) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body.json);
  } else if (body !== undefined) {
    headers['content-type'] = body.type;
    payload = body.bytes;
  }
  if (method !== 'GET' && csrfToken !== undefined) headers['x-csrf-token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      cache: 'no-store',
      ...(payload === undefined ? {} : { body: payload }),
    });
  } catch (cause) {
    throw new OfflineError('no answer from the service', { cause });
  }
  // Every answer, a refusal too, comes from the service now (no-store: never from a cache).
  const serviceMs = Date.parse(res.headers.get('date') ?? '');
  if (Number.isFinite(serviceMs)) serviceTimeObserver?.(serviceMs, Date.now());
  const type = res.headers.get('content-type') ?? '';
  if (!res.ok) {
    let problem: Record<string, unknown> = {};
    // A proxy's error page may say JSON and hold none: named by its status, never its parse error.
    if (type.includes('json'))
      problem = ((await res.json().catch(() => ({}))) ?? {}) as Record<string, unknown>;
    const code = typeof problem.code === 'string' ? problem.code : `HTTP_${res.status}`;
    throw new ApiError(res.status, code, problem);
  }
  if (res.status === 204) return undefined as T;
  if (type.startsWith('image/')) return (await res.blob()) as T;
  const parsed = (await res.json()) as T;
  const token = (parsed as { csrfToken?: unknown } | null)?.csrfToken;
  if (typeof token === 'string') csrfToken = token;
  return parsed;
}
