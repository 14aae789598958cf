/**
 * One worker thread of a pool: its ready handshake, its jobs in flight under ids, and how it
 * fails. What its messages mean, and the errors it fails with, are the pool's (the signing pool,
 * the batch verifier's pool); the bookkeeping is this one.
 */
import type { Worker } from 'node:worker_threads';
import { startWorker } from './worker-entry.js';

/** What one message of a worker means. */
export type WorkerEvent<A> =
  /** The worker has loaded what it needs: jobs may come. */
  | { readonly kind: 'ready' }
  /** The answer to job `id`. */
  | { readonly kind: 'answer'; readonly id: number; readonly answer: A }
  /** Job `id` failed; the worker goes on. */
  | { readonly kind: 'rejected'; readonly id: number; readonly error: Error }
  /** The worker cannot go on: it, and every job in hand, fail with `error`. */
  | { readonly kind: 'failed'; readonly error: Error };

/** How a pool reads its workers. */
export interface ThreadWorkerOptions<R, A> {
  readonly url: URL;
  readonly workerData: unknown;
  /** What a message of the worker means. */
  readonly read: (reply: R) => WorkerEvent<A>;
  /** The error of a worker stopped by an uncaught error. */
  readonly stopped: (cause: Error) => Error;
  /** The error of a worker that exited: `closing` when the pool closed it. */
  readonly exited: (code: number, closing: boolean) => Error;
}

interface Pending<A> {
  resolve(answer: A): void;
  reject(error: Error): void;
}

/** A worker thread that answers jobs sent as `{ id, ...job }`, each under its own id. */
export class ThreadWorker<J extends object, R, A> {
  /** Settles when the worker is ready; rejects when it fails first. */
  readonly ready: Promise<void>;
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending<A>>();
  private nextId = 0;
  private failure: Error | undefined;
  private closing = false;

  constructor(options: ThreadWorkerOptions<R, A>) {
    this.worker = startWorker(options.url, { workerData: options.workerData });
    let started: { resolve(): void; reject(error: Error): void } | undefined;
    this.ready = new Promise<void>((resolve, reject) => {
      started = { resolve, reject };
    });
    // Always observed (the pool awaits it too): a failure after the start is not unhandled.
    this.ready.catch(() => undefined);
    const fail = (error: Error) => {
      this.failure ??= error;
      started?.reject(this.failure);
      started = undefined;
      for (const p of this.pending.values()) p.reject(this.failure);
      this.pending.clear();
    };
    const settle = (id: number) => {
      const p = this.pending.get(id);
      this.pending.delete(id);
      return p;
    };
    this.worker.on('message', (reply: R) => {
      const event = options.read(reply);
      switch (event.kind) {
        case 'ready':
          started?.resolve();
          started = undefined;
          return;
        case 'answer':
          settle(event.id)?.resolve(event.answer);
          return;
        case 'rejected':
          settle(event.id)?.reject(event.error);
          return;
        case 'failed':
          fail(event.error);
      }
    });
    this.worker.on('error', (cause) => {
      fail(options.stopped(cause));
    });
    this.worker.on('exit', (code) => {
      fail(options.exited(code, this.closing));
    });
  }

  /** Jobs sent and not answered yet. */
  get load(): number {
    return this.pending.size;
  }

  /** Sends `job` under a new id; resolves with its answer. */
  run(job: J): Promise<A> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<A>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, ...job });
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.worker.terminate();
  }
}
