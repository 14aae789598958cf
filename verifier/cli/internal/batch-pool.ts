import { ThreadWorker } from '../../../shared/node/thread-worker.js';
import { workerUrl } from '../../../shared/node/worker-entry.js';
import type { BatchSetup, ChunkLine, Judged } from './batch-judge.js';

/** What the main thread sends a worker: a chunk of lines, under an id. */
export interface ChunkMessage {
  readonly id: number;
  readonly lines: readonly ChunkLine[];
}

/** What a worker sends back. */
export type BatchWorkerReply =
  | { readonly type: 'ready' }
  | ({ readonly type: 'judged'; readonly id: number } & Judged)
  | { readonly type: 'failed'; readonly id?: number; readonly message: string };

/** A worker that failed, stopped or exited: the message is one line, saying which and why. */
export class BatchWorkerError extends Error {
  override readonly name = 'BatchWorkerError';
}

/** Judges chunks of lines on worker threads, each built from the setup's plain data. */
export interface BatchPool {
  /** Worker threads. */
  readonly size: number;
  /**
   * Judges a chunk on the worker with the fewest chunks in hand.
   * @throws {BatchWorkerError} when that worker failed on it, or stopped.
   */
  judge(lines: readonly ChunkLine[]): Promise<Judged>;
  /** Stops the workers; chunks still in flight are rejected. */
  close(): Promise<void>;
}

/** Most worker threads a pool starts. */
export const MAX_POOL_SIZE = 256;

const oneLine = (text: string): string => text.replace(/\s*\n\s*/g, ' ').trim();

/** One worker of the pool, judging chunks. */
function batchWorker(entry: URL, setup: BatchSetup) {
  return new ThreadWorker<{ lines: readonly ChunkLine[] }, BatchWorkerReply, Judged>({
    url: entry,
    workerData: setup,
    read(reply) {
      if (reply.type === 'ready') return { kind: 'ready' };
      if (reply.type === 'judged')
        return {
          kind: 'answer',
          id: reply.id,
          answer: { output: reply.output, lines: reply.lines, invalid: reply.invalid },
        };
      const message = oneLine(reply.message);
      return {
        kind: 'failed',
        error: new BatchWorkerError(
          reply.id === undefined
            ? `batch worker: expected to load the keys and status lists, found ${message}`
            : `batch worker: expected to judge a chunk, found ${message}`,
        ),
      };
    },
    stopped: (cause) => new BatchWorkerError(`batch worker: stopped by ${oneLine(cause.message)}`),
    exited: (code, closing) =>
      new BatchWorkerError(
        closing
          ? 'batch worker: expected a chunk to finish, found the pool closed'
          : `batch worker: expected to keep running, found it exited with code ${code}`,
      ),
  });
}

/** A pool whose workers may still be starting. */
export interface StartingPool extends BatchPool {
  /**
   * Settles when every worker is ready.
   * @throws {BatchWorkerError} when a worker cannot build its judge, or stops, first.
   */
  readonly ready: Promise<void>;
}

/**
 * Starts `size` worker threads, each building its judge from `setup` (the JWKS sets and status
 * list tokens as read, the options); `ready` says when they are. Close it whatever happens.
 * @param entry the worker module; batch-worker beside this file unless given.
 * @throws {RangeError} on a size that is not an integer 1-256.
 */
export function startBatchPool(options: {
  readonly setup: BatchSetup;
  readonly size: number;
  readonly entry?: URL;
}): StartingPool {
  const { size, setup } = options;
  if (!Number.isSafeInteger(size) || size < 1 || size > MAX_POOL_SIZE)
    throw new RangeError(`size: expected an integer 1-${MAX_POOL_SIZE}, found ${size}`);
  const entry = options.entry ?? workerUrl(import.meta.url, 'batch-worker');
  const workers = Array.from({ length: size }, () => batchWorker(entry, setup));
  const ready = Promise.all(workers.map((w) => w.ready)).then(() => undefined);
  // Observed here: a pool closed before it was ready, or never asked, is not unhandled.
  ready.catch(() => undefined);
  return {
    size,
    ready,
    judge(lines) {
      let least = workers[0] as ReturnType<typeof batchWorker>;
      for (const w of workers) if (w.load < least.load) least = w;
      return least.run({ lines });
    },
    async close() {
      await Promise.all(workers.map((w) => w.close()));
    },
  };
}
