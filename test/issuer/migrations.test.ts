/**
 * Migrations on both engines: an index an operator built beforehand (CREATE INDEX CONCURRENTLY
 * on a large PostgreSQL database, OPERATIONS.md §1) does not make its migration fail; a slot a
 * take-over left half-open is ended.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { migrate } from '../../issuer/db/migrate.js';
import { createJwkSigner, generateKeyPair } from '../../shared/node/keys.js';
import { readCertificatePayload } from '../../shared/request/certificate.js';
import { STATUS } from '../../shared/status-list.js';
import { nodeBackend } from '../../verifier/backends/node.js';
import { verifierTokenHash } from '../../issuer/verifier-devices/register-verifier-device.js';
import {
  addDevice,
  insertStaff,
  issue,
  newDriver,
  presentAndVerify,
  syntheticLicence,
} from './fixtures.js';
import { ENGINES } from './harness.js';
import { useService } from './use-service.js';

describe.each(ENGINES)('migrations on %s', (engine) => {
  const service = useService(engine);

  it('when the indexes of 005 exist before it runs, then it runs and records itself', async () => {
    const { kysely } = service().deps.db;
    // As before the upgrade, with the indexes already built by hand. The migrations after 005
    // run again too (Kysely runs them in order only): each of them may.
    const { rows: after } = await sql<{ name: string }>`
      select name from kysely_migration where name >= '005' order by name`.execute(kysely);
    await sql`delete from kysely_migration where name >= '005'`.execute(kysely);
    await migrate(service().deps.db);
    const { rows } = await sql<{ name: string }>`
      select name from kysely_migration where name >= '005' order by name`.execute(kysely);
    expect(rows.map((r) => r.name)).toEqual(after.map((r) => r.name));
    expect(rows[0]?.name).toBe('005-lookup-indexes');
  });
});

describe.each(ENGINES)('migration 006 on %s', (engine) => {
  const service = useService(engine, { env: { CREDENTIAL_REFRESH_AFTER: '0' } });

  it('when a take-over left a refreshed credential in an ended slot and a restore wrote VALID there, then 006 ends the slot: superseded, entry 3', async () => {
    const { kysely } = service().deps.db;
    const driver = await newDriver(service(), syntheticLicence(engine === 'sqlite' ? 1 : 2));
    const phoneA = await addDevice(driver);
    const phoneB = await addDevice(driver);
    const first = await issue(driver, phoneA);
    service().advance(1);
    const second = await issue(driver, phoneA);
    service().advance(1);
    const taken = await issue(driver, phoneB);
    // What the take-over and a later restore left before 006: the first credential still
    // `refreshed`, the old slot's entry VALID again.
    await kysely
      .updateTable('credentials')
      .set({ state: 'refreshed' })
      .where('jti', '=', first.jti)
      .execute();
    await service().deps.statusLists.set(kysely, [
      { listId: first.listId, index: first.index, value: STATUS.VALID },
    ]);
    expect((await presentAndVerify(service().url, service().now(), second, phoneA)).valid).toBe(
      true,
    );

    // The steps after 006 run again too (each may: 007 finds itself done).
    await sql`delete from kysely_migration where name >= '006'`.execute(kysely);
    await migrate(service().deps.db);

    const states = await kysely
      .selectFrom('credentials')
      .select(['jti', 'state'])
      .where('licence_number', '=', driver.licence.licenceNumber)
      .execute();
    expect(Object.fromEntries(states.map((r) => [r.jti, r.state]))).toEqual({
      [first.jti]: 'superseded',
      [second.jti]: 'superseded',
      [taken.jti]: 'live',
    });
    const old = await presentAndVerify(service().url, service().now(), second, phoneA);
    expect(old.code).toBe('ERR_SUPERSEDED');
    const current = await presentAndVerify(service().url, service().now(), taken, phoneB);
    expect(current.valid, current.message.en).toBe(true);
  });
});

describe.each(ENGINES)('migration 008 on %s', (engine) => {
  const service = useService(engine);

  it('when an account was locked in the columns before 008, then every name of it stays locked after, and the columns are gone', async () => {
    const { db } = service().deps;
    const { kysely } = db;
    const driver = await newDriver(service(), syntheticLicence(engine === 'sqlite' ? 3 : 4));
    const username = `locked.${engine}`;
    await insertStaff(db, service().now(), { username, role: 'reviewer' });
    const { phone } = await kysely
      .selectFrom('drivers')
      .select('phone')
      .where('id', '=', driver.driverId)
      .executeTakeFirstOrThrow();
    // As before 008: the counts in the account tables, a lock in force on both accounts.
    const lockedUntil = service().now() + 600;
    await sql`drop table sign_in_failures`.execute(kysely);
    for (const table of ['drivers', 'staff']) {
      await sql
        .raw(`alter table ${table} add column failed_sign_ins integer not null default 0`)
        .execute(kysely);
      await sql
        .raw(`alter table ${table} add column locked_until bigint not null default 0`)
        .execute(kysely);
      await sql
        .raw(
          `update ${table} set locked_until = ${lockedUntil} where id = ${table === 'drivers' ? driver.driverId : '(select max(id) from staff)'}`,
        )
        .execute(kysely);
    }
    // Another schema of the same database (another service's) already has the table: that says
    // nothing about this schema, which 008 must still bring up to date.
    const decoy = `decoy_${engine}_${Date.now()}`;
    if (engine === 'postgres') {
      await sql.raw(`create schema ${decoy}`).execute(kysely);
      await sql.raw(`create table ${decoy}.sign_in_failures (name_hash text)`).execute(kysely);
    }
    await sql`delete from kysely_migration where name >= '008'`.execute(kysely);
    try {
      await migrate(db);
    } finally {
      if (engine === 'postgres') await sql.raw(`drop schema ${decoy} cascade`).execute(kysely);
    }

    const client = service().client();
    for (const body of [
      { kind: 'driver', licenceNumber: driver.licence.licenceNumber },
      { kind: 'phone', phone },
      { kind: 'staff', username },
    ]) {
      const reply = await client.post<{ code: string; lockedUntil: number }>('/api/session', {
        ...body,
        password: 'any password at all',
      });
      expect([reply.status, reply.body.code, reply.body.lockedUntil]).toEqual([
        429,
        'ERR_SIGN_IN_LOCKED',
        lockedUntil,
      ]);
    }
    const { rows: columns } =
      engine === 'postgres'
        ? await sql<{ name: string }>`select column_name as name from information_schema.columns
            where table_schema = current_schema() and table_name in ('drivers', 'staff')`.execute(
            kysely,
          )
        : await sql<{ name: string }>`select name from pragma_table_info('drivers')
            union all select name from pragma_table_info('staff')`.execute(kysely);
    expect(columns.map((c) => c.name)).toContain('password_hash');
    expect(
      columns.filter((c) => c.name === 'failed_sign_ins' || c.name === 'locked_until'),
    ).toEqual([]);
  });
});

describe.each(ENGINES)('migration 009 on %s', (engine) => {
  const service = useService(engine);

  it("when credentials were issued before 009 (version 1, no holder's copy), then 009 adds the column empty, and the driver's next request gets a version 2 credential with its copy", async () => {
    const { db } = service().deps;
    const { kysely } = db;
    const driver = await newDriver(service(), syntheticLicence(engine === 'sqlite' ? 5 : 6));
    const phone = await addDevice(driver);
    const before = await issue(driver, phone);
    // As before 009: no column (its credential stands for a version 1 one).
    await sql`alter table credentials drop column holder_copy`.execute(kysely);
    await sql`delete from kysely_migration where name >= '009'`.execute(kysely);
    await migrate(db);

    const rows = await kysely
      .selectFrom('credentials')
      .select(['jti', 'holder_copy'])
      .where('licence_number', '=', driver.licence.licenceNumber)
      .execute();
    expect(rows).toEqual([{ jti: before.jti, holder_copy: null }]);
    const none = await driver.http.get<{ code: string }>('/api/me/credential');
    expect([none.status, none.body.code]).toEqual([404, 'ERR_NOT_FOUND']);
    service().advance(1);
    const after = await issue(driver, phone);
    expect([after.listId, after.index]).toEqual([before.listId, before.index]);
    const report = await presentAndVerify(service().url, service().now(), after, phone);
    expect(report.valid, report.message.en).toBe(true);
    expect(report.disclosure?.version).toBe(2);
  });
});

describe.each(ENGINES)('migration 010 on %s', (engine) => {
  const service = useService(engine);

  it('when a police device was registered before 010, then after it the device is a police device of the configured authority with every group, and enrols for a certificate on a new status entry', async () => {
    const { db } = service().deps;
    const { kysely } = db;
    const staffId = await insertStaff(db, service().now(), {
      username: `admin.010.${engine}`,
      role: 'admin',
    });
    const token = randomBytes(32).toString('base64url');
    // As 004 made the row: no organisation, role or status entry.
    await sql`insert into verifier_devices (name, token_hash, created_by, created_at, revoked_at)
      values ('Old handset', ${verifierTokenHash(token)}, ${staffId}, ${service().now()}, null)`.execute(
      kysely,
    );
    // The steps from 010 on run again too: 010 finds itself done.
    await sql`delete from kysely_migration where name >= '010'`.execute(kysely);
    await migrate(db);

    const row = await kysely
      .selectFrom('verifier_devices')
      .select(['org', 'role', 'may', 'status_list_id', 'status_index'])
      .where('name', '=', 'Old handset')
      .executeTakeFirstOrThrow();
    expect(row).toEqual({
      org: null,
      role: 'police',
      may: null,
      status_list_id: null,
      status_index: null,
    });
    const key = createJwkSigner(generateKeyPair().privateJwk);
    const reply = await fetch(new URL('/api/verifier/certificate', service().url), {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ publicKey: key.publicJwk.x }),
    });
    expect(reply.status).toBe(200);
    const { certificate } = (await reply.json()) as { certificate: string };
    const claims = readCertificatePayload(
      Buffer.from(certificate.split('.')[1] ?? '', 'base64url'),
      nodeBackend,
    );
    expect(claims).toMatchObject({
      org: '公安交通管理部门',
      role: 'police',
      may: [0, 1, 2, 3, 4, 5],
      holderKey: key.publicJwk.x,
      status: { idx: 0, uri: 'https://issuer.test/status/verifiers/1' },
    });
  });
});
