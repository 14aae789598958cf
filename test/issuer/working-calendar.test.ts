/*
 * The working calendar in the running service, on both engines, with a frozen clock across the
 * end of chinese-days' data (2026-12-31): review deadlines beyond it counted Monday to Friday and
 * marked provisional, never refused; the working calendar file in DATA_DIR honoured (its
 * holidays and make-up working days), counted again at the next start; a bad file refusing the
 * start; /healthz and the log saying how long the calendar lasts.
 *
 * The 2027 used here is test/fixtures/working-calendar-test-2027.json, made up for the tests
 * (see its README): 元旦 01-01 to 01-03, days off 02-06 to 02-12, make-up Saturday 02-20.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CalendarFileError } from '../../issuer/calendar/read-calendar-file.js';
import {
  newDriver,
  newStaff,
  restartService,
  syntheticLicence,
  uploadPhoto,
  type TestDriver,
} from './fixtures.js';
import { Client, ENGINES, startService, type TestService } from './harness.js';
import { portraitJpeg } from './photos.js';
import { runNode } from '../helpers/child-process.js';
import { fromRoot } from '../paths.js';

const FIXTURE = await readFile(
  new URL('../fixtures/working-calendar-test-2027.json', import.meta.url),
);

/** Seconds since the epoch of a China-time instant such as `2026-12-31T10:00`. */
const china = (local: string) => Date.parse(`${local}+08:00`) / 1000;
/** The end of a day, China time, as a stored deadline (whole seconds). */
const endOf = (day: string) => china(`${day}T23:59:59`);

interface Submitted {
  readonly state: string;
  readonly deadline: number;
  readonly deadlineProvisional: boolean;
}

interface QueueEntry {
  readonly id: number;
  readonly deadline: number | null;
  readonly deadlineProvisional: boolean;
}

/** JSON lines of a log, as the service writes them. */
function logSink(): { stream: Writable; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n'))
        if (line !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { stream, lines };
}

let serial = 31_000;
let white: Buffer;
beforeAll(async () => {
  white = await portraitJpeg(255);
});

/** A driver of `service` who submits an album photo now; the service's answer. */
async function submit(
  service: Pick<TestService, 'deps' | 'now' | 'url'>,
): Promise<{ driver: TestDriver; status: number; body: Submitted }> {
  const driver = await newDriver(service, syntheticLicence(serial++), { applied: false });
  expect((await driver.http.post('/api/me/application', { path: 'album' })).status).toBe(201);
  const reply = await uploadPhoto(service.url, driver, white);
  return { driver, status: reply.status, body: (await reply.json()) as Submitted };
}

describe.each(ENGINES)('review deadlines across the end of the calendar on %s', (engine) => {
  describe('without a working calendar file', () => {
    let service: TestService;
    beforeAll(async () => {
      service = await startService(engine, { now: china('2026-12-31T10:00') });
    });
    afterAll(async () => {
      await service.close();
    });

    it('when a photo is submitted on Thursday 2026-12-31, then it is due at the end of Friday 2027-01-01, provisional, in the reply, the application, the queue and the detail', async () => {
      const { driver, status, body } = await submit(service);
      expect([status, body]).toEqual([
        200,
        { state: 'submitted', deadline: endOf('2027-01-01'), deadlineProvisional: true },
      ]);
      const mine = await driver.http.get<{
        id: number;
        deadline: number;
        deadlineProvisional: boolean;
      }>('/api/me/application');
      expect(mine.body).toMatchObject({ deadline: endOf('2027-01-01'), deadlineProvisional: true });
      const reviewer = await newStaff(service, 'reviewer');
      const queue = await reviewer.get<{ applications: QueueEntry[] }>('/api/review/queue');
      expect(queue.body.applications.find((a) => a.id === mine.body.id)).toMatchObject({
        deadline: endOf('2027-01-01'),
        deadlineProvisional: true,
      });
      const detail = await reviewer.get<QueueEntry>(`/api/review/applications/${mine.body.id}`);
      expect(detail.body).toMatchObject({
        deadline: endOf('2027-01-01'),
        deadlineProvisional: true,
      });
    });

    it('when a photo is submitted on Friday 2027-01-08, then the weekend is skipped: due at the end of Monday 2027-01-11, provisional', async () => {
      const shift = china('2027-01-08T16:00') - service.now();
      service.advance(shift);
      try {
        const { status, body } = await submit(service);
        expect([status, body]).toEqual([
          200,
          { state: 'submitted', deadline: endOf('2027-01-11'), deadlineProvisional: true },
        ]);
      } finally {
        service.advance(-shift);
      }
    });

    it('when a photo is submitted on 2026-12-30, due within 2026, then the deadline is not provisional', async () => {
      const shift = china('2026-12-30T10:00') - service.now();
      service.advance(shift);
      try {
        const { body } = await submit(service);
        expect(body).toEqual({
          state: 'submitted',
          deadline: endOf('2026-12-31'),
          deadlineProvisional: false,
        });
      } finally {
        service.advance(-shift);
      }
    });
  });

  describe('with the working calendar file holding 2027', () => {
    let service: TestService;
    beforeAll(async () => {
      service = await startService(engine, {
        now: china('2026-12-31T10:00'),
        calendarFile: FIXTURE,
      });
    });
    afterAll(async () => {
      await service.close();
    });

    it.each([
      // (submitted, due): why
      ['2026-12-31T10:00', '2027-01-04', '元旦 01-01 to 01-03 off: Monday'],
      ['2027-02-05T10:00', '2027-02-15', 'days off 02-06 to 02-12: Monday 02-15'],
      ['2027-02-19T10:00', '2027-02-20', 'make-up working Saturday 02-20'],
    ])(
      'when a photo is submitted at %s, then due at the end of %s, not provisional (%s)',
      async (submitted: string, due: string, _why: string) => {
        const shift = china(submitted) - service.now();
        service.advance(shift);
        try {
          const { status, body } = await submit(service);
          expect([status, body]).toEqual([
            200,
            { state: 'submitted', deadline: endOf(due), deadlineProvisional: false },
          ]);
        } finally {
          service.advance(-shift);
        }
      },
    );

    it('when asked for /healthz, then the calendar covers until the end of 2027', async () => {
      const reply = await service.client().get('/healthz');
      expect([reply.status, reply.body]).toEqual([
        200,
        { status: 'ok', calendar: { coversUntil: '2027-12-31', daysLeft: 365, warning: false } },
      ]);
    });
  });

  it('when a provisional deadline was stored and the file is loaded before the next start, then the deadline is counted again, audited, and no longer provisional', async () => {
    const service = await startService(engine, { now: china('2026-12-31T10:00') });
    try {
      const { driver, body } = await submit(service);
      expect(body.deadlineProvisional).toBe(true);
      const { id } = (await driver.http.get<{ id: number }>('/api/me/application')).body;
      await writeFile(join(service.deps.config.dataDir, 'working-calendar.json'), FIXTURE);
      const restarted = await restartService(service);
      try {
        const reviewer = await newStaff(
          {
            deps: restarted.deps,
            now: () => restarted.now(),
            client: () => new Client(restarted.url),
          },
          'reviewer',
        );
        const detail = await reviewer.get<
          QueueEntry & {
            audit: { actor: string; action: string; before: unknown; after: unknown }[];
          }
        >(`/api/review/applications/${id}`);
        expect(detail.body).toMatchObject({
          deadline: endOf('2027-01-04'),
          deadlineProvisional: false,
        });
        expect(detail.body.audit.at(-1)).toMatchObject({
          actor: 'system',
          action: 'application.deadline_recomputed',
          before: { deadline: endOf('2027-01-01') },
          after: { deadline: endOf('2027-01-04'), provisional: false },
        });
      } finally {
        await restarted.running.stop();
      }
      // A second start with the same file changes nothing and audits nothing more.
      const again = await restartService({
        ...service,
        running: { ...service.running, stop: () => Promise.resolve() },
      });
      try {
        const trail = await again.deps.db.kysely
          .selectFrom('audit_log')
          .select('action')
          .where('subject', '=', `application:${id}`)
          .where('action', '=', 'application.deadline_recomputed')
          .execute();
        expect(trail).toHaveLength(1);
      } finally {
        await again.running.stop();
      }
    } finally {
      await service.close().catch(() => undefined);
    }
  });
});

/** A 2027 whose make-up working day is a Wednesday, on line 6 of the file. */
const BAD_FILE = `{
  "years": {
    "2027": {
      "holidays": [{ "date": "2027-01-01", "name": "元旦" }],
      "workdays": [
        { "date": "2027-02-17", "name": "春节调休上班" }
      ]
    }
  }
}
`;
const BAD_FILE_PROBLEM =
  '  line 6, years.2027.workdays[0].date: expected a Saturday or Sunday (a make-up working day), found 2027-02-17, a Wednesday';

describe.each(ENGINES)("the calendar's reach on %s", (engine) => {
  let service: TestService;
  beforeAll(async () => {
    service = await startService(engine, { now: china('2026-10-31T12:00') });
  });
  afterAll(async () => {
    await service.close();
  });

  it.each([
    // (now, daysLeft, warning): why
    ['2026-10-31T12:00', 61, false, 'the day before the warning starts'],
    ['2026-11-01T00:00', 60, true, '60 days before the end: warned from midnight China time'],
    ['2026-12-31T23:59', 0, true, 'the last covered day'],
    ['2027-01-02T08:00', -2, true, 'after the end, without a file'],
  ])(
    'when it is %s, then /healthz says 2026-12-31 with %s days left, warning %s (%s)',
    async (now: string, daysLeft: number, warning: boolean, _why: string) => {
      const shift = china(now) - service.now();
      service.advance(shift);
      try {
        const reply = await service.client().get('/healthz');
        expect([reply.status, reply.body]).toEqual([
          200,
          { status: 'ok', calendar: { coversUntil: '2026-12-31', daysLeft, warning } },
        ]);
      } finally {
        service.advance(-shift);
      }
    },
  );

  it('when started 60 days before the end, then the warning is logged at start and once more on the next day, not twice a day', async () => {
    const log = logSink();
    const watched = await startService(engine, { now: china('2026-11-01T09:00'), log: log.stream });
    try {
      const warnings = () =>
        log.lines.filter((l) => typeof l.msg === 'string' && l.msg.startsWith('working calendar'));
      expect(warnings()).toEqual([
        expect.objectContaining({
          level: 40,
          calendar: { coversUntil: '2026-12-31', daysLeft: 60, warning: true },
          msg: "working calendar covers until 2026-12-31 (60 days left): load the next year's holiday arrangement into the working calendar file (OPERATIONS.md)",
        }),
      ]);
      expect((await submit(watched)).status).toBe(200);
      expect(warnings()).toHaveLength(1);
      watched.advance(86_400);
      expect((await submit(watched)).status).toBe(200);
      expect(warnings()).toHaveLength(2);
      expect(warnings()[1]).toMatchObject({
        calendar: { coversUntil: '2026-12-31', daysLeft: 59, warning: true },
      });
      // What the service's hourly timer calls, with its clock.
      watched.advance(62 * 86_400);
      watched.deps.calendarWatch.check(watched.now());
      watched.deps.calendarWatch.check(watched.now());
      expect(warnings()).toHaveLength(3);
      expect(warnings()[2]).toMatchObject({
        level: 40,
        calendar: { coversUntil: '2026-12-31', daysLeft: -3, warning: true },
        msg: 'working calendar ended on 2026-12-31: review deadlines are provisional (Monday to Friday) until the holiday arrangement is loaded into the working calendar file (OPERATIONS.md)',
      });
    } finally {
      await watched.close();
    }
  });

  it('when started 61 days before the end, then no warning is logged', async () => {
    const log = logSink();
    const quiet = await startService(engine, { now: china('2026-10-31T12:00'), log: log.stream });
    try {
      expect((await submit(quiet)).status).toBe(200);
      expect(log.lines.filter((l) => l.level === 40)).toEqual([]);
    } finally {
      await quiet.close();
    }
  });

  it('when the working calendar file is bad, then the service refuses to start, naming the file, the line, the field, what was expected and found', async () => {
    const refused = startService(engine, {
      now: china('2026-12-01T10:00'),
      calendarFile: BAD_FILE,
    });
    await expect(refused).rejects.toBeInstanceOf(CalendarFileError);
    await expect(refused).rejects.toThrow(
      new RegExp(
        `^invalid working calendar file ${tmpdir()}/lz-issuer-\\w+/working-calendar\\.json:\\n${BAD_FILE_PROBLEM.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`,
      ),
    );
  });
});

describe('npm start with a bad working calendar file', () => {
  const MAIN = fromRoot('dist/issuer/main.js');

  it('when DATA_DIR holds a bad working-calendar.json, then exit 2 with the file, line, field, expected and found on stderr, and no database made', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'lz-calendar-start-'));
    try {
      const file = join(dataDir, 'working-calendar.json');
      await writeFile(file, BAD_FILE);
      const { code, stdout, stderr } = await runNode([MAIN], {
        env: {
          NODE_ENV: 'test',
          PORT: '0',
          DATA_DIR: dataDir,
          DEMO: 'false',
          LOG_LEVEL: 'silent',
        },
      });
      expect({ code, stdout, stderr }).toEqual({
        code: 2,
        stdout: '',
        stderr: `invalid working calendar file ${file}:\n${BAD_FILE_PROBLEM}\n`,
      });
      expect(await readdir(dataDir)).toEqual(['working-calendar.json']);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
