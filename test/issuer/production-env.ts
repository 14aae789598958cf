/**
 * The external-service settings a production start needs besides its own (loadConfig refuses the
 * development adapters there). The endpoints are never called by the tests that use them.
 */
export const PRODUCTION_GATEWAYS = {
  IDENTITY_CHECK: 'http',
  IDENTITY_CHECK_URL: 'https://identity.provider.test/v1/verify',
  IDENTITY_CHECK_APP_ID: 'liangzheng-test',
  IDENTITY_CHECK_SECRET: 'a-test-secret-of-at-least-32-chars!!',
  SMS: 'http',
  SMS_URL: 'https://sms.provider.test/v1/send',
  SMS_APP_ID: 'liangzheng-test',
  SMS_SECRET: 'another-test-secret-of-32-chars-or-more',
} as const;
