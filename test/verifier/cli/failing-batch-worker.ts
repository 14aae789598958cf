/*
 * A batch worker for run-batch.test.ts that speaks batch-pool.ts's protocol but judges nothing:
 * it answers each line with the line itself as JSON (invalid when it starts with "bad"), exits
 * with code 3 on a chunk holding the line "exit", and answers "failed" on one holding "fail".
 */
import { parentPort } from 'node:worker_threads';
import type { BatchWorkerReply, ChunkMessage } from '../../../verifier/cli/internal/batch-pool.js';

const port = parentPort;
if (port === null) throw new Error('expected a worker thread');
const send = (reply: BatchWorkerReply) => {
  port.postMessage(reply);
};
port.on('message', ({ id, lines }: ChunkMessage) => {
  if (lines.includes('exit')) process.exit(3);
  if (lines.includes('fail')) {
    send({ type: 'failed', id, message: 'TypeError: boom\n    at judge (worker.ts:1:1)' });
    return;
  }
  send({
    type: 'judged',
    id,
    output: Buffer.from(lines.map((l) => `${JSON.stringify(l)}\n`).join('')),
    lines: lines.length,
    invalid: lines.filter((l) => typeof l === 'number' || l.startsWith('bad')).length,
  });
});
send({ type: 'ready' });
