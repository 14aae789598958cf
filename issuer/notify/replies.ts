/*
 * What the notices' routes (routes.ts) answer that the driver's app reads: the service's Web Push
 * key. A schema free of any Node import, and the type it gives.
 */
import { z } from 'zod';

/** GET /api/push/key. */
export const pushKeyReply = z.object({ publicKey: z.string() });
export type PushKeyReply = z.output<typeof pushKeyReply>;
