/*
 * Where a verification's time goes, stage by stage, for a format 1 police code and a format 2
 * police code of the reference licence: each stage alone, in CPU microseconds a call (the median
 * of interleaved rounds, process CPU time, so that other work on the machine weighs less than on
 * a wall clock). The two signatures are left out: they are the ceilings the credential core
 * measures. What format 2 adds over format 1 is what its `v2 police` time must fit into.
 */
import { randomBytes } from 'node:crypto';
import { CLAIMS_DICTIONARY } from '../shared/claims-dictionary.js';
import { fromWireClaims, MAX_CREDENTIAL_PAYLOAD } from '../shared/credential.js';
import { createPresentation } from '../shared/create-presentation.js';
import type { LicenceRecord } from '../shared/licence/record.js';
import { createJwkSigner, generateKeyPair } from '../shared/node/keys.js';
import { credentialCompact, decodePresentation } from '../shared/presentation.js';
import { checkGroupValues } from '../shared/sd/check-disclosures.js';
import { fromWireClaimsV2, issueCredentialV2 } from '../shared/sd/credential-v2.js';
import { digestOf, rootFrom, sdHashInput, WHOLE } from '../shared/sd/disclosure.js';
import { createPresentationV2, decodePresentationV2 } from '../shared/sd/presentation-v2.js';
import { decodeUtf8, parseJsonObject, utf8 } from '../shared/utf8.js';
import { signCredential } from '../issuer/sign-credential.js';
import { referenceLicence } from '../test/helpers/presentation-kit.js';
import { nodeBackend as B } from '../verifier/backends/node.js';

const sha256 = (data: Uint8Array) => B.sha256(data);
/** A credential payload inflated as a verifier inflates it. */
const inflatePayload = (payload: Uint8Array) =>
  B.inflate(payload, 'raw', MAX_CREDENTIAL_PAYLOAD, CLAIMS_DICTIONARY);

const ROUNDS = 7;
const CALLS = 4000;

/** CPU microseconds a call of each stage: the median of ROUNDS rounds, stages interleaved. */
function measure(stages: Record<string, () => unknown>): Record<string, number> {
  const rounds: Record<string, number[]> = {};
  for (const [name, fn] of Object.entries(stages)) {
    for (let i = 0; i < CALLS; i++) fn(); // warm-up
    rounds[name] = [];
  }
  for (let r = 0; r < ROUNDS; r++) {
    for (const [name, fn] of Object.entries(stages)) {
      const start = process.cpuUsage();
      for (let i = 0; i < CALLS; i++) fn();
      const used = process.cpuUsage(start);
      rounds[name]?.push((used.user + used.system) / CALLS);
    }
  }
  return Object.fromEntries(
    Object.entries(rounds).map(([k, v]) => [k, [...v].sort((a, b) => a - b)[ROUNDS >> 1] ?? NaN]),
  );
}

/** Runs the section, printing as it goes; returns the figures. */
export async function verifyStages(): Promise<Record<string, unknown>> {
  const licence: LicenceRecord = referenceLicence(0);
  const issuer = createJwkSigner(generateKeyPair().privateJwk);
  const holder = createJwkSigner(generateKeyPair().privateJwk);
  const now = new Date();
  const iat = Math.floor(now.getTime() / 1000);
  const portraitHash = randomBytes(32).toString('base64url');
  const status = { idx: 7, uri: 'https://dl.122.gov.cn/status/44/1' };

  const v1Credential = await signCredential(
    {
      licence,
      holderKey: holder.publicJwk.x,
      issuer: 'https://dl.122.gov.cn',
      status,
      portraitHash,
      now,
      validDays: 30,
    },
    issuer,
  );
  const v1 = await createPresentation(v1Credential, holder, { now });
  const v1Parts = decodePresentation(v1);
  const v1Payload = inflatePayload(v1Parts.credentialPayload);
  const v1Text = decodeUtf8(v1Payload, 'payload');

  const copy = await issueCredentialV2(
    {
      iss: 'https://dl.122.gov.cn',
      iat,
      nbf: iat,
      exp: iat + 30 * 86_400,
      jti: randomBytes(12).toString('base64url'),
      holderKey: holder.publicJwk.x,
      status,
      portraitHash,
      licence,
    },
    issuer,
  );
  const v2 = await createPresentationV2(copy.holderCopy, holder, { now, purpose: 'police' });
  const parts = decodePresentationV2(v2, B);
  const whole = parts.whole;
  if (whole === undefined) throw new Error('bench setup: a police code carries D_all');
  const v2Payload = inflatePayload(parts.credentialPayload);
  const v2Text = decodeUtf8(v2Payload, 'payload');
  const groups = parts.groups;
  const compact = credentialCompact(parts);

  const shared = measure({
    'v1 decode (digits, envelope)': () => decodePresentation(v1),
    'v1 inflate the credential payload': () => inflatePayload(v1Parts.credentialPayload),
    'v1 claims (JSON, the whole licence by its rules)': () =>
      fromWireClaims(parseJsonObject(v1Text, 'payload')),
    'v1 proof input (SHA-256 of the credential)': () => B.sha256(utf8(credentialCompact(v1Parts))),
  });
  const extra = measure({
    'v2 decode (digits, envelope, D_all inflated and read)': () => decodePresentationV2(v2, B),
    'v2 inflate the credential payload': () => inflatePayload(parts.credentialPayload),
    'v2 claims (JSON, sd, no licence)': () => fromWireClaimsV2(parseJsonObject(v2Text, 'payload')),
    'v2 digest of D_all and the root (1 + 2 SHA-256)': () => {
      const digests: Uint8Array[] = [];
      digests[WHOLE] = digestOf(whole, sha256);
      return rootFrom([WHOLE], digests, parts.withheldNodes, sha256);
    },
    'v2 disclosed values by the licence rules': () => checkGroupValues(groups, parts.values, iat),
    'v2 proof input (sd_hash over credential and disclosures)': () =>
      B.sha256(sdHashInput(compact, [whole])),
  });
  const sum = (xs: Record<string, number>) => Object.values(xs).reduce((a, b) => a + b, 0);
  console.log(
    'Verification stages of a police code, signatures left out (CPU µs a call, median of %d rounds)',
    ROUNDS,
  );
  for (const [k, x] of Object.entries({ ...shared, ...extra }))
    console.log(`  ${k.padEnd(70)} ${x.toFixed(1).padStart(7)}`);
  console.log(
    `  format 1 without signatures: ${sum(shared).toFixed(1)} µs; format 2: ${sum(extra).toFixed(1)} µs (${(sum(extra) - sum(shared)).toFixed(1)} µs more)`,
  );
  return {
    cpu_us: Object.fromEntries(
      Object.entries({ ...shared, ...extra }).map(([k, x]) => [k, Number(x.toFixed(1))]),
    ),
    v1_without_signatures_us: Number(sum(shared).toFixed(1)),
    v2_without_signatures_us: Number(sum(extra).toFixed(1)),
  };
}
