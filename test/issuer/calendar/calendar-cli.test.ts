/*
 * `liangzheng calendar check`: the working calendar file checked as the service checks it at
 * start, before an operator puts it in place. Run `npm run build` first (it spawns
 * dist/bin/liangzheng.js).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calendarCoverage } from '../../../issuer/calendar/calendar-coverage.js';
import { workingCalendar } from '../../../issuer/calendar/working-calendar.js';
import { CLI, runCli } from '../../helpers/child-process.js';

const FIXTURE = new URL('../../fixtures/working-calendar-test-2027.json', import.meta.url);

/** A working calendar file with three problems on two lines. */
const BAD_CALENDAR =
  '{\n  "years": {\n    "2027": {\n      "holidays": [{ "date": "2027-02-30" }],\n      "workdays": [{ "date": "2027-02-17" }]\n    }\n  }\n}\n';

/** What the service says of BAD_CALENDAR at `path` when it refuses to start with it. */
function badCalendarProblems(path: string): string {
  return [
    `invalid working calendar file ${path}:`,
    "  line 4, years.2027.holidays: expected 2027-01-01 (元旦) among the days off, as in every year's arrangement, found a list without it",
    '  line 4, years.2027.holidays[0].date: expected an existing date as YYYY-MM-DD, found "2027-02-30"',
    '  line 5, years.2027.workdays[0].date: expected a Saturday or Sunday (a make-up working day), found 2027-02-17, a Wednesday',
    '',
  ].join('\n');
}

/** The last line the command prints: the reach, with the days left from today. */
function reachLine(years: Parameters<typeof workingCalendar>[0]): string {
  const calendar = workingCalendar(years);
  const c = calendarCoverage(calendar, Math.floor(Date.now() / 1000));
  return `working calendar: ${calendar.firstYear}–${calendar.lastYear}, covers until ${c.coversUntil} (${c.daysLeft} days left${c.warning ? ": load the next year's arrangement" : ''})`;
}

describe('liangzheng calendar check', () => {
  let dir: string;
  beforeAll(async () => {
    expect(existsSync(CLI), `${CLI}: run npm run build first`).toBe(true);
    dir = await mkdtemp(join(tmpdir(), 'lz-calendar-cli-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('when given a good file, then exit 0 with each year and the reach', async () => {
    const run = await runCli(['calendar', 'check', FIXTURE.pathname]);
    const source = "TEST FIXTURE, made up for the tests: NOT the State Council's 2027 arrangement";
    expect(run).toEqual({
      code: 0,
      stdout: `${FIXTURE.pathname}: 2027: 10 days off, 1 make-up working day (${source})\n${reachLine(
        [{ year: 2027, holidays: [{ date: '2027-01-01' }], workdays: [] }],
      )}\n`,
      stderr: '',
    });
  });

  it('when given a bad file, then exit 2 with every problem, one a line, as the service would refuse it', async () => {
    const bad = join(dir, 'bad.json');
    await writeFile(bad, BAD_CALENDAR);
    const run = await runCli(['calendar', 'check', bad]);
    expect(run).toEqual({ code: 2, stdout: '', stderr: badCalendarProblems(bad) });
  });

  it.each([[['keys', 'reissue']], [['registry', 'import', FIXTURE.pathname]]])(
    'when DATA_DIR holds a bad working calendar file, then %j exits 2 with every problem, as the service start does',
    async (args) => {
      const dataDir = await mkdtemp(join(dir, 'data-'));
      const bad = join(dataDir, 'working-calendar.json');
      await writeFile(bad, BAD_CALENDAR);
      const run = await runCli(args, { DATA_DIR: dataDir });
      expect(run).toEqual({ code: 2, stdout: '', stderr: badCalendarProblems(bad) });
    },
  );

  it('when given no file, then the one in DATA_DIR; when there is none, exit 0: chinese-days alone', async () => {
    const none = await runCli(['calendar', 'check'], { DATA_DIR: dir });
    expect(none).toEqual({
      code: 0,
      stdout: `no working calendar file at ${join(dir, 'working-calendar.json')}: chinese-days alone\n${reachLine([])}\n`,
      stderr: '',
    });
    await writeFile(join(dir, 'working-calendar.json'), await readFile(FIXTURE));
    const found = await runCli(['calendar', 'check'], { DATA_DIR: dir });
    expect([found.code, found.stdout.split('\n')[0]]).toEqual([
      0,
      `${join(dir, 'working-calendar.json')}: 2027: 10 days off, 1 make-up working day (TEST FIXTURE, made up for the tests: NOT the State Council's 2027 arrangement)`,
    ]);
  });

  it.each([
    // (args, stderr): why
    [
      ['calendar', 'load'],
      'liangzheng calendar: expected: calendar check [FILE], found "load" (usage: liangzheng calendar --help)\n',
      'an unknown subcommand',
    ],
    [
      ['calendar', 'check', '/nonexistent/working-calendar.json'],
      'liangzheng calendar: /nonexistent/working-calendar.json: cannot read (ENOENT) (usage: liangzheng calendar --help)\n',
      'a file that is not there',
    ],
  ])('when run with %j, then exit 2 in one line (%s)', async (args, stderr, _why) => {
    expect(await runCli(args)).toEqual({ code: 2, stdout: '', stderr });
  });
});
