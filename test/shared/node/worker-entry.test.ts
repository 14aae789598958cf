/**
 * shared/node/worker-entry.ts: a worker from a `.js` file starts in a process that was itself
 * started with --input-type (node --input-type=module --eval …), whose options a worker would
 * otherwise inherit and refuse a file with (ERR_INPUT_TYPE_NOT_ALLOWED); a `.ts` worker starts
 * through tsx.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorker } from '../../../shared/node/worker-entry.js';
import { runNode } from '../../helpers/child-process.js';
import { fromRoot, ROOT } from '../../paths.js';

let dir = '';
let worker = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lz-worker-entry-'));
  worker = join(dir, 'hello.js');
  await writeFile(
    worker,
    "import { parentPort } from 'node:worker_threads';\nparentPort.postMessage('hello');\n",
  );
  await writeFile(join(dir, 'package.json'), '{"type":"module"}\n');
});

afterAll(async () => {
  if (dir !== '') await rm(dir, { recursive: true, force: true });
});

/** Starts the worker at `url` and resolves with its first message. */
function firstMessage(url: URL): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const w = startWorker(url);
    w.once('message', (message: unknown) => {
      void w.terminate();
      resolve(message);
    });
    w.once('error', reject);
  });
}

describe('startWorker', () => {
  it.each(['--input-type=module', '--input-type module'])(
    'when the process was started with %s --eval, then a worker from a .js file starts and answers',
    async (inputType) => {
      const entry = pathToFileURL(fromRoot('shared/node/worker-entry.ts')).href;
      const script = `
        import { startWorker } from ${JSON.stringify(entry)};
        const w = startWorker(new URL(${JSON.stringify(pathToFileURL(worker).href)}));
        w.once('message', (m) => { console.log(m); void w.terminate(); });
        w.once('error', (e) => { console.error(e.code ?? e.message); process.exitCode = 3; });
      `;
      const run = await runNode(['--import', 'tsx', ...inputType.split(' '), '--eval', script], {
        cwd: ROOT,
        timeout: 25_000,
      });
      expect({ code: run.code, stdout: run.stdout, stderr: run.stderr }).toEqual({
        code: 0,
        stdout: 'hello\n',
        stderr: '',
      });
    },
    30_000,
  );

  it('when the worker is a .ts module, then it starts through tsx', async () => {
    const ts = join(dir, 'hello.ts');
    await writeFile(
      ts,
      "import { parentPort } from 'node:worker_threads';\nconst greeting: string = 'hello from ts';\nparentPort?.postMessage(greeting);\n",
    );
    expect(await firstMessage(pathToFileURL(ts))).toBe('hello from ts');
  });
});
