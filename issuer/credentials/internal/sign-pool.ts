import { availableParallelism } from 'node:os';
import { CodedError } from '../../../shared/errors.js';
import { ThreadWorker } from '../../../shared/node/thread-worker.js';
import { workerUrl } from '../../../shared/node/worker-entry.js';
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

/** One worker of the pool, with the key file `keyFile` that must hold the key `kid`. */
function signWorker(keyFile: string, kid: string) {
  const workerData: SignWorkerData = { keyFile };
  return new ThreadWorker<{ jobs: readonly SignJob[] }, SignWorkerReply, IssuedCredentialV2[]>({
    url: workerUrl(import.meta.url, 'sign-worker'),
    workerData,
    read(reply) {
      if (reply.type === 'ready')
        return reply.kid === kid
          ? { kind: 'ready' }
          : {
              kind: 'failed',
              error: new SignPoolError(
                'ERR_SIGN_KEY_MISMATCH',
                `signing worker: expected the current key ${kid} in ${keyFile}, found key ${reply.kid}`,
              ),
            };
      if (reply.type === 'signed')
        return { kind: 'answer', id: reply.id, answer: reply.credentials };
      const cause = fromWorker(reply.error);
      if (reply.id === undefined)
        return {
          kind: 'failed',
          error: new SignPoolError(
            'ERR_SIGN_WORKER',
            `signing worker: expected to open the signing key ${keyFile}, found ${cause.message}`,
            { cause },
          ),
        };
      return {
        kind: 'rejected',
        id: reply.id,
        error: new SignPoolError(
          'ERR_SIGN_WORKER',
          `signing worker: a batch failed: ${cause.message}`,
          { cause },
        ),
      };
    },
    stopped: (cause) =>
      new SignPoolError('ERR_SIGN_WORKER', `signing worker: stopped by ${cause.message}`, {
        cause,
      }),
    exited: (code, closing) =>
      new SignPoolError(
        'ERR_SIGN_WORKER',
        closing
          ? 'signing worker: expected a batch to finish, found the pool closed'
          : `signing worker: expected to keep running, found it exited with code ${code}`,
      ),
  });
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
  const workers = Array.from({ length: size }, () => signWorker(options.keyFile, options.kid));
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
          return slice.length === 0 ? [] : [w.run({ jobs: slice })];
        }),
      );
      return parts.flat();
    },
    close,
  };
}
