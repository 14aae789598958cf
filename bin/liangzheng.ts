#!/usr/bin/env node
import { argv, exit, stderr, stdin, stdout } from 'node:process';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { EXIT, UsageError, type Command, type Io } from '../shared/cli/command.js';

/**
 * The commands by name, each loaded when it runs: the issuer's commands open the whole service
 * (express, the database drivers, image processing), which a `verify` should not wait for.
 */
const COMMANDS: Readonly<Record<string, () => Promise<Command>>> = {
  keygen: async () => (await import('../issuer/cli/keygen.js')).keygenCommand,
  'holder-keygen': async () =>
    (await import('../verifier/cli/holder-keygen.js')).holderKeygenCommand,
  issue: async () => (await import('../issuer/cli/issue.js')).issueCommand,
  present: async () => (await import('../verifier/cli/present.js')).presentCommand,
  verify: async () => (await import('../verifier/cli/verify.js')).verifyCommand,
  'jws verify': async () => (await import('../verifier/cli/jws-verify.js')).jwsVerifyCommand,
  'status-list': async () => (await import('../issuer/cli/status-list.js')).statusListCommand,
  registry: async () => (await import('../issuer/cli/registry.js')).registryCommand,
  keys: async () => (await import('../issuer/cli/keys.js')).keysCommand,
  admin: async () => (await import('../issuer/cli/admin.js')).adminCommand,
  calendar: async () => (await import('../issuer/cli/calendar.js')).calendarCommand,
};

/** The help text: every command, what it does and then its usage. */
export async function help(): Promise<string> {
  const lines = [
    'liangzheng — electronic driving licence (电子驾驶证): issue, present and verify',
    '',
  ];
  for (const c of await Promise.all(Object.values(COMMANDS).map((load) => load())))
    lines.push(`  ${c.name} — ${c.summary}`, `    usage: ${c.usage.replace(/\n/g, '\n    ')}`, '');
  lines.push(
    'liangzheng --version prints the version.',
    'Exit status: 0 valid, 1 not valid, 2 usage or input error (one line on stderr).',
  );
  return `${lines.join('\n')}\n`;
}

/**
 * The version in the project's package.json: the nearest one above this file, which is
 * `bin/` when run from the sources and `dist/bin/` when built.
 * @throws {Error} when there is none, or it has no version.
 */
export function version(): string {
  for (let dir = new URL('./', import.meta.url); ; dir = new URL('../', dir)) {
    const file = new URL('package.json', dir);
    if (existsSync(file)) {
      const { version: found } = JSON.parse(readFileSync(file, 'utf8')) as { version?: unknown };
      if (typeof found !== 'string') throw new Error(`${file.pathname}: no version`);
      return found;
    }
    if (new URL('../', dir).href === dir.href) throw new Error('no package.json above the program');
  }
}

/** Runs one command line; returns the exit code. Never throws for bad input. */
export async function main(args: readonly string[], io: Io): Promise<number> {
  const [first, second, ...rest] = args;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    io.stdout.write(await help());
    return first === undefined ? EXIT.USAGE : EXIT.VALID;
  }
  if (first === '--version' || first === '-v') {
    io.stdout.write(`${version()}\n`);
    return EXIT.VALID;
  }
  const name = first === 'jws' ? `jws ${second ?? ''}` : first;
  const load = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (load === undefined) {
    io.stderr.write(
      `liangzheng: unknown command ${JSON.stringify(name.trim())}; see liangzheng --help\n`,
    );
    return EXIT.USAGE;
  }
  const command = await load();
  const commandArgs = first === 'jws' ? rest : args.slice(1);
  if (commandArgs.includes('--help')) {
    io.stdout.write(`liangzheng ${command.name} — ${command.summary}\n\nusage: ${command.usage}\n`);
    return EXIT.VALID;
  }
  try {
    return await command.run(commandArgs, io);
  } catch (error) {
    if (error instanceof UsageError) {
      // One line: the reason, and where the usage is.
      const reason = error.message.replace(/\s*\n\s*/g, ' ');
      io.stderr.write(
        `liangzheng ${command.name}: ${reason} (usage: liangzheng ${command.name} --help)\n`,
      );
      return EXIT.USAGE;
    }
    io.stderr.write(
      `liangzheng ${command.name}: internal error: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    return EXIT.USAGE;
  }
}

/** 128 + SIGPIPE: the exit status when the output's reader went away before the end. */
const EXIT_OUTPUT_CLOSED = 141;

const invokedDirectly =
  argv[1] !== undefined && realpathSync(argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  // The reader of the output has gone (`liangzheng verify --batch … | head`): nobody wants the
  // rest, so stop at once, quietly, with the status a shell gives a command that SIGPIPE ended
  // (Node ignores the signal and fails the next write with EPIPE instead). Any other failure to
  // write is said in one line.
  stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') exit(EXIT_OUTPUT_CLOSED);
    stderr.write(`liangzheng: cannot write the output (${error.code ?? error.message})\n`);
    exit(EXIT.USAGE);
  });
  const code = await main(argv.slice(2), { stdin, stdout, stderr, now: () => new Date() });
  // Let stdout drain before the process ends (it may be a pipe).
  stdout.write('', () => exit(code));
}
