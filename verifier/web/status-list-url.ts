/**
 * Where to fetch a status list. A credential names its list by URI under its issuer identifier
 * (`${iss}/status/1`); the app fetches it from the issuer it is configured with, which may be
 * reached at another address than the public one (a police network, a test on loopback). The
 * list is signed and its `sub` must equal the URI, so where it came from does not matter for
 * trust, only for reaching it.
 * @throws {TypeError} when `issuerUrl` is not an absolute http(s) URL.
 */
export function statusListUrl(uri: string, iss: string, issuerUrl: string): string {
  const base = new URL(issuerUrl);
  if (base.protocol !== 'https:' && base.protocol !== 'http:')
    throw new TypeError(`issuerUrl: expected an http(s) URL, found ${base.protocol}`);
  const prefix = iss.endsWith('/') ? iss : `${iss}/`;
  if (uri.startsWith(prefix)) {
    const root = base.href.endsWith('/') ? base.href : `${base.href}/`;
    return new URL(uri.slice(prefix.length), root).href;
  }
  return uri;
}
