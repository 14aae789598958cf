import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { CodedError } from '../../../shared/errors.js';
import { startWorker, workerUrl } from '../../../shared/node/worker-entry.js';
import type { LicenceRecord } from '../../../shared/licence/record.js';
import type { IssuedCredentialV2 } from '../../../shared/sd/credential-v2.js';
import type { IssueRequest } from '../../sign-credential.js';

/**
 * One credential to sign, as plain data that survives a structured clone to a worker thread:
 * an {@link IssueRequest} with `now` as epoch milliseconds and `jti` required.
 */
export interface SignJob {
  readonly licence: LicenceRecord;
  readonly holderKey: string;
  readonly issuer: string;
  readonly status: { readonly idx: number; readonly uri: string };
  readonly portraitHash?: string;
  /** Epoch milliseconds. */
  readonly now: number;
  readonly validDays: number;
  readonly jti: string;
}

/** The {@link IssueRequest} of a job. */
export function toIssueRequest(job: SignJob): IssueRequest {
  return { ...job, now: new Date(job.now) };
}

/** What the main thread sends a worker: a batch of jobs to sign, under an id. */
export interface SignBatchMessage {
  readonly id: number;
  readonly jobs: readonly SignJob[];
}

/** An error as it crosses from a worker (an Error's own fields are not all cloned). */
export interface WorkerErrorData {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
}

/** What a worker sends back. */
export type SignWorkerReply =
  | { readonly type: 'ready'; readonly kid: string }
  | {
      readonly type: 'signed';
      readonly id: number;
      readonly credentials: IssuedCredentialV2[];
    }
  | { readonly type: 'failed'; readonly id?: number; readonly error: WorkerErrorData };

/** What a worker is started with: the path of the key file, never the key itself. */
export interface SignWorkerData {
  readonly keyFile: string;
}

/** Why the pool could not sign: its key would not open, or a worker failed or stopped. */
export type SignPoolErrorCode = 'ERR_SIGN_WORKER' | 'ERR_SIGN_KEY_MISMATCH';

/** An error of the signing pool, with a stable `code`; the worker's own error as `cause`. */
export class SignPoolError extends CodedError<SignPoolErrorCode> {
  override readonly name = 'SignPoolError';
}

/** Signs credentials on worker threads; the key never crosses a thread, only its file's path. */
export interface SignPool {
  /** Worker threads. */
  readonly size: number;
  /**
   * Signs the jobs (format version 2), split across the workers; the credentials and holder's
   * copies come back in the jobs' order.
   * @throws {SignPoolError} `ERR_SIGN_WORKER` when a worker failed on the batch or stopped.
   */
  sign(jobs: readonly SignJob[]): Promise<IssuedCredentialV2[]>;
  /** Stops the workers; batches still in flight are rejected. */
  close(): Promise<void>;
}

/**
 * Worker threads by default: one a core the process may use, less the main thread's, at least
 * one. The main thread is busy too (it reads and writes the batches): on 2 cores, 1 worker
 * re-issued about 10 % more per second than 2, which took turns with it on the same cores.
 */
export function defaultPoolSize(): number {
  return Math.max(1, availableParallelism() - 1);
}

/** Errors cloned from a worker, rebuilt with their name, message and code. */
function fromWorker(data: WorkerErrorData): Error {
  const error = new Error(data.message);
  error.name = data.name;
  return data.code === undefined ? error : Object.assign(error, { code: data.code });
}

interface Pending {
  resolve(credentials: IssuedCredentialV2[]): void;
  reject(error: Error): void;
}

/** One worker: its ready handshake, its batches in flight, and how it fails. */
class PooledWorker {
  readonly ready: Promise<void>;
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private failure: Error | undefined;
  private closing = false;

  constructor(keyFile: string, kid: string) {
    const workerData: SignWorkerData = { keyFile };
    this.worker = startWorker(workerUrl(import.meta.url, 'sign-worker'), { workerData });
    let started: { resolve(): void; reject(error: Error): void } | undefined;
    this.ready = new Promise<void>((resolve, reject) => {
      started = { resolve, reject };
    });
    const fail = (error: Error) => {
      this.failure ??= error;
      started?.reject(this.failure);
      started = undefined;
      for (const p of this.pending.values()) p.reject(this.failure);
      this.pending.clear();
    };
    this.worker.on('message', (reply: SignWorkerReply) => {
      if (reply.type === 'ready') {
        if (reply.kid === kid) {
          started?.resolve();
          started = undefined;
          return;
        }
        fail(
          new SignPoolError(
            'ERR_SIGN_KEY_MISMATCH',
            `signing worker: expected the current key ${kid} in ${keyFile}, found key ${reply.kid}`,
          ),
        );
        return;
      }
      if (reply.type === 'signed') {
        const p = this.pending.get(reply.id);
        this.pending.delete(reply.id);
        p?.resolve(reply.credentials);
        return;
      }
      const cause = fromWorker(reply.error);
      const error = new SignPoolError(
        'ERR_SIGN_WORKER',
        reply.id === undefined
          ? `signing worker: expected to open the signing key ${keyFile}, found ${cause.message}`
          : `signing worker: a batch failed: ${cause.message}`,
        { cause },
      );
      if (reply.id === undefined) {
        fail(error);
        return;
      }
      const p = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      p?.reject(error);
    });
    this.worker.on('error', (cause) => {
      fail(
        new SignPoolError('ERR_SIGN_WORKER', `signing worker: stopped by ${cause.message}`, {
          cause,
        }),
      );
    });
    this.worker.on('exit', (code) => {
      fail(
        new SignPoolError(
          'ERR_SIGN_WORKER',
          this.closing
            ? 'signing worker: expected a batch to finish, found the pool closed'
            : `signing worker: expected to keep running, found it exited with code ${code}`,
        ),
      );
    });
  }

  sign(jobs: readonly SignJob[]): Promise<IssuedCredentialV2[]> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<IssuedCredentialV2[]>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      const message: SignBatchMessage = { id, jobs };
      this.worker.postMessage(message);
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.worker.terminate();
  }
}

/**
 * Starts `size` worker threads, each opening the private key file `keyFile` itself, and waits
 * until each has the key whose id is `kid` (the signer the caller would use otherwise).
 * @throws {SignPoolError} `ERR_SIGN_WORKER` when a worker cannot open the key (the file was
 *   removed, or is not a private JWK); `ERR_SIGN_KEY_MISMATCH` when the file holds another key.
 * @throws {RangeError} on a size that is not a positive integer.
 */
export async function openSignPool(options: {
  readonly keyFile: string;
  readonly kid: string;
  readonly size?: number;
}): Promise<SignPool> {
  const size = options.size ?? defaultPoolSize();
  if (!Number.isSafeInteger(size) || size < 1 || size > 256)
    throw new RangeError(`size: expected an integer 1-256, found ${size}`);
  const workers = Array.from(
    { length: size },
    () => new PooledWorker(options.keyFile, options.kid),
  );
  const close = async () => {
    await Promise.all(workers.map((w) => w.close()));
  };
  try {
    await Promise.all(workers.map((w) => w.ready));
  } catch (error) {
    await close();
    throw error;
  }
  return {
    size,
    async sign(jobs) {
      // Even slices, one a worker: the jobs cost about the same each.
      const share = Math.ceil(jobs.length / size);
      const parts = await Promise.all(
        workers.flatMap((w, k) => {
          const slice = jobs.slice(k * share, (k + 1) * share);
          return slice.length === 0 ? [] : [w.sign(slice)];
        }),
      );
      return parts.flat();
    },
    close,
  };
}
