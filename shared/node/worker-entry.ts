import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * The URL of the worker module `name` (without extension) beside the module at `moduleUrl`
 * (the caller's `import.meta.url`): `name.ts` when the caller runs from the TypeScript sources
 * (vitest, tsx), `name.js` when it runs from dist/.
 */
export function workerUrl(moduleUrl: string, name: string): URL {
  return new URL(`./${name}${moduleUrl.endsWith('.ts') ? '.ts' : '.js'}`, moduleUrl);
}

/**
 * Starts a worker thread on the module at `url`. A `.js` module starts as it is, with the
 * process's options less --input-type (given to a parent run with --eval, it refuses a worker
 * from a file). Node 20 cannot load a `.ts` worker by itself, and a worker does not inherit the
 * parent's loader, so a `.ts` one starts from an evaluated entry that registers tsx's loader (a
 * development dependency, present wherever the sources run) before it imports the module.
 */
export function startWorker(url: URL, options: WorkerOptions = {}): Worker {
  if (!url.pathname.endsWith('.ts'))
    return new Worker(url, { execArgv: withoutInputType(process.execArgv), ...options });
  return new Worker(
    `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); });`,
    { ...options, eval: true },
  );
}

/** Node's options less --input-type, written `--input-type=module` or `--input-type module`. */
function withoutInputType(execArgv: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i] as string;
    if (arg === '--input-type') i++;
    else if (!arg.startsWith('--input-type=')) kept.push(arg);
  }
  return kept;
}
