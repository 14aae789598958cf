import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../issuer/config.js';

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
      publicUrl: 'http://localhost:8080',
      credentialValidDays: 30,
      credentialRefreshAfter: 86_400,
    });
    expect(config.dataDir).toMatch(/\/data$/);
    expect(config.databaseUrl).toBeUndefined();
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT: expected'],
    [{ PORT: '70000' }, 'PORT: expected'],
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
    [{ CREDENTIAL_VALID_DAYS: '0' }, 'CREDENTIAL_VALID_DAYS: expected'],
    [{ CREDENTIAL_REFRESH_AFTER: '-1' }, 'CREDENTIAL_REFRESH_AFTER: expected'],
    [{ NODE_ENV: 'staging' }, 'NODE_ENV: expected'],
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

  it('when the database or Redis URL is wrong, then the message does not repeat it (it may hold a password)', () => {
    expect(refusal({ DATABASE_URL: 'mysql://user:secret@host/db' })).not.toContain('secret');
    expect(refusal({ REDIS_URL: 'memcached://user:secret@host' })).not.toContain('secret');
  });

  it('when production is configured properly, then demo data is off', () => {
    expect(
      loadConfig({
        NODE_ENV: 'production',
        DEMO: 'false',
        PUBLIC_URL: 'https://dl.example.cn/',
        VAPID_SUBJECT: 'mailto:ops@dl.example.cn',
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
