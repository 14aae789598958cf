/*
 * Running Node as a child process and collecting what it prints: the built command line
 * (dist/bin/liangzheng.js, so `npm run build` first), the service's entry point, a script.
 */
import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { fromRoot } from '../paths.js';

/** The built command line. */
export const CLI = fromRoot('dist/bin/liangzheng.js');

/** How a child ended and what it printed. */
export interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface NodeOptions {
  /** The whole environment; PATH is added. Without it, the child inherits this process's. */
  readonly env?: Record<string, string>;
  readonly cwd?: string;
  /** Killed after this long (a hung child fails its test rather than the suite); 20 s unless set. */
  readonly timeout?: number;
  /** Written to stdin, which is then closed: a string, or a stream piped in as the child reads it. */
  readonly input?: string | Readable;
}

/** Runs `node …args` to its end; with the signal that killed it, if one did. */
export function runNode(
  args: readonly string[],
  options: NodeOptions = {},
): Promise<Run & { readonly signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...args], {
      ...(options.env === undefined
        ? {}
        : { env: { PATH: process.env.PATH ?? '', ...options.env } }),
      ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
      timeout: options.timeout ?? 20_000,
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    const { input } = options;
    if (input !== undefined && child.stdin !== null) {
      // A command that fails on its arguments exits before it reads stdin: EPIPE is expected then.
      child.stdin.on('error', () => undefined);
      if (typeof input === 'string') child.stdin.end(input);
      else input.pipe(child.stdin);
    }
    child.on('close', (code, signal) => {
      resolve({
        code,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
  });
}

/**
 * Runs the built command line with only `env` (and PATH, NODE_ENV=test, DEMO=false unless `env`
 * says otherwise), stdin closed.
 */
export async function runCli(
  args: readonly string[],
  env: Record<string, string> = {},
  timeout?: number,
): Promise<Run> {
  const { code, stdout, stderr } = await runNode([CLI, ...args], {
    env: { NODE_ENV: 'test', DEMO: 'false', ...env },
    ...(timeout === undefined ? {} : { timeout }),
  });
  return { code, stdout, stderr };
}
