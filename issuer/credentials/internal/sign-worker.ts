/*
 * A signing worker thread of sign-pool.ts. It opens the private key itself, from the file whose
 * path it is given (the key never crosses a thread), says which key it holds, then signs the
 * batches it is sent with signCredentialV2 (each with a seed of its own from the CSPRNG) and sends
 * the credentials and holder's copies back in order.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Signer } from '../../../shared/crypto-backend.js';
import { readSignerFile } from '../../../shared/node/keys.js';
import type { IssuedCredentialV2 } from '../../../shared/sd/credential-v2.js';
import { signCredentialV2 } from '../../sign-credential.js';
import {
  toIssueRequest,
  type SignBatchMessage,
  type SignWorkerData,
  type SignWorkerReply,
  type WorkerErrorData,
} from './sign-pool.js';

/** An error's name, message and code, for the main thread; never a key or a licence record. */
function describe(error: unknown): WorkerErrorData {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const code = (error as { code?: unknown }).code;
  return {
    name: error.name,
    message: error.message,
    ...(typeof code === 'string' ? { code } : {}),
  };
}

const port = parentPort;
if (port === null) throw new Error('sign-worker: expected to run in a worker thread, found none');
const send = (reply: SignWorkerReply) => {
  port.postMessage(reply);
};

let signer: Signer | undefined;
try {
  signer = await readSignerFile((workerData as SignWorkerData).keyFile);
} catch (error) {
  send({ type: 'failed', error: describe(error) });
}

if (signer !== undefined) {
  const key = signer;
  port.on('message', (batch: SignBatchMessage) => {
    void (async () => {
      try {
        const credentials: IssuedCredentialV2[] = [];
        for (const job of batch.jobs)
          credentials.push(await signCredentialV2(toIssueRequest(job), key));
        send({ type: 'signed', id: batch.id, credentials });
      } catch (error) {
        send({ type: 'failed', id: batch.id, error: describe(error) });
      }
    })();
  });
  send({ type: 'ready', kid: key.kid });
}
