/**
 * `--batch` on worker threads, from the TypeScript sources (the workers start through tsx): the
 * order of the answers whatever order the chunks finish in, the bound on chunks in flight, a
 * stdout that does not drain stopping the reading of stdin, a worker that exits or fails on a
 * chunk (the run fails with one line saying how many lines were written, all of them the first
 * ones, in order), workers that cannot build their judge; an input that ends within the first
 * chunk judged in the command's own thread, any other on the workers; and `verify --batch` in
 * process with --jobs 2 giving --jobs 1's bytes.
 */
import { Readable, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main } from '../../../bin/liangzheng.js';
import { signCredential } from '../../../issuer/sign-credential.js';
import { lines, type Io } from '../../../shared/cli/command.js';
import { createPresentation } from '../../../shared/create-presentation.js';
import {
  judgeOf,
  type ChunkLine,
  type Judged,
} from '../../../verifier/cli/internal/batch-judge.js';
import {
  BatchWorkerError,
  startBatchPool,
  type BatchPool,
} from '../../../verifier/cli/internal/batch-pool.js';
import {
  CHUNK_LINES,
  CHUNKS_PER_WORKER,
  LineReader,
  runBatch,
  runOnPool,
} from '../../../verifier/cli/internal/run-batch.js';
import {
  KEY_FILES,
  KEYS_DIR,
  loadTestKeys,
  referenceLicence,
} from '../../helpers/presentation-kit.js';

const FAILING_WORKER = new URL('./failing-batch-worker.ts', import.meta.url);

/** A stdout that keeps what is written, each write's text apart. */
function collector(): { stream: Writable; writes: string[]; text: () => string } {
  const writes: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      writes.push(chunk.toString('utf8'));
      done();
    },
  });
  return { stream, writes, text: () => writes.join('') };
}

function io(stdin: Readable, stdout: Writable, stderr: Writable = collector().stream): Io {
  return { stdin, stdout, stderr, now: () => new Date() };
}

/** Runs runOnPool on `pool` with the lines of `stdin` (at most 100 bytes a line) to `stdout`. */
function onPool(pool: BatchPool, stdin: Readable, stdout: Writable): Promise<number> {
  return runOnPool(
    io(stdin, stdout),
    pool,
    new LineReader(lines(stdin, 100)[Symbol.asyncIterator]()),
  );
}

/** `count` lines "line 0" … as a stream of 1000 lines a chunk, counting the lines read. */
function numberedLines(count: number): { stream: Readable; read: () => number } {
  let read = 0;
  const stream = Readable.from(
    (function* () {
      for (let i = 0; i < count; i += 1000) {
        const end = Math.min(count, i + 1000);
        read = end;
        yield Buffer.from(Array.from({ length: end - i }, (_, k) => `line ${i + k}\n`).join(''));
      }
    })(),
    { objectMode: false, highWaterMark: 1 },
  );
  return { stream, read: () => read };
}

/** The answer a fake pool gives a line: the line as JSON. */
const echo = (lines: readonly ChunkLine[]): Judged => ({
  output: Buffer.from(lines.map((l) => `${JSON.stringify(l)}\n`).join('')),
  lines: lines.length,
  invalid: lines.filter((l) => typeof l === 'string' && l.startsWith('bad')).length,
});

describe('runOnPool, with a pool on this thread', () => {
  it('when chunks finish in reverse order, then every line comes out once, in input order, and never more than 3 chunks a worker are in flight', async () => {
    const out = collector();
    let sent = 0;
    let mostInFlight = 0;
    const pool: BatchPool = {
      size: 2,
      judge(lines) {
        sent++;
        mostInFlight = Math.max(mostInFlight, sent - out.writes.length);
        // The later a chunk is sent, the sooner it finishes: each overtakes the ones before it.
        const delay = Math.max(0, 20 - (sent % 20));
        return new Promise((resolve) =>
          setTimeout(() => {
            resolve(echo(lines));
          }, delay),
        );
      },
      close: () => Promise.resolve(),
    };
    const input = numberedLines(5000);
    const code = await onPool(pool, input.stream, out.stream);
    expect(code).toBe(0);
    expect(out.text()).toBe(Array.from({ length: 5000 }, (_, i) => `"line ${i}"\n`).join(''));
    expect(sent).toBe(out.writes.length);
    expect(sent).toBeGreaterThanOrEqual(Math.ceil(5000 / CHUNK_LINES));
    expect(mostInFlight).toBeGreaterThan(1);
    expect(mostInFlight).toBeLessThanOrEqual(2 * CHUNKS_PER_WORKER);
  });

  it('when stdout does not drain, then stdin is read no further than the chunks in flight, and all 100,000 lines come out in order once it drains', async () => {
    const written: string[] = [];
    let hold: (() => void) | undefined;
    const stdout = new Writable({
      highWaterMark: 1,
      write(chunk: Buffer, _encoding, done) {
        written.push(chunk.toString('utf8'));
        // The first write is held until released: stdout is full.
        if (written.length === 1) hold = done;
        else done();
      },
    });
    const pool: BatchPool = {
      size: 1,
      judge: (lines) => Promise.resolve(echo(lines)),
      close: () => Promise.resolve(),
    };
    const input = numberedLines(100_000);
    const running = onPool(pool, input.stream, stdout);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(hold).toBeDefined();
    // In flight: the chunk written, 3 more, the one being filled, and what the streams hold.
    expect(input.read()).toBeLessThanOrEqual((CHUNKS_PER_WORKER + 2) * CHUNK_LINES + 2000);
    hold?.();
    expect(await running).toBe(0);
    expect(input.read()).toBe(100_000);
    const text = written.join('');
    expect(text.split('\n')).toHaveLength(100_001);
    expect(text.startsWith('"line 0"\n"line 1"\n')).toBe(true);
    expect(text.endsWith('"line 99998"\n"line 99999"\n')).toBe(true);
  });

  it('when a line is invalid, then exit 1; a line past the limit goes to the pool as its length', async () => {
    const out = collector();
    const seen: ChunkLine[] = [];
    const pool: BatchPool = {
      size: 1,
      judge(lines) {
        seen.push(...lines);
        return Promise.resolve(echo(lines));
      },
      close: () => Promise.resolve(),
    };
    const code = await onPool(
      pool,
      Readable.from([Buffer.from(`good\r\nbad\n${'x'.repeat(101)}\n\nlast`)]),
      out.stream,
    );
    expect(code).toBe(1);
    expect(seen).toEqual(['good', 'bad', 101, '', 'last']);
    expect(out.text()).toBe('"good"\n"bad"\n101\n""\n"last"\n');
  });
});

describe('runOnPool, with worker threads', () => {
  it('when a worker exits on a chunk, then the run fails naming the exit code and how many lines were written, and those are the first lines in order', async () => {
    const pool = startBatchPool({
      setup: { kind: 'jws', jwks: [] },
      size: 2,
      entry: FAILING_WORKER,
    });
    const out = collector();
    const input = Array.from({ length: 2000 }, (_, i) => (i === 1500 ? 'exit' : `line ${i}`));
    try {
      await pool.ready;
      const error: unknown = await onPool(
        pool,
        Readable.from([Buffer.from(`${input.join('\n')}\n`)]),
        out.stream,
      ).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(BatchWorkerError);
      const message = (error as Error).message;
      const match =
        /^batch worker: expected to keep running, found it exited with code 3; the output stops after (\d+) lines$/.exec(
          message,
        );
      expect(match, message).not.toBeNull();
      const written = Number(match?.[1]);
      expect(written).toBeLessThanOrEqual(1500);
      expect(out.text()).toBe(
        input
          .slice(0, written)
          .map((l) => `${JSON.stringify(l)}\n`)
          .join(''),
      );
    } finally {
      await pool.close();
    }
  });

  it('when a worker answers a chunk "failed", then the run fails in one line with the worker\'s message', async () => {
    const pool = startBatchPool({
      setup: { kind: 'jws', jwks: [] },
      size: 1,
      entry: FAILING_WORKER,
    });
    const out = collector();
    try {
      await pool.ready;
      await expect(
        onPool(pool, Readable.from([Buffer.from('fail\n')]), out.stream),
      ).rejects.toThrow(
        /^batch worker: expected to judge a chunk, found TypeError: boom at judge \(worker\.ts:1:1\); the output stops after 0 lines$/,
      );
      expect(out.text()).toBe('');
    } finally {
      await pool.close();
    }
  });

  it('when the workers cannot build their judge (a JWKS without keys), then the pool is never ready, for that reason', async () => {
    const pool = startBatchPool({ setup: { kind: 'jws', jwks: [{ keys: [] }] }, size: 2 });
    try {
      await expect(pool.ready).rejects.toThrow(
        new BatchWorkerError(
          'batch worker: expected to load the keys and status lists, found ERR_KEY_INVALID: JWKS: expected at least one key, found none',
        ),
      );
    } finally {
      await pool.close();
    }
  });
});

describe('runBatch with worker threads that echo', () => {
  const setup = {
    kind: 'jws',
    jwks: [loadTestKeys().issuerJwks],
  } as const;

  it('when stdin ends within the first chunk, then every line is judged here (no echo)', async () => {
    const out = collector();
    const code = await runBatch(
      io(Readable.from([Buffer.from('one\ntwo\n')]), out.stream),
      setup,
      2,
      FAILING_WORKER,
    );
    expect(code).toBe(1);
    expect(out.text()).toBe(
      '{"valid":false,"code":"ERR_MALFORMED","reason":"JWS: expected 3 dot-separated segments, found 1"}\n'.repeat(
        2,
      ),
    );
  });

  it('when stdin has more lines than the first chunk, then the workers judge every line, in order', async () => {
    const out = collector();
    const input = Array.from({ length: CHUNK_LINES + 1 }, (_, i) => `line ${i}`);
    const code = await runBatch(
      io(Readable.from([Buffer.from(`${input.join('\n')}\n`)]), out.stream),
      setup,
      2,
      FAILING_WORKER,
    );
    expect(code).toBe(0);
    expect(out.text()).toBe(input.map((l) => `${JSON.stringify(l)}\n`).join(''));
  });

  it('when the first chunk is not full after 50 ms (lines typed by hand), then the workers judge it and every line after', async () => {
    const out = collector();
    const stdin = Readable.from(
      (async function* () {
        yield Buffer.from('bad one\n');
        await new Promise((resolve) => setTimeout(resolve, 200));
        yield Buffer.from('two\n');
      })(),
    );
    const code = await runBatch(io(stdin, out.stream), setup, 2, FAILING_WORKER);
    expect(code).toBe(1);
    expect(out.text()).toBe('"bad one"\n"two"\n');
  });
});

/** A format 1 credential of the reference licence, issued at `now` with the fixed test keys. */
async function credentialAt(now: Date): Promise<string> {
  const keys = loadTestKeys();
  return signCredential(
    {
      licence: referenceLicence(0),
      holderKey: keys.holder.publicJwk.x,
      issuer: 'https://dl.122.gov.cn',
      status: { idx: 5, uri: 'https://dl.122.gov.cn/status/44/1' },
      now,
      validDays: 30,
    },
    keys.issuer,
  );
}

describe('judgeOf', () => {
  it('when the setup has no --now, then each line is judged at the time the clock gives when it is verified', async () => {
    const keys = loadTestKeys();
    const now = new Date('2026-11-24T10:00:00+08:00');
    const code = await createPresentation(await credentialAt(now), keys.holder, { now });
    const times = [5, 500, 5].map((s) => new Date(now.getTime() + s * 1000));
    const judge = judgeOf(
      {
        kind: 'presentation',
        jwks: [keys.issuerJwks],
        statusLists: [],
        proofMaxAge: 60,
        clockTolerance: 10,
        statusMaxAge: 86_400,
        strict: false,
        rejectV1: false,
      },
      () => times.shift() ?? new Date(0),
    );
    const verdicts = [1, 2, 3].map(() => {
      const r = JSON.parse(judge({ text: code }).json) as { valid: boolean; code?: string };
      return [r.valid, r.code];
    });
    expect(verdicts).toEqual([
      [true, undefined],
      [false, 'ERR_PROOF_EXPIRED'],
      [true, undefined],
    ]);
    expect(times).toEqual([]);
  });
});

describe('verify --batch in process', () => {
  it('when --jobs 2 (workers from the sources), then the same bytes as --jobs 1: valid, ERR_MALFORMED, ERR_TOO_LARGE, ERR_PROOF_EXPIRED, and exit 1', async () => {
    const keys = loadTestKeys();
    const now = new Date('2026-11-24T10:00:00+08:00');
    const credential = await credentialAt(now);
    const fresh = await createPresentation(credential, keys.holder, { now });
    const old = await createPresentation(credential, keys.holder, {
      now: new Date(now.getTime() - 200_000),
    });
    const kinds = [fresh, 'garbage', '', 'x'.repeat(20_000), old];
    const input = Array.from({ length: 600 }, (_, i) => kinds[i % kinds.length]).join('\n');
    const trust = new URL(KEY_FILES.issuerJwks, KEYS_DIR).pathname;
    const run = async (jobs: string) => {
      const out = collector();
      const err = collector();
      const code = await main(
        [
          'verify',
          '--batch',
          '--trust',
          trust,
          '--now',
          '2026-11-24T10:00:05+08:00',
          '--jobs',
          jobs,
        ],
        io(Readable.from([Buffer.from(`${input}\n`)]), out.stream, err.stream),
      );
      return { code, stdout: out.text(), stderr: err.text() };
    };
    const one = await run('1');
    const two = await run('2');
    expect(one).toMatchObject({ code: 1, stderr: '' });
    expect(two).toEqual(one);
    const verdicts = one.stdout
      .trimEnd()
      .split('\n')
      .map((l) => {
        const r = JSON.parse(l) as { valid: boolean; code?: string };
        return [r.valid, r.code];
      });
    expect(verdicts).toEqual(
      Array.from(
        { length: 600 },
        (_, i) =>
          [
            [true, undefined],
            [false, 'ERR_MALFORMED'],
            [false, 'ERR_MALFORMED'],
            [false, 'ERR_TOO_LARGE'],
            [false, 'ERR_PROOF_EXPIRED'],
          ][i % 5],
      ),
    );
  });
});
