/*
 * Where the service may send a Web Push: a driver's browser names the endpoint, so an endpoint
 * is a URL of the driver's choosing, and the POST to it a request the service makes on their
 * behalf (server-side request forgery). Two checks close it: the endpoint's host must be one of
 * the browser push services (PUSH_HOSTS), at subscription and again at every send; and the
 * address the host resolves to must be a public one, checked in the connection's own DNS lookup,
 * so the socket connects to exactly the address that was checked (no window for a DNS answer
 * that changes between the check and the connection).
 */
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { Agent, type AgentOptions } from 'node:https';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * The browser push services (`*.` covers every name under the rest): Firebase Cloud Messaging
 * (Chrome, Edge on Android, Samsung Internet, Opera, Brave), Mozilla autopush (Firefox), Apple
 * (Safari), Windows Push Notification Services (Edge on Windows).
 */
export const DEFAULT_PUSH_HOSTS: readonly string[] = [
  'fcm.googleapis.com',
  'updates.push.services.mozilla.com',
  '*.push.services.mozilla.com',
  '*.push.apple.com',
  '*.notify.windows.com',
];

/** A PUSH_HOSTS entry: a DNS name of two labels or more, or `*.` and one. */
export const PUSH_HOST_PATTERN =
  /^(\*\.)?(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/;

/** Test-only: the loopback push service of the tests, and how to trust its certificate. */
export interface LoopbackForTests {
  /** TLS options for the test push service's self-signed certificate. */
  readonly tls: Pick<AgentOptions, 'ca' | 'rejectUnauthorized'>;
}

/** The hosts and addresses a push may go to, and the one agent every send uses. */
export interface PushDestinations {
  /**
   * True when `endpoint` is an https: URL, without credentials or fragment, on the default port
   * of an allowed host (never an IP literal).
   */
  allows(endpoint: string): boolean;
  /** Connects only to public addresses, checked in its own DNS lookup. */
  readonly agent: Agent;
}

/** A failed check of a push service's address; the message names the host, not the endpoint. */
export class PushAddressError extends Error {
  override readonly name = 'PushAddressError';
  readonly code = 'ERR_PUSH_ADDRESS_REFUSED';
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

/**
 * True for an address on the public internet: global unicast only. Loopback, private (RFC 1918,
 * unique local fc00::/7 with fd00:ec2::254), link-local (169.254.0.0/16 with the cloud metadata
 * address 169.254.169.254, fe80::/10), shared CGNAT space (100.64.0.0/10), multicast,
 * unspecified, broadcast, reserved and documentation ranges, and IPv6 forms that carry an IPv4
 * address elsewhere (NAT64, 6to4, Teredo) are not; an IPv4-mapped IPv6 address is judged as
 * the IPv4 address it maps.
 */
export function isPublicAddress(address: string, allowLoopback = false): boolean {
  if (!ipaddr.isValid(address)) return false;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6') {
    const v6 = parsed as ipaddr.IPv6;
    if (v6.isIPv4MappedAddress()) parsed = v6.toIPv4Address();
  }
  const range = parsed.range();
  return range === 'unicast' || (allowLoopback && range === 'loopback');
}

/** True when `host` is named by a PUSH_HOSTS pattern. */
function hostAllowed(host: string, patterns: readonly string[]): boolean {
  return patterns.some((pattern) =>
    pattern.startsWith('*.') ? host.endsWith(pattern.slice(1)) : host === pattern,
  );
}

/**
 * A `lookup` for the agent: resolves the host as `dns.lookup` would, and fails unless every
 * address it gets is public (one private address among public ones is a trick, not a mistake).
 * The socket then connects to the address handed back here, and to no other.
 */
function checkedLookup(allowLoopback: boolean) {
  return (
    hostname: string,
    options: LookupOptions,
    callback: (
      error: NodeJS.ErrnoException | null,
      address: string | LookupAddress[],
      family?: number,
    ) => void,
  ): void => {
    dnsLookup(
      hostname,
      { ...options, all: true },
      (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => {
        if (error !== null) {
          callback(error, []);
          return;
        }
        const refused = addresses.filter((a) => !isPublicAddress(a.address, allowLoopback));
        const first = addresses[0];
        if (refused.length > 0 || first === undefined) {
          callback(
            new PushAddressError(
              `${hostname}: expected public addresses only, found ${refused.length === 0 ? 'none' : 'an address that is not public'}`,
            ),
            [],
          );
          return;
        }
        if (options.all === true) callback(null, addresses);
        else callback(null, first.address, first.family);
      },
    );
  };
}

/**
 * The destinations of pushes: endpoints on `hosts` (PUSH_HOSTS patterns), connected to only at
 * public addresses. `loopback` (tests only, refused in production by openService) also allows
 * the loopback hosts and addresses where the tests' push service runs, trusting its certificate.
 */
export function pushDestinations(
  hosts: readonly string[],
  loopback?: LoopbackForTests,
): PushDestinations {
  const allowLoopback = loopback !== undefined;
  return {
    allows(endpoint) {
      if (!URL.canParse(endpoint)) return false;
      const url = new URL(endpoint);
      if (
        url.protocol !== 'https:' ||
        url.username !== '' ||
        url.password !== '' ||
        url.hash !== ''
      )
        return false;
      if (allowLoopback && LOOPBACK_HOSTS.has(url.hostname)) return true;
      // A push service has a DNS name on the default port; an IP literal would skip the lookup.
      if (url.port !== '' || isIP(url.hostname.replace(/^\[(.*)\]$/, '$1')) !== 0) return false;
      return hostAllowed(url.hostname, hosts);
    },
    agent: new Agent({
      lookup: checkedLookup(allowLoopback),
      ...(loopback === undefined ? {} : loopback.tls),
    }),
  };
}
