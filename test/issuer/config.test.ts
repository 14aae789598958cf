import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../issuer/config.js';
import { PRODUCTION_GATEWAYS } from './production-env.js';

/** The built service (`npm test` builds first). */
const MAIN = fileURLToPath(new URL('../../dist/issuer/main.js', import.meta.url));

function refusal(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  return 'accepted';
}

describe('loadConfig', () => {
  it('when nothing is set, then the development defaults: port 8080, ./data, demo data on', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      env: 'development',
      port: 8080,
      host: '127.0.0.1',
      demo: true,
      publicUrl: 'http://127.0.0.1:8080',
      credentialValidDays: 30,
      credentialRefreshAfter: 86_400,
      signInAttemptsPerMinute: 10,
    });
    expect(loadConfig({ SIGN_IN_ATTEMPTS_PER_MINUTE: '500' }).signInAttemptsPerMinute).toBe(500);
    expect(config.dataDir).toMatch(/\/data$/);
    expect(config.databaseUrl).toBeUndefined();
  });

  it.each([
    [{}, 'http://127.0.0.1:8080'],
    [{ HOST: '192.168.1.20', PORT: '9000' }, 'http://192.168.1.20:9000'],
    [{ HOST: '0.0.0.0' }, 'http://127.0.0.1:8080'],
    [{ HOST: '::1' }, 'http://[::1]:8080'],
    [{ HOST: '::' }, 'http://127.0.0.1:8080'],
    [{ HOST: '0.0.0.0', PUBLIC_URL: 'http://dl.internal/' }, 'http://dl.internal'],
  ])(
    'when PUBLIC_URL is not set (%j), then it is where the service is reached, as its start-up prints it',
    (env, publicUrl) => {
      expect(loadConfig(env).publicUrl).toBe(publicUrl);
    },
  );

  it.each([
    [{ PORT: 'eighty' }, 'PORT: expected a whole number 0-65535, found "eighty"'],
    [{ PORT: '70000' }, 'PORT: expected a whole number 0-65535, found "70000"'],
    [{ PORT: '80.5' }, 'PORT: expected a whole number 0-65535, found "80.5"'],
    [
      { LOG_LEVEL: 'loud' },
      'LOG_LEVEL: expected one of fatal, error, warn, info, debug, trace, silent, found "loud"',
    ],
    [
      { PUBLIC_URL: 'ftp://dl.example.cn' },
      'PUBLIC_URL: expected an http:// or https:// URL, found "ftp://dl.example.cn"',
    ],
    [
      { DATABASE_URL: 'mysql://x' },
      'DATABASE_URL: expected a postgres:// URL, found another value',
    ],
    [
      { REDIS_URL: 'http://cache:6379' },
      'REDIS_URL: expected a redis:// or rediss:// URL, found another value',
    ],
    [
      { REDIS_KEY_PREFIX: 'has space' },
      'REDIS_KEY_PREFIX: expected 1-64 characters of A-Z a-z 0-9 : _ . -, found "has space"',
    ],
    [
      { CREDENTIAL_VALID_DAYS: '0' },
      'CREDENTIAL_VALID_DAYS: expected a whole number 1-366, found "0"',
    ],
    [
      { CREDENTIAL_REFRESH_AFTER: '-1' },
      'CREDENTIAL_REFRESH_AFTER: expected a whole number 0-31622400, found "-1"',
    ],
    [
      { SIGN_IN_ATTEMPTS_PER_MINUTE: '0' },
      'SIGN_IN_ATTEMPTS_PER_MINUTE: expected a whole number 1-100000, found "0"',
    ],
    [
      { SIGN_IN_ATTEMPTS_PER_MINUTE: 'ten' },
      'SIGN_IN_ATTEMPTS_PER_MINUTE: expected a whole number 1-100000, found "ten"',
    ],
    [
      { NODE_ENV: 'staging' },
      'NODE_ENV: expected one of development, production, test, found "staging"',
    ],
    [
      { NODE_ENV: 'production', PUBLIC_URL: 'https://dl.example.cn', DEMO: 'true' },
      'DEMO: expected false in production',
    ],
    [{ NODE_ENV: 'production', DEMO: 'false' }, 'PUBLIC_URL: expected the public https:// URL'],
    [
      { NODE_ENV: 'production', DEMO: 'false', PUBLIC_URL: 'https://dl.example.cn' },
      'VAPID_SUBJECT: expected the mailto: or https: contact',
    ],
    [{ VAPID_SUBJECT: 'ops@example.cn' }, 'VAPID_SUBJECT: expected a mailto: or https: URL'],
    [{ TRUST_PROXY: '0' }, 'TRUST_PROXY: expected a hop count 1-10, or a comma-separated list'],
    [{ TRUST_PROXY: '11' }, 'found "11"'],
    [{ TRUST_PROXY: '01' }, 'TRUST_PROXY: expected a hop count'],
    [{ TRUST_PROXY: '' }, 'TRUST_PROXY: expected a hop count'],
    [{ TRUST_PROXY: 'loopback' }, 'found "loopback"'],
    [{ TRUST_PROXY: 'false' }, 'TRUST_PROXY: expected a hop count'],
    [{ TRUST_PROXY: '10.0.0.1,' }, 'found "10.0.0.1,"'],
    [{ TRUST_PROXY: '10.0.0.256' }, 'TRUST_PROXY: expected a hop count'],
    [{ TRUST_PROXY: '010.0.0.1' }, 'TRUST_PROXY: expected a hop count'],
    [{ TRUST_PROXY: '127.1' }, 'TRUST_PROXY: expected a hop count'],
    [{ TRUST_PROXY: '10.0.0.0/33' }, 'found "10.0.0.0/33"'],
    [{ TRUST_PROXY: '10.0.0.0/08' }, 'TRUST_PROXY: expected a hop count'],
    [{ TRUST_PROXY: '10.0.0.0/' }, 'TRUST_PROXY: expected a hop count'],
    [{ TRUST_PROXY: 'fd00::/129' }, 'TRUST_PROXY: expected a hop count'],
    [{ TRUST_PROXY: 'fe80::1%eth0' }, 'TRUST_PROXY: expected a hop count'],
    [{ TRUST_PROXY: 'balancer.internal' }, 'TRUST_PROXY: expected a hop count'],
    ...[
      'http://police.example.cn',
      'https://police.example.cn/',
      'https://police.example.cn/app',
      'https://Police.example.cn',
      'https://police.example.cn:443',
      'https://*.example.cn',
      '*',
      'https://police.example.cn,',
      'null',
    ].map((value): [Record<string, string>, string] => [
      { VERIFIER_ORIGINS: value },
      `VERIFIER_ORIGINS: expected comma-separated https origins (https://host[:port], nothing after), found ${JSON.stringify(value)}`,
    ]),
    ...[
      '127.0.0.1',
      'localhost',
      '*',
      '*.com',
      'FCM.googleapis.com',
      'https://fcm.googleapis.com',
      'fcm.googleapis.com:443',
      'fcm.googleapis.com,',
      '*.*.apple.com',
    ].map((value): [Record<string, string>, string] => [
      { PUSH_HOSTS: value },
      `PUSH_HOSTS: expected comma-separated host names of push services, each a lower-case DNS name or *. and one, found ${JSON.stringify(value)}`,
    ]),
  ])('when %o, then it refuses to start naming the variable', (env, words) => {
    expect(refusal(env)).toContain(words);
  });

  it.each(['any', 'ANY', 'true', '*', ' * ', 'all', '0.0.0.0/0', '10.0.0.1, ::/0'])(
    'when TRUST_PROXY is %j, then it refuses to trust every address, and says why',
    (value) => {
      expect(refusal({ TRUST_PROXY: value })).toContain(
        "TRUST_PROXY: expected a hop count 1-10, or a comma-separated list of the proxies' addresses or CIDR ranges",
      );
      expect(refusal({ TRUST_PROXY: value })).toContain(
        'never every address, which lets any client name its own address for the rate limits',
      );
    },
  );

  it.each([
    ['1', 1],
    ['2', 2],
    ['10', 10],
    ['10.0.0.7', ['10.0.0.7']],
    [
      ' 10.0.0.0/8 , 192.168.1.1/32,fd00::/8, ::1 ',
      ['10.0.0.0/8', '192.168.1.1/32', 'fd00::/8', '::1'],
    ],
    ['::ffff:10.0.0.7', ['::ffff:10.0.0.7']],
  ])('when TRUST_PROXY is %j, then express is given %j', (value, expected) => {
    expect(loadConfig({ TRUST_PROXY: value }).trustProxy).toEqual(expected);
  });

  it('when several variables are wrong at once, then one message names each of them, in words', () => {
    expect(
      refusal({
        PORT: 'abc',
        STATUS_LIST_MAX_AGE: '-1',
        SMS_TIMEOUT_MS: '50',
        VAPID_PUBLIC_KEY: 'x',
      }),
    ).toBe(
      [
        'invalid configuration:',
        'PORT: expected a whole number 0-65535, found "abc"',
        'STATUS_LIST_MAX_AGE: expected a whole number 0-86400, found "-1"',
        'SMS_TIMEOUT_MS: expected a whole number 100-60000, found "50"',
        'VAPID_PRIVATE_KEY: expected it beside the other VAPID key (both or neither), found nothing',
      ].join('\n  '),
    );
  });

  it('when TRUST_PROXY is not set, then no proxy is trusted', () => {
    expect(loadConfig({})).not.toHaveProperty('trustProxy');
  });

  it('when production has an https:// PUBLIC_URL and no TRUST_PROXY, then it refuses to start, naming both', () => {
    const production = {
      ...PRODUCTION_GATEWAYS,
      NODE_ENV: 'production',
      DEMO: 'false',
      PUBLIC_URL: 'https://dl.example.cn',
      VAPID_SUBJECT: 'mailto:ops@dl.example.cn',
    };
    expect(refusal(production)).toBe(
      'invalid configuration:\n  TRUST_PROXY: expected the addresses (or hop count) of the proxies that end TLS in front, as PUBLIC_URL is https://, found nothing; e.g. TRUST_PROXY=10.0.1.0/24, or TRUST_PROXY=1 when the nodes are reachable only through one balancer',
    );
    expect(loadConfig({ ...production, TRUST_PROXY: '10.0.0.0/8' }).trustProxy).toEqual([
      '10.0.0.0/8',
    ]);
    // Plain http:// (a closed network without TLS): no proxy is implied.
    expect(
      loadConfig({ ...production, PUBLIC_URL: 'http://dl.internal' }).trustProxy,
    ).toBeUndefined();
  });

  it('when the service is started with TRUST_PROXY=*, then it exits with status 2 and one message naming it, before opening anything', () => {
    const run = spawnSync(process.execPath, [MAIN], {
      env: { PATH: process.env.PATH ?? '', TRUST_PROXY: '*', DATA_DIR: '/nonexistent/lz' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(
      'invalid configuration:\n  TRUST_PROXY: expected a hop count 1-10, or a comma-separated list of the proxies\' addresses or CIDR ranges (IPv4 or IPv6, e.g. 10.0.0.0/8, fd00::/8); never every address, which lets any client name its own address for the rate limits, found "*"\n',
    );
    expect(run.stdout).toBe('');
  });

  it('when the database or Redis URL is wrong, then the message does not repeat it (it may hold a password)', () => {
    expect(refusal({ DATABASE_URL: 'mysql://user:secret@host/db' })).not.toContain('secret');
    expect(refusal({ REDIS_URL: 'memcached://user:secret@host' })).not.toContain('secret');
  });

  it('when production is configured properly, then demo data is off', () => {
    expect(
      loadConfig({
        ...PRODUCTION_GATEWAYS,
        NODE_ENV: 'production',
        DEMO: 'false',
        PUBLIC_URL: 'https://dl.example.cn/',
        VAPID_SUBJECT: 'mailto:ops@dl.example.cn',
        TRUST_PROXY: '1',
      }),
    ).toMatchObject({
      demo: false,
      publicUrl: 'https://dl.example.cn',
    });
  });

  it('when VERIFIER_ORIGINS lists https origins, then they are kept in order, spaces trimmed; none by default', () => {
    expect(
      loadConfig({
        VERIFIER_ORIGINS: 'https://police.example.cn, https://checkpoint.example.cn:8443',
      }).verifierOrigins,
    ).toEqual(['https://police.example.cn', 'https://checkpoint.example.cn:8443']);
    expect(loadConfig({}).verifierOrigins).toEqual([]);
  });

  it('when VERIFIER_POLICE_ORG and VERIFIER_CERTIFICATE_VALID_DAYS are not set, then 公安交通管理部门 and 30 days; when set, their values', () => {
    expect(loadConfig({})).toMatchObject({
      verifierPoliceOrg: '公安交通管理部门',
      verifierCertificateValidDays: 30,
    });
    expect(
      loadConfig({
        VERIFIER_POLICE_ORG: ' 某市公安局交警支队 ',
        VERIFIER_CERTIFICATE_VALID_DAYS: '7',
      }),
    ).toMatchObject({ verifierPoliceOrg: '某市公安局交警支队', verifierCertificateValidDays: 7 });
    expect(refusal({ VERIFIER_POLICE_ORG: '长'.repeat(41) })).toContain(
      'VERIFIER_POLICE_ORG: expected 1-40 characters',
    );
    expect(refusal({ VERIFIER_POLICE_ORG: '交警\u0007' })).toContain(
      'VERIFIER_POLICE_ORG: expected 1-40 characters of text without control characters',
    );
    expect(refusal({ VERIFIER_CERTIFICATE_VALID_DAYS: '0' })).toContain(
      'VERIFIER_CERTIFICATE_VALID_DAYS: expected a whole number of days 1-366, found "0"',
    );
  });

  it('when PUSH_HOSTS is not set, then the browser push services; when set, exactly its hosts', () => {
    expect(loadConfig({}).pushHosts).toEqual([
      'fcm.googleapis.com',
      'updates.push.services.mozilla.com',
      '*.push.services.mozilla.com',
      '*.push.apple.com',
      '*.notify.windows.com',
    ]);
    expect(loadConfig({ PUSH_HOSTS: 'push.example.cn, *.push.example.cn' }).pushHosts).toEqual([
      'push.example.cn',
      '*.push.example.cn',
    ]);
  });
});
