import { existsSync } from 'node:fs';
import { EXIT, parse, UsageError, write, type Command } from '../../shared/cli/command.js';
import { calendarCoverage } from '../calendar/calendar-coverage.js';
import {
  calendarFilePath,
  CalendarFileError,
  readCalendarFile,
} from '../calendar/read-calendar-file.js';
import { workingCalendar, type YearArrangement } from '../calendar/working-calendar.js';
import { serviceConfig } from './service-config.js';

const USAGE =
  "liangzheng calendar check [FILE]   (default: the service's own, DATA_DIR/working-calendar.json)";

/**
 * `liangzheng calendar check [FILE]`: checks a working calendar file as the service does at
 * start, before it is put in place (OPERATIONS.md, "The working calendar"). Exit 0 with each
 * year it holds and how long the calendar then lasts; exit 2 with every problem on stderr, one
 * a line (`line 6, years.2027.workdays[0].date: expected …, found …`), as the service would
 * refuse to start with it. Without FILE, the one in DATA_DIR; none there is not an error.
 */
export const calendarCommand: Command = {
  name: 'calendar',
  usage: USAGE,
  summary: "check a working calendar file (the State Council's holidays and make-up days)",
  async run(args, io) {
    const { positionals } = parse(args, {});
    const [sub, given, ...rest] = positionals;
    if (sub !== 'check' || rest.length > 0)
      throw new UsageError(
        `expected: calendar check [FILE], found ${JSON.stringify(positionals.join(' '))}`,
      );
    const file = given ?? defaultFile();
    if (given === undefined && !existsSync(file)) {
      const calendar = workingCalendar();
      await write(
        io.stdout,
        `no working calendar file at ${file}: chinese-days alone\n${reach(calendar, io.now())}\n`,
      );
      return EXIT.VALID;
    }
    let years: YearArrangement[] | undefined;
    try {
      years = await readCalendarFile(file);
    } catch (error) {
      if (!(error instanceof CalendarFileError)) throw error;
      await write(io.stderr, `${error.message}\n`);
      return EXIT.USAGE;
    }
    if (years === undefined) throw new UsageError(`${file}: cannot read (ENOENT)`);
    const lines = years.map(
      (y) =>
        `${file}: ${y.year}: ${y.holidays.length} days off, ${y.workdays.length} make-up working day${y.workdays.length === 1 ? '' : 's'}${y.source === undefined ? '' : ` (${y.source})`}`,
    );
    await write(io.stdout, `${[...lines, reach(workingCalendar(years), io.now())].join('\n')}\n`);
    return EXIT.VALID;
  },
};

/** How far the calendar reaches, in one line. */
function reach(calendar: ReturnType<typeof workingCalendar>, now: Date): string {
  const coverage = calendarCoverage(calendar, Math.floor(now.getTime() / 1000));
  return `working calendar: ${calendar.firstYear}–${calendar.lastYear}, covers until ${coverage.coversUntil} (${coverage.daysLeft} days left${coverage.warning ? ": load the next year's arrangement" : ''})`;
}

/** The service's own file: DATA_DIR/working-calendar.json, from its configuration. */
function defaultFile(): string {
  return calendarFilePath(serviceConfig().dataDir);
}
