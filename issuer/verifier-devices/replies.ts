/*
 * What the verifier device routes (routes.ts) answer: registration, the admin's list, and the
 * certificate a device enrols for. Schemas free of any Node import, and the types they give.
 */
import { z } from 'zod';
import { ROLE_NAMES } from '../../shared/request/certificate.js';
import { seconds } from '../http/schemas.js';

const org = z.string().meta({
  description:
    "The organisation its certificates name, as a holder reads it (a police device registered without one: the authority's VERIFIER_POLICE_ORG).",
});
const role = z.enum(ROLE_NAMES).meta({ description: 'What it asks holders for.' });
const may = z
  .array(z.number().int())
  .meta({ description: 'The group indices it may ask for (FORMAT.md §8.2), increasing.' });

/** POST /api/admin/verifier-devices. */
export const registeredVerifierDeviceReply = z.object({
  id: z.number().int(),
  name: z.string(),
  org,
  role,
  may,
  token: z
    .string()
    .meta({ description: 'The bearer token to install on the device; never shown again.' }),
});
export type RegisteredVerifierDeviceReply = z.output<typeof registeredVerifierDeviceReply>;

/** GET /api/admin/verifier-devices. */
export const verifierDevicesReply = z.object({
  devices: z.array(
    z.object({
      id: z.number().int(),
      name: z.string(),
      org,
      role,
      may,
      createdBy: z
        .number()
        .int()
        .meta({ description: 'The staff id of the admin who registered it.' }),
      createdAt: seconds(),
      revokedAt: seconds().nullable(),
      enrolledAt: seconds('Its last enrolment; null before the first.').nullable(),
      keyThumbprint: z
        .string()
        .nullable()
        .meta({ description: 'RFC 7638 thumbprint of the key it last enrolled.' }),
      certificateExpiresAt: seconds('When its last certificate ends.').nullable(),
    }),
  ),
});
export type VerifierDevicesReply = z.output<typeof verifierDevicesReply>;

/** POST /api/verifier/certificate. */
export const verifierCertificateReply = z.object({
  certificate: z.string().meta({
    description:
      'The verifier certificate, a compact JWS of `typ` lzvc+jwt signed with the key that signs credentials (shared/request/certificate.ts): org, role, may, `cnf` the key sent, `status` its entry in a verifier status list.',
  }),
  expiresAt: seconds('Its `exp`: enrol again before then.'),
  statusUri: z.string().meta({ description: 'The verifier status list its `status` names.' }),
});
export type VerifierCertificateReply = z.output<typeof verifierCertificateReply>;

/** GET /status/verifiers. */
export const verifierStatusIndexReply = z.object({
  lists: z.array(z.string()).meta({
    description:
      'The absolute URI of every verifier status list (GET /status/verifiers/{id}), in order: a phone fetches them all ahead of time to check requests offline.',
  }),
});
export type VerifierStatusIndexReply = z.output<typeof verifierStatusIndexReply>;
