/**
 * The registry import and the licence view, over real HTTP on both engines, and the
 * `liangzheng registry import` command as a child process against the same database.
 * Run `npm run build` first (the CLI tests spawn dist/bin/liangzheng.js).
 */
import { request } from 'node:http';
import { gzipSync } from 'node:zlib';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idNumberCheckCharacter } from '../../shared/licence/id-number.js';
import { type LicenceRecord } from '../../shared/licence/record.js';
import { parseLicenceRecord } from '../../shared/licence/validate.js';
import { createSession } from '../../issuer/http/session.js';
import { MAX_IMPORT_ROWS } from '../../issuer/registry/import-licences.js';
import { newStaff, type StaffClient } from './fixtures.js';
import { ENGINES, startService, type Reply, type TestService } from './harness.js';
import { CLI, runCli, type Run } from '../helpers/child-process.js';

const FIXTURE_TEXT = readFileSync(
  new URL('../fixtures/reference-licences.json', import.meta.url),
  'utf8',
);
const FIXTURE = JSON.parse(FIXTURE_TEXT) as {
  licences: unknown[];
  invalid: { why: string; record: Record<string, unknown> }[];
};
const REFERENCE: LicenceRecord[] = FIXTURE.licences.map((r) => parseLicenceRecord(r));
/** The field each `invalid` record of reference-licences.json gets wrong, in file order. */
const INVALID_FIELD = ['licenceNumber', 'classes[0]', 'validTo', 'birthDate', 'points'] as const;

// --- Helpers --------------------------------------------------------------------------------

/** A valid record of a fictional person, number `n` (0–8999), for this file's region 120101. */
function makeRecord(n: number, over: Partial<LicenceRecord> = {}): LicenceRecord {
  const day = String(1 + Math.floor(n / 1000)).padStart(2, '0');
  const seq = String(n % 1000).padStart(3, '0');
  const first17 = `120101198001${day}${seq}`;
  const licenceNumber = `${first17}${idNumberCheckCharacter(first17)}`;
  return parseLicenceRecord({
    licenceNumber,
    name: '测试员',
    sex: Number(seq.charAt(2)) % 2 === 1 ? 'M' : 'F',
    nationality: 'CHN',
    address: '天津市和平区测试路1号',
    birthDate: `1980-01-${day}`,
    firstIssueDate: '2000-01-01',
    classes: ['C1'],
    validFrom: '2020-01-01',
    validTo: '2030-01-01',
    issuingAuthority: '天津市公安局交通警察总队',
    fileNumber: `120000${String(n).padStart(6, '0')}`,
    status: 'A',
    points: 0,
    ...over,
  });
}

/** One CSV cell, always quoted (RFC 4180). */
const cell = (value: string) => `"${value.replace(/"/g, '""')}"`;
const COLUMNS = Object.keys(REFERENCE[0] ?? {}) as (keyof LicenceRecord)[];

/** Records as CSV: the header, then one line each; classes space-separated. */
function toCsv(records: readonly Record<string, unknown>[], eol = '\n'): string {
  const lines = [COLUMNS.join(',')];
  for (const r of records)
    lines.push(
      COLUMNS.map((c) => {
        const v = r[c];
        return cell(Array.isArray(v) ? v.join(' ') : String(v));
      }).join(','),
    );
  return `${lines.join(eol)}${eol}`;
}

const CSV = { 'content-type': 'text/csv' };
const JSON_TYPE = { 'content-type': 'application/json' };

interface Problem {
  code: string;
  detail: string;
  expected?: string;
  found?: string;
  format?: string;
  errors: { line: number; field: string; expected: string; found: string }[];
}

async function licenceCount(service: TestService): Promise<number> {
  const row = await service.deps.db.kysely
    .selectFrom('licences')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Asserts that a reply says nothing personal about any of `records`. */
function expectNoPersonalData(reply: Reply, records: readonly Record<string, unknown>[]): void {
  for (const r of records)
    for (const field of ['licenceNumber', 'name', 'address', 'fileNumber'])
      if (typeof r[field] === 'string') expect(reply.text).not.toContain(r[field]);
}

/** Runs the built CLI with the service's database and data folder. */
function cli(service: TestService, args: readonly string[]): Promise<Run> {
  const config = service.deps.config;
  return runCli(args, {
    DATA_DIR: config.dataDir,
    PUBLIC_URL: config.publicUrl,
    LOG_LEVEL: 'silent',
    ...(config.databaseUrl === undefined ? {} : { DATABASE_URL: config.databaseUrl }),
  });
}

// --- Tests ----------------------------------------------------------------------------------

describe.each(ENGINES)('the registry on %s', (engine) => {
  let service: TestService;
  let admin: StaffClient & { id: number };
  let reviewer: StaffClient;
  let dir: string;

  beforeAll(async () => {
    service = await startService(engine);
    admin = await newStaff(service, 'admin');
    reviewer = await newStaff(service, 'reviewer');
    dir = await mkdtemp(join(tmpdir(), 'lz-registry-'));
  });
  afterAll(async () => {
    await service.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('when the reference file is imported as JSON, then its 5 licences are inserted and audited', async () => {
    const reply = await admin.post('/api/registry/import', FIXTURE_TEXT, JSON_TYPE);
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ inserted: 5, updated: 0, unchanged: 0 });
    expect(await licenceCount(service)).toBe(5);
    const audit = await admin.get<{ entries: { action: string; actor: string; after: unknown }[] }>(
      `/api/audit?subject=${REFERENCE[0]?.licenceNumber ?? ''}`,
    );
    expect(audit.status).toBe(200);
    expect(audit.body.entries).toEqual([
      expect.objectContaining({
        action: 'registry.import.insert',
        actor: `staff:${admin.id}`,
        after: { version: 1, record: REFERENCE[0] },
      }),
    ]);
  });

  it('when the same rows come again as CSV (CRLF), then all 5 are unchanged', async () => {
    const reply = await admin.post('/api/registry/import', toCsv(REFERENCE, '\r\n'), CSV);
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ inserted: 0, updated: 0, unchanged: 5 });
  });

  it('when staff look a licence up, then admin and reviewer get record, version and credentials', async () => {
    const ref = REFERENCE[1] as LicenceRecord;
    for (const client of [admin, reviewer]) {
      const reply = await client.get<Record<string, unknown>>(
        `/api/registry/licences/${ref.licenceNumber}`,
      );
      expect(reply.status).toBe(200);
      expect(reply.body).toEqual({
        licence: ref,
        version: 1,
        updatedAt: service.now(),
        credentials: [],
      });
    }
    const unknown = await admin.get<Problem>(
      `/api/registry/licences/${makeRecord(999).licenceNumber}`,
    );
    expect([unknown.status, unknown.body.code]).toEqual([404, 'ERR_NOT_FOUND']);
    const garbage = await admin.get<Problem>('/api/registry/licences/not-a-number');
    expect([garbage.status, garbage.body.code]).toEqual([404, 'ERR_NOT_FOUND']);
  });

  it('when a reviewer or nobody imports, or the CSRF token is missing, then 403 / 401 / 403', async () => {
    const csv = toCsv([makeRecord(1)]);
    const asReviewer = await reviewer.post<Problem>('/api/registry/import', csv, CSV);
    expect([asReviewer.status, asReviewer.body.code]).toEqual([403, 'ERR_FORBIDDEN']);
    const anonymous = await service.client().post<Problem>('/api/registry/import', csv, CSV);
    expect([anonymous.status, anonymous.body.code]).toEqual([401, 'ERR_UNAUTHENTICATED']);
    const noCsrf = await admin.post<Problem>('/api/registry/import', csv, {
      ...CSV,
      'x-csrf-token': 'x'.repeat(43),
    });
    expect([noCsrf.status, noCsrf.body.code]).toEqual([403, 'ERR_CSRF']);
    const anonymousLookup = await service
      .client()
      .get<Problem>(`/api/registry/licences/${REFERENCE[0]?.licenceNumber ?? ''}`);
    expect(anonymousLookup.status).toBe(401);
    expect(await licenceCount(service)).toBe(5);
  });

  it('when a JSON file holds the 5 invalid records and one good one, then 422 names each bad record and field, and nothing is applied', async () => {
    const good = makeRecord(10);
    const file = { licences: [...FIXTURE.invalid.map((i) => i.record), good] };
    const before = await licenceCount(service);
    const reply = await admin.post<Problem>('/api/registry/import', file);
    expect(reply.status).toBe(422);
    expect(reply.headers.get('content-type')).toContain('application/problem+json');
    expect(reply.body.code).toBe('ERR_IMPORT_INVALID');
    expect(reply.body.format).toBe('json');
    INVALID_FIELD.forEach((field, i) => {
      expect(
        reply.body.errors.some((e) => e.line === i + 1 && e.field === field),
        `record ${i + 1} (${FIXTURE.invalid[i]?.why ?? ''}): an error on ${field}`,
      ).toBe(true);
    });
    // Records 3–5 repeat record 2's licence number.
    for (const line of [3, 4, 5])
      expect(reply.body.errors).toContainEqual({
        line,
        field: 'licenceNumber',
        expected: 'each licence number once in the file',
        found: 'the same licence number as record 2',
      });
    expect(reply.body.errors.filter((e) => e.line === 6)).toEqual([]);
    for (const e of reply.body.errors)
      expect(Object.keys(e).sort()).toEqual(['expected', 'field', 'found', 'line']);
    expectNoPersonalData(reply, [...file.licences]);
    expect(await licenceCount(service)).toBe(before);
    expect((await admin.get(`/api/registry/licences/${good.licenceNumber}`)).status).toBe(404);
  });

  it('when a CSV file has bad rows in the middle, then 422 gives their physical lines and nothing is applied', async () => {
    const rows = [
      makeRecord(20),
      { ...makeRecord(21), address: '天津市\n和平区' }, // lines 3–4: a line break in a cell
      { ...makeRecord(22), points: 'x' },
      { ...makeRecord(23), classes: ['A2X'] }, // as on the card, one class mistyped
      makeRecord(24),
    ];
    const before = await licenceCount(service);
    const reply = await admin.post<Problem>('/api/registry/import', toCsv(rows), CSV);
    expect(reply.status).toBe(422);
    expect(reply.body.code).toBe('ERR_IMPORT_INVALID');
    expect(reply.body.format).toBe('csv');
    expect(reply.body.errors).toEqual([
      {
        line: 3,
        field: 'address',
        expected: 'no control characters',
        found: 'U+000A at position 4',
      },
      { line: 5, field: 'points', expected: 'an integer 0–12', found: '"x"' },
      {
        line: 6,
        field: 'classes[1]',
        expected: expect.stringContaining('one of A1 A2') as string,
        found: '"X"',
      },
    ]);
    expectNoPersonalData(reply, rows);
    expect(await licenceCount(service)).toBe(before);
    for (const r of [rows[0], rows[4]])
      expect((await admin.get(`/api/registry/licences/${r?.licenceNumber ?? ''}`)).status).toBe(
        404,
      );
  });

  it('when a CSV file writes the classes as the card prints them (A2D, C1E) or spaced (A2 D), then each is read as its classes', async () => {
    const rows = [
      { ...makeRecord(25), classes: ['A2D'] },
      { ...makeRecord(26), classes: ['C1E'] },
      { ...makeRecord(27), classes: ['A2', 'D'] },
      { ...makeRecord(28), classes: ['C1'] },
    ];
    const reply = await admin.post('/api/registry/import', toCsv(rows), CSV);
    expect(reply.status).toBe(200);
    const classes = [];
    for (const r of rows)
      classes.push(
        (await admin.get<{ licence: LicenceRecord }>(`/api/registry/licences/${r.licenceNumber}`))
          .body.licence.classes,
      );
    expect(classes).toEqual([['A2', 'D'], ['C1', 'E'], ['A2', 'D'], ['C1']]);
  });

  it.each([
    ['a2d', 'classes[0]', '"a2d"'],
    ['A2DD', 'classes[2]', '"D" again'],
    ['2D', 'classes[0]', '"2D"'],
  ])(
    'when a CSV cell of classes is %j, then 422 names the class it cannot read',
    async (cellText, field, found) => {
      const reply = await admin.post<Problem>(
        '/api/registry/import',
        toCsv([{ ...makeRecord(29), classes: [cellText] }]),
        CSV,
      );
      expect(reply.status).toBe(422);
      expect(reply.body.errors).toEqual([
        { line: 2, field, expected: expect.any(String) as string, found },
      ]);
    },
  );

  it('when one file holds a licence number twice, then 422 on the second and nothing is applied', async () => {
    const a = makeRecord(30);
    const before = await licenceCount(service);
    /** The one error of a file whose line 3 repeats the licence number of `first`. */
    const repeatedOnLine3 = (first: string) => [
      {
        line: 3,
        field: 'licenceNumber',
        expected: 'each licence number once in the file',
        found: `the same licence number as ${first}`,
      },
    ];
    const json = await admin.post<Problem>('/api/registry/import', [a, makeRecord(31), a]);
    expect(json.status).toBe(422);
    expect(json.body.errors).toEqual(repeatedOnLine3('record 1'));
    const csv = await admin.post<Problem>('/api/registry/import', toCsv([a, a]), CSV);
    expect(csv.status).toBe(422);
    expect(csv.body.errors).toEqual(repeatedOnLine3('line 2'));
    expectNoPersonalData(json, [a]);
    expect(await licenceCount(service)).toBe(before);
  });

  it('when the file is not JSON, not CSV, or of another type, then 400 / 422 / 415 with a code', async () => {
    const notJson = await admin.post<Problem>('/api/registry/import', '{"licences": [', JSON_TYPE);
    expect(notJson.status).toBe(400);
    // The app-wide JSON parser answers while it reads import bodies; the import itself after.
    expect(['ERR_MALFORMED_JSON', 'ERR_IMPORT_MALFORMED']).toContain(notJson.body.code);
    const notList = await admin.post<Problem>('/api/registry/import', { licences: 3 });
    expect([notList.status, notList.body.code]).toEqual([400, 'ERR_IMPORT_MALFORMED']);
    const badQuote = await admin.post<Problem>(
      '/api/registry/import',
      `${COLUMNS.join(',')}\n"unclosed\n`,
      CSV,
    );
    expect([badQuote.status, badQuote.body.code]).toEqual([400, 'ERR_IMPORT_MALFORMED']);
    const header = await admin.post<Problem>(
      '/api/registry/import',
      `${COLUMNS.filter((c) => c !== 'points').join(',')},colour\n`,
      CSV,
    );
    expect([header.status, header.body.code]).toEqual([422, 'ERR_IMPORT_INVALID']);
    expect(header.body.errors).toEqual([
      expect.objectContaining({ line: 1, field: 'colour', found: 'an unknown column' }),
      { line: 1, field: 'points', expected: 'a column in the header', found: 'none' },
    ]);
    const notUtf8 = await admin.post<Problem>(
      '/api/registry/import',
      Buffer.from([0x61, 0xff, 0x0a]),
      CSV,
    );
    expect([notUtf8.status, notUtf8.body.code]).toEqual([400, 'ERR_IMPORT_MALFORMED']);
    const text = await admin.post<Problem>('/api/registry/import', 'a,b', {
      'content-type': 'text/plain',
    });
    expect([text.status, text.body.code]).toEqual([415, 'ERR_UNSUPPORTED_MEDIA_TYPE']);
    const gbk = await admin.post<Problem>('/api/registry/import', 'a,b', {
      'content-type': 'text/csv; charset=gbk',
    });
    expect([gbk.status, gbk.body.code]).toEqual([415, 'ERR_UNSUPPORTED_MEDIA_TYPE']);
  });

  it.each([
    ['an empty CSV file', '', CSV, 'none (an empty file)'],
    ['a CSV file of blank lines', '\n\r\n\n', CSV, 'none (an empty file)'],
    ['a CSV header alone', `${COLUMNS.join(',')}\n`, CSV, 'none (only the header row)'],
    [
      'a CSV header alone, with a BOM and CRLF',
      `\uFEFF${COLUMNS.join(',')}\r\n`,
      CSV,
      'none (only the header row)',
    ],
    ['an empty JSON list', '[]', JSON_TYPE, 'none (an empty list)'],
    ['an empty "licences" list', '{"licences": []}', JSON_TYPE, 'none (an empty list)'],
  ])(
    'when %s is imported, then 422 ERR_IMPORT_EMPTY and nothing is applied',
    async (_why, body, type, found) => {
      const before = await licenceCount(service);
      const reply = await admin.post<Problem>('/api/registry/import', body, type);
      expect(reply.status).toBe(422);
      expect(reply.body).toMatchObject({
        code: 'ERR_IMPORT_EMPTY',
        detail: `registry import: expected at least one licence row, found ${found}; nothing was applied`,
        expected: 'at least one licence row',
        found,
      });
      expect(await licenceCount(service)).toBe(before);
    },
  );

  it('when a CSV file holds one row more than the limit and a malformed tail, then 413 ERR_TOO_LARGE on the count, the tail never parsed', async () => {
    // Were the file parsed before its rows are counted, the unclosed quote at the end would
    // answer 400 ERR_IMPORT_MALFORMED.
    const text = `${COLUMNS.join(',')}\n${'a\n'.repeat(MAX_IMPORT_ROWS + 1)}"unclosed\n`;
    const reply = await admin.post<Problem>('/api/registry/import', text, CSV);
    expect(reply.status).toBe(413);
    expect(reply.body).toMatchObject({
      code: 'ERR_TOO_LARGE',
      expected: `at most ${MAX_IMPORT_ROWS} rows`,
    });
    // Gzipped, the same: counted as it inflates.
    const gzipped = await admin.post<Problem>('/api/registry/import', gzipSync(text), {
      ...CSV,
      'content-encoding': 'gzip',
    });
    expect([gzipped.status, gzipped.body.code]).toEqual([413, 'ERR_TOO_LARGE']);
    const file = join(dir, 'too-many.csv');
    await writeFile(file, text);
    const run = await cli(service, ['registry', 'import', file]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `liangzheng registry: ${file}: registry import: expected at most ${MAX_IMPORT_ROWS} rows, found ${MAX_IMPORT_ROWS + 2} rows (usage: liangzheng registry --help)\n`,
    );
  });

  it('when a CSV upload passes the row limit and the client is still sending, then 413 comes before the body ends', async () => {
    const { cookie, csrfToken } = await createSession(
      service.deps.db,
      { subject: 'staff', subjectId: admin.id, role: 'admin' },
      service.now(),
      3600,
    );
    const url = new URL('/api/registry/import', service.url);
    const reply = await new Promise<{ status: number; body: Problem }>((resolve, reject) => {
      const req = request(url, {
        method: 'POST',
        headers: { 'content-type': 'text/csv', cookie, 'x-csrf-token': csrfToken },
      });
      req.on('error', reject);
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          // The upload was never finished: the answer came without it.
          req.destroy();
          resolve({
            status: res.statusCode ?? 0,
            body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Problem,
          });
        });
      });
      req.write(`${COLUMNS.join(',')}\n`);
      req.write('a\n'.repeat(MAX_IMPORT_ROWS + 1));
      // No end(): a service that waited for the whole body would never answer.
    });
    expect(reply.status).toBe(413);
    expect(reply.body).toMatchObject({
      code: 'ERR_TOO_LARGE',
      expected: `at most ${MAX_IMPORT_ROWS} rows`,
      found: 'more (the file was not read further)',
    });
  });

  it('when a good CSV file comes gzipped, then it is imported', async () => {
    const rows = [makeRecord(60), makeRecord(61)];
    const reply = await admin.post('/api/registry/import', gzipSync(toCsv(rows)), {
      ...CSV,
      'content-encoding': 'gzip',
    });
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ inserted: 2, updated: 0, unchanged: 0 });
    const bogus = await admin.post<Problem>('/api/registry/import', toCsv(rows), {
      ...CSV,
      'content-encoding': 'x-bogus',
    });
    expect(bogus.status).toBe(415);
    expect(bogus.body).toMatchObject({ code: 'ERR_UNSUPPORTED_ENCODING', found: '"x-bogus"' });
  });

  it('when the CLI imports a header-only CSV file, then exit 2 saying it holds no row', async () => {
    const file = join(dir, 'header-only.csv');
    await writeFile(file, `${COLUMNS.join(',')}\n`);
    const run = await cli(service, ['registry', 'import', file]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      `liangzheng registry: ${file}: registry import: expected at least one licence row, found none (only the header row); nothing was applied (usage: liangzheng registry --help)\n`,
    );
  });

  it('when the CLI imports a good file, then exit 0 with a summary; a bad file exits 2 with every bad line and applies nothing', async () => {
    expect(existsSync(CLI), `${CLI}: run npm run build first`).toBe(true);
    const good = join(dir, 'good.json');
    await writeFile(good, JSON.stringify({ licences: [makeRecord(40), makeRecord(41)] }));
    const ok = await cli(service, ['registry', 'import', good]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toBe(`${good}: 2 inserted, 0 updated, 0 unchanged\n`);
    const inserted = await admin.get<{ version: number }>(
      `/api/registry/licences/${makeRecord(40).licenceNumber}`,
    );
    expect([inserted.status, inserted.body.version]).toEqual([200, 1]);
    const audit = await admin.get<{ entries: { actor: string; action: string }[] }>(
      `/api/audit?subject=${makeRecord(41).licenceNumber}`,
    );
    expect(audit.body.entries.map((e) => [e.actor, e.action])).toEqual([
      ['cli', 'registry.import.insert'],
    ]);

    const bad = join(dir, 'bad.csv');
    const rows = [
      makeRecord(42),
      { ...makeRecord(43), points: 13 },
      makeRecord(44),
      { ...makeRecord(45), sex: 'X' },
    ];
    await writeFile(bad, toCsv(rows));
    const before = await licenceCount(service);
    const failed = await cli(service, ['registry', 'import', bad]);
    expect(failed.code).toBe(2);
    expect(failed.stdout).toBe('');
    const lines = failed.stderr.trimEnd().split('\n');
    expect(lines).toEqual([
      `${bad}: line 3: points: expected an integer 0–12, found 13`,
      `${bad}: line 5: sex: expected "M" or "F", found "X"`,
      `${bad}: registry import: 2 problems in 2 lines; nothing was applied`,
    ]);
    for (const r of rows) expect(failed.stderr).not.toContain(r.licenceNumber);
    expect(await licenceCount(service)).toBe(before);

    const wrongExtension = await cli(service, ['registry', 'import', join(dir, 'file.txt')]);
    expect(wrongExtension.code).toBe(2);
    expect(wrongExtension.stderr).toContain('expected a .json or .csv file');
  });
});
