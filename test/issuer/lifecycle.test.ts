/**
 * The licence lifecycle over real HTTP on both engines: every transition of the table, allowed
 * and illegal; the status list entries of a licence's e-licences, read back from the signed list
 * at GET /status/1 with the verifier's own code; the audit trail; and an import that changes a
 * status doing exactly what the route does.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  isAllowed,
  LICENCE_ACTIONS,
  STATUS_CODES,
  TRANSITIONS,
  type LicenceAction,
} from '../../issuer/lifecycle/transitions.js';
import { type LicenceStatusCode } from '../../shared/licence/codes.js';
import { idNumberCheckCharacter } from '../../shared/licence/id-number.js';
import { type LicenceRecord } from '../../shared/licence/record.js';
import { parseLicenceRecord } from '../../shared/licence/validate.js';
import { readStatus, STATUS } from '../../shared/status-list.js';
import { nodeBackend } from '../../verifier/backends/node.js';
import { createTrustStore } from '../../verifier/trust-store.js';
import { verifyStatusList } from '../../verifier/verify-status-list.js';
import { newStaff, uniquePhone, type StaffClient } from './fixtures.js';
import { ENGINES, startService, type TestService } from './harness.js';

// --- Helpers --------------------------------------------------------------------------------

/** A valid record of a fictional person, number `n` (0–8999), for this file's region 130102. */
function makeRecord(n: number, over: Partial<LicenceRecord> = {}): LicenceRecord {
  const day = String(1 + Math.floor(n / 1000)).padStart(2, '0');
  const seq = String(n % 1000).padStart(3, '0');
  const first17 = `130102198502${day}${seq}`;
  return parseLicenceRecord({
    licenceNumber: `${first17}${idNumberCheckCharacter(first17)}`,
    name: '测试员',
    sex: Number(seq.charAt(2)) % 2 === 1 ? 'M' : 'F',
    nationality: 'CHN',
    address: '河北省石家庄市长安区测试路2号',
    birthDate: `1985-02-${day}`,
    firstIssueDate: '2005-01-01',
    classes: ['C1', 'D'],
    validFrom: '2021-01-01',
    validTo: '2031-01-01',
    issuingAuthority: '河北省石家庄市公安局交通警察支队',
    fileNumber: `130100${String(n).padStart(6, '0')}`,
    status: 'A',
    points: 0,
    ...over,
  });
}

const COLUMNS = Object.keys(makeRecord(0)) as (keyof LicenceRecord)[];

/** Records as CSV (the import's compact format: a file of 150 records stays small). */
function toCsv(records: readonly LicenceRecord[]): string {
  const cell = (v: unknown) =>
    `"${(Array.isArray(v) ? v.join(' ') : String(v)).replace(/"/g, '""')}"`;
  return `${[COLUMNS.join(','), ...records.map((r) => COLUMNS.map((c) => cell(r[c])).join(','))].join('\n')}\n`;
}

interface Problem {
  code: string;
  detail: string;
  from?: string;
  action?: string;
  errors?: { line: number; field: string; expected: string; found: string }[];
}
interface Changed {
  licence: LicenceRecord;
  version: number;
}
interface AuditEntry {
  action: string;
  actor: string;
  before: { version: number; record: LicenceRecord } | null;
  after: { version: number; record: LicenceRecord; reason?: string };
}

/** Inserts a driver, a device and `count` credentials of one slot (the last live). */
async function giveCredentials(
  service: TestService,
  licenceNumber: string,
): Promise<{ listId: number; index: number }> {
  const db = service.deps.db.kysely;
  const now = service.now();
  return db.transaction().execute(async (trx) => {
    const driver = await trx
      .insertInto('drivers')
      .values({
        licence_number: licenceNumber,
        phone: uniquePhone(),
        password_hash: 'x',
        created_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const device = await trx
      .insertInto('devices')
      .values({
        driver_id: driver.id,
        public_key: randomBytes(32).toString('base64url'),
        created_at: now,
        revoked_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const slot = await service.deps.statusLists.allocate(trx);
    for (const state of ['refreshed', 'live'] as const)
      await trx
        .insertInto('credentials')
        .values({
          jti: randomBytes(16).toString('base64url'),
          licence_number: licenceNumber,
          device_id: device.id,
          list_id: slot.listId,
          status_index: slot.index,
          kid: service.deps.keys.current().kid,
          issued_at: state === 'live' ? now : now - 60,
          expires_at: now + 86_400,
          state,
          idempotency_key: null,
          credential: `dummy.${state}.credential`,
        })
        .execute();
    return slot;
  });
}

// --- The table, as the brief states it ------------------------------------------------------

/** Statuses each action starts from (GA/T 16.25 letters), written out independently of the code. */
const SPEC_FROM: Readonly<Record<LicenceAction, string>> = {
  suspend: 'A B M',
  revoke: 'A B D M',
  cancel: 'A B C D E H I J K L M N P R S T U Z',
  restore: 'B D',
  points: 'A B C D E H I J K L M N P R S T U Z',
  renew: 'A M',
  replace: 'A',
};

/** One case of the table: a licence in `status` with `points`, and `action` on it. */
interface Case {
  readonly action: LicenceAction;
  readonly status: LicenceStatusCode;
  readonly points: number;
}

const CASES: readonly Case[] = LICENCE_ACTIONS.flatMap((action) =>
  STATUS_CODES.flatMap((status) =>
    // B and D with 12 points and with fewer: restore depends on it.
    (status === 'B' || status === 'D' ? [12, 5] : [0]).map((points) => ({
      action,
      status,
      points,
    })),
  ),
);

function bodyOf(c: Case): Record<string, unknown> {
  if (c.action === 'points') return { points: c.points >= 12 ? 5 : 12 };
  if (c.action === 'renew') return { validFrom: '2026-01-01', validTo: '2036-01-01' };
  return { reason: `table case ${c.action} from ${c.status}` };
}

/** The status the brief says `c` ends in. */
function expectedStatus(c: Case): LicenceStatusCode {
  switch (c.action) {
    case 'suspend':
      return 'D';
    case 'revoke':
      return 'F';
    case 'cancel':
      return 'G';
    case 'restore':
      return c.points >= 12 ? 'B' : 'A';
    case 'points': {
      const points = c.points >= 12 ? 5 : 12;
      if (c.status === 'A' && points === 12) return 'B';
      if (c.status === 'B' && points < 12) return 'A';
      return c.status;
    }
    case 'renew':
    case 'replace':
      return 'A';
  }
}

// --- Tests ----------------------------------------------------------------------------------

describe('the transition table', () => {
  it('when read, then each action starts from exactly the statuses the brief gives', () => {
    for (const action of LICENCE_ACTIONS)
      expect([...TRANSITIONS[action].from].sort(), action).toEqual(SPEC_FROM[action].split(' '));
  });

  it('when restoring from B, then only with fewer than 12 points', () => {
    expect(isAllowed('restore', 'B', 12)).toBe(false);
    expect(isAllowed('restore', 'B', 11)).toBe(true);
    expect(isAllowed('restore', 'D', 12)).toBe(true);
  });
});

describe.each(ENGINES)('the lifecycle on %s', (engine) => {
  let service: TestService;
  let admin: StaffClient;
  let reviewer: StaffClient;
  /** Case i is licence makeRecord(i); the rest start at 500. */
  const caseRecords = CASES.map((c, i) => makeRecord(i, { status: c.status, points: c.points }));

  /** The status of `index` in list 1, read from the signed list as a verifier would. */
  async function listEntry(index: number): Promise<number> {
    const jwks = await service.client().get('/.well-known/jwks.json');
    const token = await service.client().get('/status/1');
    expect(token.status).toBe(200);
    expect(token.headers.get('content-type')).toContain('application/statuslist+jwt');
    const list = verifyStatusList(token.text, createTrustStore([jwks.body], nodeBackend));
    expect(list.uri).toBe(service.deps.statusLists.uri(1));
    return readStatus(list.list, list.bits, index);
  }

  async function states(licenceNumber: string): Promise<string[]> {
    const view = await admin.get<{ credentials: { state: string }[] }>(
      `/api/registry/licences/${licenceNumber}`,
    );
    return view.body.credentials.map((c) => c.state);
  }

  beforeAll(async () => {
    service = await startService(engine);
    admin = await newStaff(service, 'admin');
    reviewer = await newStaff(service, 'reviewer');
    const extra = Array.from({ length: 10 }, (_, i) => makeRecord(500 + i));
    const reply = await admin.post('/api/registry/import', toCsv([...caseRecords, ...extra]), {
      'content-type': 'text/csv',
    });
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ inserted: caseRecords.length + 10, updated: 0, unchanged: 0 });
  });
  afterAll(async () => {
    await service.close();
  });

  it(`when each of the ${CASES.length} (action, status) pairs is tried, then the allowed ones are 200 with the new status and the rest 409 ERR_ILLEGAL_TRANSITION`, async () => {
    let allowed = 0;
    for (const [i, c] of CASES.entries()) {
      const record = caseRecords[i] as LicenceRecord;
      const reply = await admin.post<Changed & Problem>(
        `/api/registry/licences/${record.licenceNumber}/${c.action}`,
        bodyOf(c),
      );
      const name = `${c.action} from ${c.status} with ${c.points} points`;
      const spec =
        SPEC_FROM[c.action].split(' ').includes(c.status) &&
        !(c.action === 'restore' && c.status === 'B' && c.points >= 12);
      expect(isAllowed(c.action, c.status, c.points), name).toBe(spec);
      if (spec) {
        allowed++;
        expect(reply.status, `${name}: ${reply.text}`).toBe(200);
        expect(reply.body.licence.status, name).toBe(expectedStatus(c));
        expect(reply.body.version, name).toBe(2);
      } else {
        expect(reply.status, name).toBe(409);
        expect(reply.body.code, name).toBe('ERR_ILLEGAL_TRANSITION');
        expect([reply.body.from, reply.body.action], name).toEqual([c.status, c.action]);
        expect(reply.body.detail, name).toContain(`from status ${c.status}`);
        expect(reply.body.detail).not.toContain(record.licenceNumber);
      }
    }
    expect(allowed).toBeGreaterThan(30);
  });

  it('when the licence, the body or the role is wrong, then 404, 400, 422, 403', async () => {
    const unknown = await admin.post<Problem>(
      `/api/registry/licences/${makeRecord(999).licenceNumber}/suspend`,
      {},
    );
    expect([unknown.status, unknown.body.code]).toEqual([404, 'ERR_NOT_FOUND']);
    const target = makeRecord(500).licenceNumber;
    const wrongBody = await admin.post<Problem>(`/api/registry/licences/${target}/points`, {
      points: '3',
    });
    expect([wrongBody.status, wrongBody.body.code]).toEqual([422, 'ERR_VALIDATION']);
    const extraField = await admin.post<Problem>(`/api/registry/licences/${target}/suspend`, {
      status: 'A',
    });
    expect([extraField.status, extraField.body.code]).toEqual([422, 'ERR_VALIDATION']);
    const tooMany = await admin.post<Problem>(`/api/registry/licences/${target}/points`, {
      points: 13,
    });
    expect([tooMany.status, tooMany.body.code]).toEqual([422, 'ERR_LICENCE_INVALID']);
    const backwards = await admin.post<Problem>(`/api/registry/licences/${target}/renew`, {
      validFrom: '2021-01-01',
      validTo: '2020-06-01',
    });
    expect([backwards.status, backwards.body.code]).toEqual([422, 'ERR_LICENCE_INVALID']);
    const expired = await admin.post<Problem>(`/api/registry/licences/${target}/renew`, {
      validFrom: '2021-01-01',
      validTo: '2022-01-01',
    });
    expect([expired.status, expired.body.code]).toEqual([422, 'ERR_LICENCE_INVALID']);
    const asReviewer = await reviewer.post<Problem>(`/api/registry/licences/${target}/suspend`, {});
    expect([asReviewer.status, asReviewer.body.code]).toEqual([403, 'ERR_FORBIDDEN']);
    const auditAsReviewer = await reviewer.get<Problem>(`/api/audit?subject=${target}`);
    expect(auditAsReviewer.status).toBe(403);
    const view = await admin.get<{ version: number }>(`/api/registry/licences/${target}`);
    expect(view.body.version).toBe(1);
  });

  it('when a licence with e-licences is suspended, restored and revoked, then its list entry goes 2, 0, 1 and the audit holds each change in order', async () => {
    const number = makeRecord(501).licenceNumber;
    const slot = await giveCredentials(service, number);
    const bystander = await giveCredentials(service, makeRecord(502).licenceNumber);
    expect(slot.listId).toBe(1);
    expect(await listEntry(slot.index)).toBe(STATUS.VALID);

    const suspend = await admin.post<Changed>(`/api/registry/licences/${number}/suspend`, {
      reason: 'seized at roadside check',
    });
    expect([suspend.status, suspend.body.licence.status, suspend.body.version]).toEqual([
      200,
      'D',
      2,
    ]);
    expect(await listEntry(slot.index)).toBe(STATUS.SUSPENDED);
    expect(await states(number)).toEqual(['refreshed', 'live']);

    const restore = await admin.post<Changed>(`/api/registry/licences/${number}/restore`);
    expect([restore.status, restore.body.licence.status]).toEqual([200, 'A']);
    expect(await listEntry(slot.index)).toBe(STATUS.VALID);

    const points = await admin.post<Changed>(`/api/registry/licences/${number}/points`, {
      points: 12,
    });
    expect([points.status, points.body.licence.status]).toEqual([200, 'B']);
    expect(await listEntry(slot.index)).toBe(STATUS.SUSPENDED);

    const revoke = await admin.post<Changed>(`/api/registry/licences/${number}/revoke`, {});
    expect([revoke.status, revoke.body.licence.status, revoke.body.version]).toEqual([200, 'F', 5]);
    expect(await listEntry(slot.index)).toBe(STATUS.INVALID);
    expect(await states(number)).toEqual(['revoked', 'revoked']);
    expect(await listEntry(bystander.index)).toBe(STATUS.VALID);

    const again = await admin.post<Problem>(`/api/registry/licences/${number}/restore`, {});
    expect([again.status, again.body.code]).toEqual([409, 'ERR_ILLEGAL_TRANSITION']);

    const audit = await admin.get<{ entries: AuditEntry[] }>(`/api/audit?subject=${number}`);
    expect(audit.status).toBe(200);
    const steps = audit.body.entries.map((e) => [
      e.action,
      e.before?.version,
      e.before?.record.status,
      e.after.version,
      e.after.record.status,
      e.after.record.points,
    ]);
    expect(steps).toEqual([
      ['registry.import.insert', undefined, undefined, 1, 'A', 0],
      ['licence.suspend', 1, 'A', 2, 'D', 0],
      ['licence.restore', 2, 'D', 3, 'A', 0],
      ['licence.points', 3, 'A', 4, 'B', 12],
      ['licence.revoke', 4, 'B', 5, 'F', 12],
    ]);
    expect(audit.body.entries[1]?.after.reason).toBe('seized at roadside check');
    expect(audit.body.entries.every((e) => e.actor === `staff:${admin.id}`)).toBe(true);
    const page = await admin.get<{ entries: AuditEntry[] }>(`/api/audit?subject=${number}&limit=2`);
    expect(page.body.entries.map((e) => e.action)).toEqual([
      'registry.import.insert',
      'licence.suspend',
    ]);
  });

  it('when a licence is renewed or its paper licence replaced, then its entry is 3 and its e-licences superseded', async () => {
    for (const [n, action, body] of [
      [503, 'renew', { validFrom: '2026-01-01', validTo: 'long-term' }],
      [504, 'replace', { reason: 'paper licence lost' }],
    ] as const) {
      const number = makeRecord(n).licenceNumber;
      const slot = await giveCredentials(service, number);
      const reply = await admin.post<Changed>(`/api/registry/licences/${number}/${action}`, body);
      expect([reply.status, reply.body.licence.status]).toEqual([200, 'A']);
      if (action === 'renew') expect(reply.body.licence.validTo).toBe('long-term');
      else expect(reply.body.licence).toEqual(makeRecord(n));
      expect(await listEntry(slot.index)).toBe(STATUS.SUPERSEDED);
      expect(await states(number)).toEqual(['superseded', 'superseded']);
      // Later changes leave a superseded index alone: the next issuance takes a new one.
      await admin.post(`/api/registry/licences/${number}/suspend`, {});
      expect(await listEntry(slot.index)).toBe(STATUS.SUPERSEDED);
    }
  });

  it('when a re-imported file turns A into D, then the effect is the same as POST suspend', async () => {
    const byRoute = makeRecord(505);
    const byImport = makeRecord(506);
    const routeSlot = await giveCredentials(service, byRoute.licenceNumber);
    const importSlot = await giveCredentials(service, byImport.licenceNumber);

    const suspend = await admin.post<Changed>(
      `/api/registry/licences/${byRoute.licenceNumber}/suspend`,
      {},
    );
    expect(suspend.status).toBe(200);
    const imported = await admin.post('/api/registry/import', {
      licences: [{ ...byImport, status: 'D' }, makeRecord(507)],
    });
    expect(imported.status).toBe(200);
    expect(imported.body).toEqual({ inserted: 0, updated: 1, unchanged: 1 });

    expect(await listEntry(importSlot.index)).toBe(STATUS.SUSPENDED);
    expect(await listEntry(routeSlot.index)).toBe(STATUS.SUSPENDED);
    expect(await states(byImport.licenceNumber)).toEqual(await states(byRoute.licenceNumber));
    const views = await Promise.all(
      [byRoute, byImport].map((r) =>
        admin.get<{ licence: LicenceRecord; version: number }>(
          `/api/registry/licences/${r.licenceNumber}`,
        ),
      ),
    );
    expect(views.map((v) => [v.body.licence.status, v.body.version])).toEqual([
      ['D', 2],
      ['D', 2],
    ]);

    const audit = await admin.get<{ entries: AuditEntry[] }>(
      `/api/audit?subject=${byImport.licenceNumber}`,
    );
    expect(audit.body.entries.map((e) => e.action)).toEqual([
      'registry.import.insert',
      'licence.suspend',
      'registry.import.update',
    ]);
    const [, lifecycle, update] = audit.body.entries;
    expect(lifecycle?.before).toEqual({ version: 1, record: byImport });
    expect(lifecycle?.after).toEqual({
      version: 2,
      record: { ...byImport, status: 'D' },
      reason: 'registry import',
    });
    expect(update?.before).toEqual({ version: 1, record: byImport });
    expect(update?.after).toEqual({ version: 2, record: { ...byImport, status: 'D' } });
  });

  it('when a re-imported file asks for a change the lifecycle forbids, then 422 names the row and nothing is applied', async () => {
    const revoked = makeRecord(508);
    await admin.post(`/api/registry/licences/${revoked.licenceNumber}/revoke`, {});
    const renamed = makeRecord(509);
    const reply = await admin.post<Problem>('/api/registry/import', [
      { ...renamed, address: '河北省石家庄市新华区测试路9号', points: 12, status: 'B' },
      { ...revoked, status: 'A' },
      { ...makeRecord(500), status: 'M' },
    ]);
    expect(reply.status).toBe(422);
    expect(reply.body.code).toBe('ERR_IMPORT_INVALID');
    expect(reply.body.errors?.map((e) => [e.line, e.field])).toEqual([
      [2, 'status'],
      [3, 'status'],
    ]);
    expect(reply.text).not.toContain(revoked.licenceNumber);
    // The valid first row was not applied either.
    const view = await admin.get<{ licence: LicenceRecord; version: number }>(
      `/api/registry/licences/${renamed.licenceNumber}`,
    );
    expect([view.body.licence, view.body.version]).toEqual([renamed, 1]);

    const fine = await admin.post('/api/registry/import', [
      { ...renamed, address: '河北省石家庄市新华区测试路9号', points: 12, status: 'B' },
    ]);
    expect(fine.body).toEqual({ inserted: 0, updated: 1, unchanged: 0 });
    const audit = await admin.get<{ entries: AuditEntry[] }>(
      `/api/audit?subject=${renamed.licenceNumber}`,
    );
    expect(audit.body.entries.map((e) => [e.action, e.after.record.status])).toEqual([
      ['registry.import.insert', 'A'],
      ['licence.amend', 'A'],
      ['licence.points', 'B'],
      ['registry.import.update', 'B'],
    ]);
  });
});
