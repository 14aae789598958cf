/**
 * An admin manages other members of staff over real HTTP, on SQLite and PostgreSQL: disable
 * (sessions end, sign-in answers as for an unknown name) and enable, another role (sessions
 * end), a new generated password (shown once, sessions end, a lock forgotten); never on the
 * admin's own account; each audited. Each test makes its own accounts; the clock moves a minute
 * before each, so the per-address sign-in limit never counts across tests.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createStaff } from '../../issuer/accounts/staff.js';
import { Client, ENGINES, startService, type Reply, type TestService } from './harness.js';

interface Problem {
  code: string;
  triesLeft?: number;
  issues?: { field: string }[];
}

interface StaffState {
  id: number;
  role: string;
  disabledAt: number | null;
}

const WRONG = 'wrong horse battery';

function expectProblem(reply: Reply, status: number, code: string): void {
  expect({ status: reply.status, code: (reply.body as Problem).code }).toEqual({ status, code });
}

describe.each(ENGINES)('staff management on %s', (engine) => {
  let service: TestService;
  let admin: Client;
  let adminId: number;

  /** A new account of `role` made as the CLI would, with its generated password. */
  async function account(role: 'reviewer' | 'admin') {
    return createStaff(
      service.deps.db,
      { username: `${role}.${randomBytes(3).toString('hex')}`, role },
      service.now(),
    );
  }

  function signIn(client: Client, username: string, password: string) {
    return client.post<{ role: string } & Problem>('/api/session', {
      kind: 'staff',
      username,
      password,
    });
  }

  /** A client signed in as `who`. */
  async function signedIn(who: { username: string; password: string }): Promise<Client> {
    const client = service.client();
    expect((await signIn(client, who.username, who.password)).status).toBe(200);
    return client;
  }

  function auditOf(subject: string, action: string) {
    return service.deps.db.kysely
      .selectFrom('audit_log')
      .select(['actor', 'before', 'after', 'at'])
      .where('subject', '=', subject)
      .where('action', '=', action)
      .orderBy('id')
      .execute();
  }

  beforeAll(async () => {
    service = await startService(engine);
    const created = await account('admin');
    adminId = created.id;
    admin = await signedIn(created);
  });
  afterAll(async () => {
    await service.close();
  });
  beforeEach(() => {
    service.advance(61);
  });

  it('when an admin disables a reviewer, then 200 with disabledAt, its session ends, its right password answers as an unknown name does, the list says so, and it is audited once', async () => {
    const reviewer = await account('reviewer');
    const session = await signedIn(reviewer);
    const disabled = await admin.post<StaffState>(`/api/staff/${reviewer.id}/disable`);
    expect({ status: disabled.status, body: disabled.body }).toEqual({
      status: 200,
      body: { id: reviewer.id, role: 'reviewer', disabledAt: service.now() },
    });
    expectProblem(await session.get('/api/me'), 401, 'ERR_UNAUTHENTICATED');
    const refused = await signIn(service.client(), reviewer.username, reviewer.password);
    const unknown = await signIn(
      service.client(),
      `nobody.${randomBytes(3).toString('hex')}`,
      WRONG,
    );
    expect({ status: refused.status, body: refused.body }).toEqual({
      status: unknown.status,
      body: unknown.body,
    });
    expect(refused.body).toMatchObject({ code: 'ERR_SIGN_IN_FAILED', triesLeft: 4 });

    const listed = await admin.get<{ staff: Record<string, unknown>[] }>('/api/staff');
    expect(listed.body.staff.find((s) => s.id === reviewer.id)).toEqual({
      id: reviewer.id,
      username: reviewer.username,
      role: 'reviewer',
      createdAt: expect.any(Number) as number,
      lockedUntil: null,
      disabledAt: service.now(),
    });

    // Again, a minute later: nothing changes, and nothing more is audited.
    const at = service.now();
    service.advance(60);
    const again = await admin.post<StaffState>(`/api/staff/${reviewer.id}/disable`);
    expect(again.body).toEqual({ id: reviewer.id, role: 'reviewer', disabledAt: at });
    const entries = await auditOf(`staff:${reviewer.id}`, 'staff.disable');
    expect(entries).toEqual([
      {
        actor: `staff:${adminId}`,
        before: JSON.stringify({ disabledAt: null }),
        after: JSON.stringify({ disabledAt: at }),
        at,
      },
    ]);

    const enabled = await admin.post<StaffState>(`/api/staff/${reviewer.id}/enable`, {});
    expect(enabled.body).toEqual({ id: reviewer.id, role: 'reviewer', disabledAt: null });
    expect((await auditOf(`staff:${reviewer.id}`, 'staff.enable')).map((e) => e.after)).toEqual([
      JSON.stringify({ disabledAt: null }),
    ]);
    const back = await signIn(service.client(), reviewer.username, reviewer.password);
    expect({ status: back.status, role: back.body.role }).toEqual({
      status: 200,
      role: 'reviewer',
    });
  });

  it('when an admin gives a reviewer the admin role, then 200, its session ends (it carried the old role), the next sign-in is an admin, audited with both roles; a role of another name is 422 ERR_VALIDATION', async () => {
    const reviewer = await account('reviewer');
    const session = await signedIn(reviewer);
    const changed = await admin.post<StaffState>(`/api/staff/${reviewer.id}/role`, {
      role: 'admin',
    });
    expect({ status: changed.status, body: changed.body }).toEqual({
      status: 200,
      body: { id: reviewer.id, role: 'admin', disabledAt: null },
    });
    expectProblem(await session.get('/api/me'), 401, 'ERR_UNAUTHENTICATED');
    const promoted = await signIn(service.client(), reviewer.username, reviewer.password);
    expect(promoted.body.role).toBe('admin');
    expect(await auditOf(`staff:${reviewer.id}`, 'staff.role')).toEqual([
      {
        actor: `staff:${adminId}`,
        before: JSON.stringify({ role: 'reviewer' }),
        after: JSON.stringify({ role: 'admin' }),
        at: service.now(),
      },
    ]);

    const wrong = await admin.post<Problem>(`/api/staff/${reviewer.id}/role`, { role: 'boss' });
    expectProblem(wrong, 422, 'ERR_VALIDATION');
    expect(wrong.body.issues?.map((i) => i.field)).toEqual(['role']);
    expectProblem(await admin.post(`/api/staff/${reviewer.id}/role`, {}), 422, 'ERR_VALIDATION');
  });

  it('when an admin resets a locked reviewer’s password, then 200 no-store with a new password shown once; the old one fails, the lock is gone, its session ended, audited without the password', async () => {
    const reviewer = await account('reviewer');
    const session = await signedIn(reviewer);
    const client = service.client();
    for (let i = 0; i < 5; i++) await signIn(client, reviewer.username, WRONG);
    expectProblem(
      await signIn(client, reviewer.username, reviewer.password),
      429,
      'ERR_SIGN_IN_LOCKED',
    );

    const reset = await admin.post<{ id: number; username: string; password: string }>(
      `/api/staff/${reviewer.id}/password`,
    );
    expect(reset.status).toBe(200);
    expect(reset.headers.get('cache-control')).toBe('no-store');
    expect(reset.body).toEqual({
      id: reviewer.id,
      username: reviewer.username,
      password: expect.stringMatching(/^[\w-]{24}$/) as string,
    });
    expect(reset.body.password).not.toBe(reviewer.password);
    expectProblem(await session.get('/api/me'), 401, 'ERR_UNAUTHENTICATED');

    service.advance(61);
    expectProblem(
      await signIn(service.client(), reviewer.username, reviewer.password),
      401,
      'ERR_SIGN_IN_FAILED',
    );
    const fresh = await signIn(service.client(), reviewer.username, reset.body.password);
    expect(fresh.status).toBe(200);
    const entries = await auditOf(`staff:${reviewer.id}`, 'staff.password_reset');
    expect(entries).toEqual([
      { actor: `staff:${adminId}`, before: null, after: null, at: expect.any(Number) as number },
    ]);
  });

  it('when an admin disables, demotes or resets their own account, then 409 ERR_OWN_ACCOUNT and nothing changes; an unknown account is 404', async () => {
    expectProblem(await admin.post(`/api/staff/${adminId}/disable`), 409, 'ERR_OWN_ACCOUNT');
    expectProblem(
      await admin.post(`/api/staff/${adminId}/role`, { role: 'reviewer' }),
      409,
      'ERR_OWN_ACCOUNT',
    );
    expectProblem(await admin.post(`/api/staff/${adminId}/password`), 409, 'ERR_OWN_ACCOUNT');
    const me = await admin.get<{ role: string }>('/api/me');
    expect({ status: me.status, role: me.body.role }).toEqual({ status: 200, role: 'admin' });
    const row = await service.deps.db.kysely
      .selectFrom('staff')
      .select(['role', 'disabled_at'])
      .where('id', '=', adminId)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ role: 'admin', disabled_at: null });

    for (const action of ['disable', 'enable', 'password'])
      expectProblem(await admin.post(`/api/staff/999999/${action}`), 404, 'ERR_NOT_FOUND');
    expectProblem(
      await admin.post('/api/staff/999999/role', { role: 'admin' }),
      404,
      'ERR_NOT_FOUND',
    );
  });

  it('when an admin’s request comes without the session’s CSRF token, then 403 ERR_CSRF and the account is untouched', async () => {
    const target = await account('reviewer');
    for (const action of ['disable', 'password', 'role']) {
      const body = action === 'role' ? { role: 'admin' } : {};
      expectProblem(
        await admin.post(`/api/staff/${target.id}/${action}`, body, { 'x-csrf-token': 'x' }),
        403,
        'ERR_CSRF',
      );
    }
    const row = await service.deps.db.kysely
      .selectFrom('staff')
      .select(['role', 'disabled_at'])
      .where('id', '=', target.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ role: 'reviewer', disabled_at: null });
    expect((await signIn(service.client(), target.username, target.password)).status).toBe(200);
  });

  it('when a reviewer or an anonymous client calls them, then 403 ERR_FORBIDDEN and 401 ERR_UNAUTHENTICATED, and the account is untouched', async () => {
    const target = await account('reviewer');
    const reviewer = await signedIn(await account('reviewer'));
    for (const action of ['disable', 'enable', 'password', 'role']) {
      const body = action === 'role' ? { role: 'admin' } : {};
      expectProblem(
        await reviewer.post(`/api/staff/${target.id}/${action}`, body),
        403,
        'ERR_FORBIDDEN',
      );
      expectProblem(
        await service.client().post(`/api/staff/${target.id}/${action}`, body),
        401,
        'ERR_UNAUTHENTICATED',
      );
    }
    const row = await service.deps.db.kysely
      .selectFrom('staff')
      .select(['role', 'disabled_at'])
      .where('id', '=', target.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ role: 'reviewer', disabled_at: null });
  });
});
