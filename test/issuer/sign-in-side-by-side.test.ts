/*
 * Sign-in tries sent side by side: at most five passwords are compared in a row for one sign-in
 * name, however many tries come at once. Each try is counted before its password is compared
 * (sign-in-failures.ts, takeTry); before, every try read the lock, found none, and was compared,
 * so the right password among twenty guesses sent together signed in. The comparisons are
 * counted on the service's own verifyPassword.
 */
import { describe, expect, it, vi } from 'vitest';
import { verifyPassword } from '../../issuer/accounts/password.js';
import { MAX_FAILED_SIGN_INS } from '../../issuer/accounts/sign-in-failures.js';
import { newDriver, syntheticLicence } from './fixtures.js';
import { ENGINES, openEveryConnection } from './harness.js';
import { useService } from './use-service.js';

vi.mock('../../issuer/accounts/password.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../issuer/accounts/password.js')>();
  return { ...original, verifyPassword: vi.fn(original.verifyPassword) };
});

describe.each(ENGINES)('sign-in tries side by side on %s', (engine) => {
  // The per-address limit (10 a minute) would stop the tries before the lock does.
  const service = useService(engine, { env: { SIGN_IN_ATTEMPTS_PER_MINUTE: '1000' } });

  it('when twenty wrong passwords come at once, then five are compared: four 401 ERR_SIGN_IN_FAILED, sixteen 429 ERR_SIGN_IN_LOCKED, and one lock audited', async () => {
    const driver = await newDriver(service(), syntheticLicence(9501));
    await openEveryConnection(service());
    const compared = vi.mocked(verifyPassword);
    compared.mockClear();
    const tries = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        service()
          .client()
          .post<{ code: string }>('/api/session', {
            kind: 'driver',
            licenceNumber: driver.licence.licenceNumber,
            password: `a wrong password ${i}`,
          }),
      ),
    );
    const answers = tries.map((t) => `${t.status} ${t.body.code}`);
    expect(compared).toHaveBeenCalledTimes(MAX_FAILED_SIGN_INS);
    expect(answers.filter((a) => a === '401 ERR_SIGN_IN_FAILED')).toHaveLength(
      MAX_FAILED_SIGN_INS - 1,
    );
    expect(answers.filter((a) => a === '429 ERR_SIGN_IN_LOCKED')).toHaveLength(
      20 - MAX_FAILED_SIGN_INS + 1,
    );
    const locks = await service()
      .deps.db.kysely.selectFrom('audit_log')
      .select('action')
      .where('action', '=', 'account.locked')
      .where('subject', '=', `driver:${driver.driverId}`)
      .execute();
    expect(locks).toHaveLength(1);
  });
});
