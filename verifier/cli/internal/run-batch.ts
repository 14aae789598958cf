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
import { MAX_POOL_SIZE, startBatchPool, type BatchPool } from './batch-pool.js';

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
 * How long the first chunk waits for stdin to end after its first line came. An input that ends
 * within its first chunk is judged in the command's own thread: starting the workers (each loads
 * the verifier) would cost more than spreading a few lines saves.
 */
export const FIRST_CHUNK_WAIT_MS = 50;

/** Reads lines one at a time; a line asked for and not taken stays the next one. */
export class LineReader {
  private pending: Promise<IteratorResult<Line>> | undefined;

  constructor(private readonly source: AsyncIterator<Line>) {}

  /** The next line, the same promise until it is taken. */
  next(): Promise<IteratorResult<Line>> {
    if (this.pending === undefined) {
      this.pending = this.source.next();
      // Observed here: a read that fails while nobody waits for it is not unhandled.
      this.pending.catch(() => undefined);
    }
    return this.pending;
  }

  /** Takes the line next() gave (once it settled): the next call reads another. */
  take(): void {
    this.pending = undefined;
  }
}

/**
 * Runs a batch: every line of stdin judged by `setup`, on `jobs` threads (1: this thread).
 * Returns the exit code: 0 when every line was valid, 1 otherwise.
 * @param entry the worker module; the verifier's batch worker unless given.
 * @throws {BatchWorkerError} when a worker fails or stops; the lines written before stay, the
 *   message says how many.
 */
export async function runBatch(
  io: Io,
  setup: BatchSetup,
  jobs: number,
  entry?: URL,
): Promise<number> {
  const reader = new LineReader(lines(io.stdin, maxLineBytes(setup.kind))[Symbol.asyncIterator]());
  if (jobs === 1) return runHere(io, judgeOf(setup, io.now), [], reader);
  const first = await firstChunk(reader);
  if (first.ended) return runHere(io, judgeOf(setup, io.now), first.lines);
  const pool = startBatchPool({ setup, size: jobs, ...(entry === undefined ? {} : { entry }) });
  try {
    await pool.ready;
    return await runOnPool(io, pool, reader, first.lines);
  } finally {
    await pool.close();
  }
}

/**
 * The lines of the first chunk: until it is full, stdin ends (`ended`), or FIRST_CHUNK_WAIT_MS
 * after its first line.
 */
async function firstChunk(reader: LineReader): Promise<{ lines: Line[]; ended: boolean }> {
  const read: Line[] = [];
  let characters = 0;
  let timer: NodeJS.Timeout | undefined;
  const waited = new Promise<'waited'>((resolve) => {
    const start = () => {
      timer = setTimeout(resolve, FIRST_CHUNK_WAIT_MS, 'waited');
    };
    // The clock starts at the first line, not while stdin has not begun.
    void reader.next().then(start, start);
  });
  try {
    while (read.length < CHUNK_LINES && characters < CHUNK_CHARACTERS) {
      const step = await Promise.race([reader.next(), waited]);
      if (step === 'waited') return { lines: read, ended: false };
      reader.take();
      if (step.done === true) return { lines: read, ended: true };
      read.push(step.value);
      if ('text' in step.value) characters += step.value.text.length;
    }
    return { lines: read, ended: false };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Lines judged in this thread: `read` first, then every line of `reader` as it is read, each
 * written before the next is read.
 */
async function runHere(
  io: Io,
  judge: Judge,
  read: readonly Line[],
  reader?: LineReader,
): Promise<number> {
  let invalid = 0;
  const answer = async (line: Line) => {
    const verdict = judge(line);
    if (!verdict.valid) invalid++;
    await write(io.stdout, `${verdict.json}\n`);
  };
  for (const line of read) await answer(line);
  if (reader !== undefined) {
    for (;;) {
      const step = await reader.next();
      reader.take();
      if (step.done === true) break;
      await answer(step.value);
    }
  }
  return invalid === 0 ? EXIT.VALID : EXIT.INVALID;
}

const IDLE = Symbol('idle');
/** Resolves once the event loop has polled for input: whatever was ready has been read by then. */
const idle = (): Promise<typeof IDLE> =>
  new Promise((resolve) => {
    setImmediate(resolve, IDLE);
  });

/**
 * Lines in chunks on the pool's workers: `read` first, then the lines of `reader`, after the
 * lines `before` written here. The reader
 * sends a chunk when it is full, or when stdin has nothing more ready (so a line typed by hand
 * is answered without waiting for more); it waits while the chunks in flight are at the limit.
 * The writer writes the chunks' answers in the order the chunks were sent. A failure of either
 * stops both.
 */
export async function runOnPool(
  io: Io,
  pool: BatchPool,
  reader: LineReader,
  read: readonly Line[] = [],
  before: { readonly written: number; readonly valid: boolean } = { written: 0, valid: true },
): Promise<number> {
  const limit = pool.size * CHUNKS_PER_WORKER;
  const inFlight: Promise<Judged>[] = [];
  let written = before.written;
  // Changed by the reader, the writer and fail(): fields, which the compiler does not narrow.
  const state: { allValid: boolean; readerDone: boolean; failure?: { readonly error: unknown } } = {
    allValid: before.valid,
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
      await Promise.race([write(io.stdout, judged.output), stopped]);
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
  const add = async (line: Line) => {
    if ('text' in line) {
      chunk.push(line.text);
      chunkCharacters += line.text.length;
    } else chunk.push(line.tooLongBytes);
    if (chunk.length >= CHUNK_LINES || chunkCharacters >= CHUNK_CHARACTERS) await send();
  };

  try {
    for (const line of read) await add(line);
    for (;;) {
      const next = reader.next();
      let step = await Promise.race([chunk.length > 0 ? idle() : next, next, stopped]);
      if (step === IDLE) {
        await send();
        step = await Promise.race([next, stopped]);
      }
      reader.take();
      if (step.done === true) break;
      await add(step.value);
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
