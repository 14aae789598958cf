import { isIP } from 'node:net';
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { MAX_ORG_LENGTH } from '../shared/request/certificate.js';
import { TEXT_EXPECTED, textFault } from '../shared/text.js';
import { DEFAULT_PUSH_HOSTS, PUSH_HOST_PATTERN } from './notify/push-destinations.js';

/** The service's configuration, read from the environment and checked at start. */
export interface Config {
  readonly env: 'development' | 'production' | 'test';
  readonly host: string;
  readonly port: number;
  /** Where the SQLite database, issuer keys and uploads live. */
  readonly dataDir: string;
  /** postgres://… to run on PostgreSQL; absent: SQLite in dataDir. */
  readonly databaseUrl?: string;
  /**
   * redis://… (or rediss://…) shared by every node for the rate limits; absent: each node
   * counts on its own.
   */
  readonly redisUrl?: string;
  /** What the rate limits' Redis keys start with: nodes of one service share it. */
  readonly redisKeyPrefix: string;
  /** The issuer identifier (`iss`) and the base of status list URIs. */
  readonly publicUrl: string;
  /**
   * Which reverse proxies in front may say who the client is (X-Forwarded-For), as express's
   * `trust proxy` takes it: how many hops, or the proxies' addresses and CIDR ranges. Absent: no
   * proxy is trusted, and the client is the socket's peer.
   */
  readonly trustProxy?: number | readonly string[];
  /** A private JWK file to sign with, instead of keys kept in dataDir. */
  readonly issuerKeyFile?: string;
  readonly credentialValidDays: number;
  /**
   * Seconds after which a refresh signs the device's credential again although nothing in it
   * changed; before, the refresh answers with the live credential (0: sign on every refresh).
   */
  readonly credentialRefreshAfter: number;
  /** Seconds a new issuer key is published in the JWKS before it signs. */
  readonly keyPublishAhead: number;
  /** Seconds a status list token is valid, and how long caches may keep it. */
  readonly statusListValidFor: number;
  readonly statusListMaxAge: number;
  /** Load the demo registry and demo staff on an empty database. */
  readonly demo: boolean;
  /** The VAPID contact push services see (RFC 8292 §2.1): a mailto: or https: URL. */
  readonly vapidSubject: string;
  /** Days after an e-licence is issued before the driver may change its photo. */
  readonly photoChangeIntervalDays: number;
  /** Oldest photo accepted, in days since it was taken, when the file says when. */
  readonly photoMaxAgeDays: number;
  /**
   * Sign-in attempts one client address may make a minute: more where many drivers share one
   * address (a carrier's NAT, a test run from loopback).
   */
  readonly signInAttemptsPerMinute: number;
  /**
   * The https origins of police verifier apps hosted elsewhere, allowed to call the portrait
   * route from a browser (CORS); none by default.
   */
  readonly verifierOrigins: readonly string[];
  /**
   * The organisation a police verifier device registered without one is certified for: the
   * name a holder reads on its requests (1-40 characters).
   */
  readonly verifierPoliceOrg: string;
  /** Days a verifier certificate is valid from its enrolment. */
  readonly verifierCertificateValidDays: number;
  /**
   * The hosts of the browser push services a subscription's endpoint may name (`*.` covers the
   * names under the rest); pushes go nowhere else.
   */
  readonly pushHosts: readonly string[];
  /** The real-person check (IDENTITY_CHECK…): at binding, recovery and the stored-photo path. */
  readonly identityCheck: GatewaySettings;
  /** The SMS gateway (SMS…) that sends one-time codes to drivers' phones. */
  readonly sms: GatewaySettings;
  /** VAPID keys given by the operator (VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY); checked at start. */
  readonly vapidKeys?: { readonly publicKey: string; readonly privateKey: string };
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

/**
 * Which adapter of an external government service to use: the development one (no network,
 * outcomes on demand; refused in production), or the HTTP one with its endpoint and credentials.
 */
export type GatewaySettings =
  | { readonly kind: 'development' }
  | {
      readonly kind: 'http';
      /** https:// endpoint, without credentials in the URL. */
      readonly endpoint: string;
      /** Sent as `X-App-Id`. */
      readonly appId: string;
      /** HMAC-SHA256 signing secret, at least {@link GATEWAY_SECRET_MIN_LENGTH} characters. */
      readonly secret: string;
      readonly timeoutMs?: number;
    };

/** Whom a police verifier device is certified for when its registration names no organisation. */
export const DEFAULT_POLICE_ORG = '公安交通管理部门';

/** Sign-in attempts one client address may make a minute, by default. */
export const SIGN_IN_ATTEMPTS_PER_MINUTE = 10;

/** The shortest signing secret a gateway setting takes. */
export const GATEWAY_SECRET_MIN_LENGTH = 32;

/** What the development adapter of each gateway would do in production, said when refused. */
const DEVELOPMENT_RISK = {
  IDENTITY_CHECK: 'the development adapter issues licences without a real check',
  SMS: 'the development adapter sends no message and accepts codes it only logged',
} as const;

type Gateway = keyof typeof DEVELOPMENT_RISK;

function gatewaySchema(prefix: Gateway) {
  return z.object({
    [prefix]: z.enum(['http', 'development']).optional(),
    [`${prefix}_URL`]: z
      .url({ protocol: /^https$/, error: 'an https:// URL' })
      .refine(
        (u) => new URL(u).username === '' && new URL(u).password === '',
        'no credentials in the URL',
      )
      .optional(),
    [`${prefix}_APP_ID`]: z.string().min(1).optional(),
    [`${prefix}_SECRET`]: z.string().min(GATEWAY_SECRET_MIN_LENGTH).optional(),
    [`${prefix}_TIMEOUT_MS`]: z.coerce.number().int().min(100).max(60_000).optional(),
  });
}

/** What a bad gateway value is shown as: never a secret, never URL credentials. */
function gatewayFound(env: Readonly<Record<string, string | undefined>>, name: string): string {
  const value = env[name];
  if (value === undefined) return 'nothing';
  if (name.endsWith('_SECRET')) return `a value of ${value.length} characters`;
  if (name.endsWith('_URL') && value.includes('@')) return 'a URL with credentials';
  return JSON.stringify(value);
}

/**
 * Reads the settings of one external service from `PREFIX`, `PREFIX_URL`, `PREFIX_APP_ID`,
 * `PREFIX_SECRET` and `PREFIX_TIMEOUT_MS`. `PREFIX` is `http` or `development` (the default
 * outside production); production takes only `http`.
 * @returns the settings, or one line per bad variable (expected, found; never a secret).
 */
export function gatewaySettings(
  prefix: Gateway,
  env: Readonly<Record<string, string | undefined>>,
  options: { readonly production: boolean },
): GatewaySettings | { readonly problems: readonly string[] } {
  const schema = gatewaySchema(prefix);
  const parsed = schema.safeParse(env);
  const fields: Readonly<Record<string, z.ZodType>> = schema.shape;
  const problems = parsed.success
    ? []
    : issueLines(parsed.error, fields, (name) => gatewayFound(env, name));
  // Read as written: a value neither http nor development is a problem said above.
  const kind = env[prefix];
  if (options.production && (kind === undefined || kind === 'development'))
    problems.push(
      `${prefix}: expected http in production (${DEVELOPMENT_RISK[prefix]}), found ${kind ?? 'nothing'}`,
    );
  const required = [
    [`${prefix}_URL`, 'an https:// URL'],
    [`${prefix}_APP_ID`, 'the application id given by the provider'],
    [
      `${prefix}_SECRET`,
      `the signing secret given by the provider, at least ${GATEWAY_SECRET_MIN_LENGTH} characters`,
    ],
  ] as const;
  // What http needs and is not there at all (a value that is there but bad is said above).
  if (kind === 'http')
    for (const [name, what] of required)
      if (env[name] === undefined)
        problems.push(`${name}: expected ${what} (${prefix}=http), found nothing`);
  if (!parsed.success || problems.length > 0) return { problems };
  if (kind !== 'http') return { kind: 'development' };
  const e = parsed.data as Readonly<Record<string, string | number | undefined>>;
  const timeoutMs = e[`${prefix}_TIMEOUT_MS`];
  return {
    kind: 'http',
    endpoint: String(e[`${prefix}_URL`]),
    appId: String(e[`${prefix}_APP_ID`]),
    secret: String(e[`${prefix}_SECRET`]),
    ...(typeof timeoutMs === 'number' ? { timeoutMs } : {}),
  };
}

/** The most proxy hops TRUST_PROXY may name: more layers than this is a typo, not a network. */
export const TRUST_PROXY_MAX_HOPS = 10;

const TRUST_PROXY_EXPECTED = `a hop count 1-${TRUST_PROXY_MAX_HOPS}, or a comma-separated list of the proxies' addresses or CIDR ranges (IPv4 or IPv6, e.g. 10.0.0.0/8, fd00::/8)`;

/** Values that would trust every address: any client could then name its own address. */
const TRUST_EVERY_ADDRESS = /^(any|all|true|yes|on|\*)$/i;
const NEVER_EVERY_ADDRESS = `${TRUST_PROXY_EXPECTED}; never every address, which lets any client name its own address for the rate limits`;

/**
 * Parses TRUST_PROXY into what express's `trust proxy` takes (proxy-addr does the matching).
 * Strict: addresses as node:net reads them (dotted quads, RFC 4291 text, no zone), prefixes in
 * decimal without leading zeros; a value that would trust every address (a word for it, or a
 * /0) is refused.
 * @returns the setting, or what is wrong with it.
 */
function parseTrustProxy(value: string): number | readonly string[] | { problem: string } {
  if (TRUST_EVERY_ADDRESS.test(value.trim())) return { problem: NEVER_EVERY_ADDRESS };
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    if (/^[1-9]\d*$/.test(value) && hops <= TRUST_PROXY_MAX_HOPS) return hops;
    return { problem: TRUST_PROXY_EXPECTED };
  }
  const items = value.split(',').map((item) => item.trim());
  for (const item of items) {
    const slash = item.indexOf('/');
    const address = slash < 0 ? item : item.slice(0, slash);
    const family = address.includes('%') ? 0 : isIP(address);
    if (family === 0) return { problem: TRUST_PROXY_EXPECTED };
    if (slash < 0) continue;
    const prefix = item.slice(slash + 1);
    if (prefix === '0') return { problem: NEVER_EVERY_ADDRESS };
    if (!/^[1-9]\d{0,2}$/.test(prefix) || Number(prefix) > (family === 4 ? 32 : 128))
      return { problem: TRUST_PROXY_EXPECTED };
  }
  return items;
}

const trustProxy = z.string().transform((value, ctx) => {
  const parsed = parseTrustProxy(value);
  if (typeof parsed === 'object' && 'problem' in parsed) {
    ctx.addIssue({ code: 'custom', message: parsed.problem, input: value });
    return z.NEVER;
  }
  return parsed;
});

const boolean = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'a postgres:// URL')
    .optional(),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'a redis:// or rediss:// URL')
    .optional(),
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:_.-]{1,64}$/, '1-64 characters of A-Z a-z 0-9 : _ . -')
    .default('liangzheng:'),
  PUBLIC_URL: z.url({ protocol: /^https?$/, error: 'an http:// or https:// URL' }).optional(),
  TRUST_PROXY: trustProxy.optional(),
  ISSUER_KEY_FILE: z.string().min(1).optional(),
  CREDENTIAL_VALID_DAYS: z.coerce.number().int().min(1).max(366).default(30),
  CREDENTIAL_REFRESH_AFTER: z.coerce
    .number()
    .int()
    .min(0)
    .max(366 * 86_400)
    .default(86_400),
  STATUS_LIST_VALID_FOR: z.coerce
    .number()
    .int()
    .min(60)
    .max(7 * 86_400)
    .default(86_400),
  // Longer than the police app's offline refresh of cached keys (a day by default).
  KEY_PUBLISH_AHEAD: z.coerce
    .number()
    .int()
    .min(0)
    .max(30 * 86_400)
    .default(86_400),
  STATUS_LIST_MAX_AGE: z.coerce.number().int().min(0).max(86_400).default(10),
  DEMO: boolean.optional(),
  VAPID_SUBJECT: z
    .string()
    .regex(/^(mailto:[^@\s]+@[^@\s]+|https:\/\/\S+)$/, 'a mailto: or https: URL')
    .optional(),
  // docs/DOMAIN.md §1.8: once per 6 months, a photo less than 6 months old (unconfirmed limits).
  PHOTO_CHANGE_INTERVAL_DAYS: z.coerce.number().int().min(0).max(3650).default(183),
  PHOTO_MAX_AGE_DAYS: z.coerce.number().int().min(1).max(3650).default(183),
  SIGN_IN_ATTEMPTS_PER_MINUTE: z.coerce
    .number()
    .int()
    .min(1)
    .max(100_000)
    .default(SIGN_IN_ATTEMPTS_PER_MINUTE),
  VERIFIER_ORIGINS: z
    .string()
    .refine(
      (s) => s.split(',').every((o) => isHttpsOrigin(o.trim())),
      'comma-separated https origins (https://host[:port], nothing after)',
    )
    .optional(),
  VERIFIER_POLICE_ORG: z
    .string()
    .trim()
    .min(1, `1-${MAX_ORG_LENGTH} characters`)
    .max(MAX_ORG_LENGTH, `1-${MAX_ORG_LENGTH} characters`)
    .refine((s) => textFault(s) === undefined, `1-${MAX_ORG_LENGTH} characters of ${TEXT_EXPECTED}`)
    .default(DEFAULT_POLICE_ORG),
  VERIFIER_CERTIFICATE_VALID_DAYS: z.coerce
    .number()
    .int()
    .min(1, 'a whole number of days 1-366')
    .max(366, 'a whole number of days 1-366')
    .default(30),
  PUSH_HOSTS: z
    .string()
    .refine(
      (s) => s.split(',').every((h) => PUSH_HOST_PATTERN.test(h.trim())),
      'comma-separated host names of push services, each a lower-case DNS name or *. and one',
    )
    .optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

/**
 * True for an https origin written as a browser sends it in `Origin` (RFC 6454 §6.1): scheme,
 * lower-case host and a port other than 443, nothing else (no path, slash, user or wildcard).
 */
function isHttpsOrigin(s: string): boolean {
  if (!URL.canParse(s)) return false;
  const url = new URL(s);
  return url.protocol === 'https:' && url.origin === s && !url.hostname.includes('*');
}

/**
 * What a variable must be, in words, for its `issue`: a number's whole range (not zod's "Too
 * small: expected number to be >=0"), an enumeration's values, else the message the schema gives,
 * which is written as what is expected.
 */
function expectedWords(issue: z.core.$ZodIssue, field: z.ZodType | undefined): string {
  let inner = field;
  while (inner instanceof z.ZodDefault || inner instanceof z.ZodOptional)
    inner = inner.unwrap() as z.ZodType;
  // zod's own words start so; the schema's own do not.
  const zods = /^(Invalid|Too (small|big))\b/.test(issue.message);
  if (inner instanceof z.ZodNumber && zods) {
    const { minValue, maxValue } = inner;
    const range =
      minValue !== null && maxValue !== null ? ` ${String(minValue)}-${String(maxValue)}` : '';
    return `${inner.format === 'safeint' ? 'a whole number' : 'a number'}${range}`;
  }
  if (issue.code === 'invalid_value') return `one of ${issue.values.map(String).join(', ')}`;
  return issue.message.replace(/^Invalid (input|string): /i, '');
}

/** One line per bad variable of `error`: `NAME: expected …, found …`, as `found` shows it. */
function issueLines(
  error: z.ZodError,
  fields: Readonly<Record<string, z.ZodType>>,
  found: (name: string) => string,
): string[] {
  return error.issues.map((i) => {
    const name = String(i.path[0] ?? '');
    return `${name}: expected ${expectedWords(i, fields[name])}, found ${found(name)}`;
  });
}

/** A configuration that cannot be used; the message names every variable that is wrong. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** What production needs that the schema alone cannot say, one line per variable. */
function productionProblems(e: z.output<typeof schema>): string[] {
  const problems: string[] = [];
  if (e.DEMO ?? false)
    problems.push('DEMO: expected false in production (demo accounts and data), found true');
  if (e.PUBLIC_URL === undefined)
    problems.push(
      'PUBLIC_URL: expected the public https:// URL of the service in production, found nothing',
    );
  if (e.VAPID_SUBJECT === undefined)
    problems.push(
      'VAPID_SUBJECT: expected the mailto: or https: contact push services see, found nothing',
    );
  // The service speaks plain HTTP: an https:// PUBLIC_URL means TLS ends in a proxy in front,
  // and without TRUST_PROXY every client would share that proxy's address and its limits.
  if (e.PUBLIC_URL?.startsWith('https:') === true && e.TRUST_PROXY === undefined)
    problems.push(
      'TRUST_PROXY: expected the addresses (or hop count) of the proxies that end TLS in front, as PUBLIC_URL is https://, found nothing; e.g. TRUST_PROXY=10.0.1.0/24, or TRUST_PROXY=1 when the nodes are reachable only through one balancer',
    );
  return problems;
}

/**
 * Reads and checks the configuration. Fails fast, naming each bad variable with what was
 * expected and what was found (never a secret's value).
 * @throws {ConfigError}
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): Config {
  const parsed = schema.safeParse(env);
  const fields: Readonly<Record<string, z.ZodType>> = schema.shape;
  const problems = parsed.success
    ? []
    : issueLines(parsed.error, fields, (name) => {
        const value = env[name];
        if (value === undefined) return 'nothing';
        // A URL may hold a password.
        return name === 'DATABASE_URL' || name === 'REDIS_URL'
          ? 'another value'
          : JSON.stringify(value);
      });
  const production = env.NODE_ENV === 'production';
  // Every problem at once: the gateways and the VAPID pair are read from `env` itself, so a bad
  // value above does not hide them.
  const identityCheck = gatewaySettings('IDENTITY_CHECK', env, { production });
  const sms = gatewaySettings('SMS', env, { production });
  problems.push(...[identityCheck, sms].flatMap((g) => ('problems' in g ? g.problems : [])));
  if ((env.VAPID_PUBLIC_KEY === undefined) !== (env.VAPID_PRIVATE_KEY === undefined)) {
    problems.push(
      `${env.VAPID_PUBLIC_KEY === undefined ? 'VAPID_PUBLIC_KEY' : 'VAPID_PRIVATE_KEY'}: expected it beside the other VAPID key (both or neither), found nothing`,
    );
  }
  if (parsed.success && production) problems.push(...productionProblems(parsed.data));
  if (!parsed.success || problems.length > 0)
    throw new ConfigError(`invalid configuration:\n  ${problems.join('\n  ')}`);
  const e = parsed.data;
  const demo = e.DEMO ?? !production;
  if ('problems' in identityCheck || 'problems' in sms) throw new Error('unreachable');
  const dataDir = isAbsolute(e.DATA_DIR) ? e.DATA_DIR : resolve(e.DATA_DIR);
  return {
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    dataDir,
    ...(e.DATABASE_URL === undefined ? {} : { databaseUrl: e.DATABASE_URL }),
    ...(e.REDIS_URL === undefined ? {} : { redisUrl: e.REDIS_URL }),
    redisKeyPrefix: e.REDIS_KEY_PREFIX,
    publicUrl: (e.PUBLIC_URL ?? localUrl(e.HOST, e.PORT)).replace(/\/$/, ''),
    ...(e.TRUST_PROXY === undefined ? {} : { trustProxy: e.TRUST_PROXY }),
    ...(e.ISSUER_KEY_FILE === undefined ? {} : { issuerKeyFile: e.ISSUER_KEY_FILE }),
    credentialValidDays: e.CREDENTIAL_VALID_DAYS,
    credentialRefreshAfter: e.CREDENTIAL_REFRESH_AFTER,
    statusListValidFor: e.STATUS_LIST_VALID_FOR,
    statusListMaxAge: e.STATUS_LIST_MAX_AGE,
    keyPublishAhead: e.KEY_PUBLISH_AHEAD,
    demo,
    vapidSubject: e.VAPID_SUBJECT ?? 'mailto:operations@localhost.invalid',
    photoChangeIntervalDays: e.PHOTO_CHANGE_INTERVAL_DAYS,
    photoMaxAgeDays: e.PHOTO_MAX_AGE_DAYS,
    signInAttemptsPerMinute: e.SIGN_IN_ATTEMPTS_PER_MINUTE,
    verifierOrigins:
      e.VERIFIER_ORIGINS === undefined ? [] : e.VERIFIER_ORIGINS.split(',').map((o) => o.trim()),
    verifierPoliceOrg: e.VERIFIER_POLICE_ORG,
    verifierCertificateValidDays: e.VERIFIER_CERTIFICATE_VALID_DAYS,
    pushHosts:
      e.PUSH_HOSTS === undefined
        ? DEFAULT_PUSH_HOSTS
        : e.PUSH_HOSTS.split(',').map((h) => h.trim()),
    identityCheck,
    sms,
    ...(env.VAPID_PUBLIC_KEY === undefined || env.VAPID_PRIVATE_KEY === undefined
      ? {}
      : { vapidKeys: { publicKey: env.VAPID_PUBLIC_KEY, privateKey: env.VAPID_PRIVATE_KEY } }),
    logLevel: e.LOG_LEVEL,
  };
}

/**
 * The address the service is reached at on this machine, the one `npm start` prints: the default
 * PUBLIC_URL, so that the issuer named in credentials, the status list URIs and the pages a push
 * notice opens are on the origin the apps were opened from (another origin is another phone
 * storage: the driver would find the app signed out). A wildcard HOST is reached at 127.0.0.1.
 */
function localUrl(host: string, port: number): string {
  return httpUrl(host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host, port);
}

/** `http://host:port`, an IPv6 address in brackets (RFC 3986 §3.2.2). */
export function httpUrl(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}
