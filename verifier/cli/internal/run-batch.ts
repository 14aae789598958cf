/*
 * `--batch`: one input a line on stdin, one JSON line an input on stdout, in input order, in
 * constant memory. With one job, every line is judged in the command's own thread; with more, in
 * chunks on worker threads, a bounded number of chunks in flight, each written out in input order
 * as soon as it and every chunk before it are answered, each write waiting for stdout to drain.
 */
import { availableParallelism } from 'node:os';
import { EXIT, lines, write, type Io, type Line } from '../../../shared/cli/command.js';
import {
  judgeOf,
  maxLineBytes,
  type BatchSetup,
  type ChunkLine,
  type Judge,
  type Judged,
} from './batch-judge.js';
import { MAX_POOL_SIZE, openBatchPool, type BatchPool } from './batch-pool.js';

/** Jobs by default: one a core the process may use. */
export function defaultJobs(): number {
  return Math.min(availableParallelism(), MAX_POOL_SIZE);
}

/** The most jobs --jobs takes. */
export const MAX_JOBS = MAX_POOL_SIZE;

/** A chunk is sent to a worker at this many lines… */
export const CHUNK_LINES = 256;
/** …or this many characters of text, whichever comes first (or when stdin pauses). */
export const CHUNK_CHARACTERS = 256 * 1024;
/** Chunks in flight (sent, or answered and not yet written) per worker, at most. */
export const CHUNKS_PER_WORKER = 3;

/**
 * Runs a batch: every line of stdin judged by `setup`, on `jobs` threads (1: this thread).
 * Returns the exit code: 0 when every line was valid, 1 otherwise.
 * @throws {BatchWorkerError} when a worker fails or stops; the lines written before stay, the
 *   message says how many.
 */
export async function runBatch(io: Io, setup: BatchSetup, jobs: number): Promise<number> {
  if (jobs === 1) return runHere(io, judgeOf(setup, io.now), maxLineBytes(setup.kind));
  const pool = await openBatchPool({ setup, size: jobs });
  try {
    return await runOnPool(io, pool, maxLineBytes(setup.kind));
  } finally {
    await pool.close();
  }
}

/** Every line judged in this thread, as it is read, and written before the next is read. */
async function runHere(io: Io, judge: Judge, maxBytes: number): Promise<number> {
  let allValid = true;
  for await (const line of lines(io.stdin, maxBytes)) {
    const verdict = judge(line);
    allValid &&= verdict.valid;
    await write(io.stdout, `${verdict.json}\n`);
  }
  return allValid ? EXIT.VALID : EXIT.INVALID;
}

const IDLE = Symbol('idle');
/** Resolves once the event loop has polled for input: whatever was ready has been read by then. */
const idle = (): Promise<typeof IDLE> =>
  new Promise((resolve) => {
    setImmediate(resolve, IDLE);
  });

/**
 * Lines in chunks on the pool's workers. The reader sends a chunk when it is full, or when stdin
 * has nothing more ready (so a line typed by hand is answered without waiting for more); it
 * waits while the chunks in flight are at the limit. The writer writes the chunks' answers in
 * the order the chunks were sent. A failure of either stops both.
 */
export async function runOnPool(io: Io, pool: BatchPool, maxBytes: number): Promise<number> {
  const limit = pool.size * CHUNKS_PER_WORKER;
  const inFlight: Promise<Judged>[] = [];
  let written = 0;
  // Changed by the reader, the writer and fail(): fields, which the compiler does not narrow.
  const state: { allValid: boolean; readerDone: boolean; failure?: { readonly error: unknown } } = {
    allValid: true,
    readerDone: false,
  };

  // Wakes whoever waits on the queue: the writer for a chunk sent, the reader for room.
  let waiting: (() => void)[] = [];
  const changed = () => {
    const woken = waiting;
    waiting = [];
    for (const wake of woken) wake();
  };
  const nextChange = () =>
    new Promise<void>((resolve) => {
      waiting.push(resolve);
    });
  // Rejects when either side fails, so the other stops waiting.
  let stop: (error: unknown) => void = () => undefined;
  const stopped = new Promise<never>((_, reject) => {
    stop = reject;
  });
  stopped.catch(() => undefined);
  const fail = (error: unknown) => {
    state.failure ??= { error };
    stop(state.failure.error);
  };

  const writer = (async () => {
    for (;;) {
      while (inFlight.length === 0) {
        if (state.readerDone) return;
        await Promise.race([nextChange(), stopped]);
      }
      const judged = await (inFlight[0] as Promise<Judged>);
      state.allValid &&= judged.invalid === 0;
      await Promise.race([write(io.stdout, judged.text), stopped]);
      written += judged.lines;
      void inFlight.shift();
      changed();
    }
  })();
  const writerDone = writer.catch(fail);

  let chunk: ChunkLine[] = [];
  let chunkCharacters = 0;
  const send = async () => {
    if (chunk.length === 0) return;
    while (inFlight.length >= limit) await Promise.race([nextChange(), stopped]);
    const judged = pool.judge(chunk);
    // Observed here: a chunk that fails behind the one being written is not unhandled.
    judged.catch(() => undefined);
    inFlight.push(judged);
    chunk = [];
    chunkCharacters = 0;
    changed();
  };
  const add = (line: Line) => {
    if ('text' in line) {
      chunk.push(line.text);
      chunkCharacters += line.text.length;
    } else chunk.push(line.tooLongBytes);
  };

  try {
    const reader = lines(io.stdin, maxBytes)[Symbol.asyncIterator]();
    let next = reader.next();
    next.catch(() => undefined);
    for (;;) {
      let step = await Promise.race([chunk.length > 0 ? idle() : next, next, stopped]);
      if (step === IDLE) {
        await send();
        step = await Promise.race([next, stopped]);
      }
      if (step.done === true) break;
      next = reader.next();
      next.catch(() => undefined);
      add(step.value);
      if (chunk.length >= CHUNK_LINES || chunkCharacters >= CHUNK_CHARACTERS) await send();
    }
    await send();
  } catch (error) {
    fail(error);
  }
  state.readerDone = true;
  changed();
  await writerDone;
  if (state.failure !== undefined) {
    const { error } = state.failure;
    if (error instanceof Error)
      error.message = `${error.message}; the output stops after ${written} lines`;
    throw error;
  }
  return state.allValid ? EXIT.VALID : EXIT.INVALID;
}
