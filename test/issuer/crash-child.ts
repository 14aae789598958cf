/*
 * The crash test's child process: opens the service's dependencies on the DATA_DIR /
 * DATABASE_URL of its environment and runs a plan of issuances, printing `<idempotency key>
 * <jti>` once each has committed. The test kills it with SIGKILL part-way and runs it again.
 *
 *   node --import tsx test/issuer/crash-child.ts PLAN.json
 *
 * PLAN.json: [{"driverId":1,"deviceId":1,"key":"a-0"}, …]
 */
import { readFileSync } from 'node:fs';
import { argv, env, exit, stdout } from 'node:process';
import { z } from 'zod';
import { loadConfig } from '../../issuer/config.js';
import { issueCredential } from '../../issuer/credentials/issue-credential.js';
import { createLogger } from '../../issuer/logger.js';
import { openService } from '../../issuer/service.js';

const plan = z
  .array(z.strictObject({ driverId: z.number(), deviceId: z.number(), key: z.string() }))
  .parse(JSON.parse(readFileSync(argv[2] ?? '', 'utf8')));
const deps = await openService(loadConfig(env), createLogger('silent'));
for (const step of plan) {
  const issued = await issueCredential(deps, {
    driverId: step.driverId,
    deviceId: step.deviceId,
    idempotencyKey: step.key,
  });
  // A pipe is written synchronously on Linux: once this returns, the line is the parent's.
  stdout.write(`${step.key} ${issued.jti}\n`);
}
await deps.db.close();
exit(0);
