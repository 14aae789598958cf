/*
 * A worker thread of batch-pool.ts. It builds its judge from the setup it is started with (the
 * JWKS sets and status list tokens as the command read them, and the options: plain data, never
 * a key object), says it is ready, then judges the chunks it is sent, in order, and sends each
 * chunk's JSON lines back. Without --now, each line is judged at the time it is verified here.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { judgeChunk, judgeOf, type BatchSetup, type Judge } from './batch-judge.js';
import type { BatchWorkerReply, ChunkMessage } from './batch-pool.js';

const port = parentPort;
if (port === null) throw new Error('batch-worker: expected to run in a worker thread, found none');
const send = (reply: BatchWorkerReply) => {
  port.postMessage(reply);
};
const messageOf = (error: unknown): string =>
  error instanceof Error
    ? `${(error as { code?: unknown }).code === undefined ? '' : `${String((error as { code?: unknown }).code)}: `}${error.message}`
    : String(error);

let judge: Judge | undefined;
try {
  judge = judgeOf(workerData as BatchSetup, () => new Date());
} catch (error) {
  send({ type: 'failed', message: messageOf(error) });
}

if (judge !== undefined) {
  const judgeLines = judge;
  port.on('message', (chunk: ChunkMessage) => {
    try {
      const judged = judgeChunk(judgeLines, chunk.lines);
      // The output's buffer moves to the main thread, which writes it as it is.
      port.postMessage({ type: 'judged', id: chunk.id, ...judged } satisfies BatchWorkerReply, [
        // Its own ArrayBuffer (utf8Alone), never a shared one.
        judged.output.buffer as ArrayBuffer,
      ]);
    } catch (error) {
      send({ type: 'failed', id: chunk.id, message: messageOf(error) });
    }
  });
  send({ type: 'ready' });
}
