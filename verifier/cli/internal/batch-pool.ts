import type { Worker } from 'node:worker_threads';
import { startWorker, workerUrl } from '../../../shared/node/worker-entry.js';
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

interface Pending {
  resolve(judged: Judged): void;
  reject(error: Error): void;
}

/** One worker: its ready handshake, its chunks in flight, and how it fails. */
class PooledWorker {
  readonly ready: Promise<void>;
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private failure: Error | undefined;
  private closing = false;

  constructor(entry: URL, setup: BatchSetup) {
    this.worker = startWorker(entry, { workerData: setup });
    let started: { resolve(): void; reject(error: Error): void } | undefined;
    this.ready = new Promise<void>((resolve, reject) => {
      started = { resolve, reject };
    });
    // Always observed (start() awaits it too): a failure after the start is not unhandled.
    this.ready.catch(() => undefined);
    const fail = (error: Error) => {
      this.failure ??= error;
      started?.reject(this.failure);
      started = undefined;
      for (const p of this.pending.values()) p.reject(this.failure);
      this.pending.clear();
    };
    this.worker.on('message', (reply: BatchWorkerReply) => {
      if (reply.type === 'ready') {
        started?.resolve();
        started = undefined;
        return;
      }
      if (reply.type === 'judged') {
        const p = this.pending.get(reply.id);
        this.pending.delete(reply.id);
        p?.resolve({ output: reply.output, lines: reply.lines, invalid: reply.invalid });
        return;
      }
      const message = oneLine(reply.message);
      if (reply.id === undefined) {
        fail(
          new BatchWorkerError(
            `batch worker: expected to load the keys and status lists, found ${message}`,
          ),
        );
        return;
      }
      fail(new BatchWorkerError(`batch worker: expected to judge a chunk, found ${message}`));
    });
    this.worker.on('error', (cause) => {
      fail(new BatchWorkerError(`batch worker: stopped by ${oneLine(cause.message)}`));
    });
    this.worker.on('exit', (code) => {
      fail(
        new BatchWorkerError(
          this.closing
            ? 'batch worker: expected a chunk to finish, found the pool closed'
            : `batch worker: expected to keep running, found it exited with code ${code}`,
        ),
      );
    });
  }

  /** Chunks sent and not answered yet. */
  get load(): number {
    return this.pending.size;
  }

  judge(lines: readonly ChunkLine[]): Promise<Judged> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<Judged>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      const message: ChunkMessage = { id, lines };
      this.worker.postMessage(message);
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.worker.terminate();
  }
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
  const workers = Array.from({ length: size }, () => new PooledWorker(entry, setup));
  const ready = Promise.all(workers.map((w) => w.ready)).then(() => undefined);
  // Observed here: a pool closed before it was ready, or never asked, is not unhandled.
  ready.catch(() => undefined);
  return {
    size,
    ready,
    judge(lines) {
      let least = workers[0] as PooledWorker;
      for (const w of workers) if (w.load < least.load) least = w;
      return least.judge(lines);
    },
    async close() {
      await Promise.all(workers.map((w) => w.close()));
    },
  };
}
