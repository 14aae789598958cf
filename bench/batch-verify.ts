/*
 * Batch verification, whole processes: 20,000 fresh format 2 police codes (each its own holder
 * key and credential, issued as the service issues them) verified by
 * `node dist/bin/liangzheng.js verify --batch` (spawned: the default jobs, one a core, and
 * --jobs 1), against a whole raw process doing single-core crypto.verify with its key imported
 * once, over the same number of signatures (two a code: the credential's and the holder's
 * proof). Interleaved rounds, medians. The figure is the rate per signature, batch / raw (the
 * bar is ≥ 1.0 on 2 cores); every run's output is checked against --jobs 1's: the same bytes,
 * one line a code, each valid.
 *
 * Runs alone after `npm run build`: node dist/bench/batch-verify.js [codes] [rounds]
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sha256 } from '@noble/hashes/sha2.js';
import { signCredentialV2 } from '../issuer/sign-credential.js';
import { signStatusList } from '../issuer/sign-status-list.js';
import { LicenceError } from '../shared/errors.js';
import { utf8 } from '../shared/utf8.js';
import type { LicenceRecord } from '../shared/licence/record.js';
import { createJwkSigner, generateKeyPair } from '../shared/node/keys.js';
import { parseHolderCopy } from '../shared/sd/credential-v2.js';
import { sdHashInput, WHOLE, withheldNodes } from '../shared/sd/disclosure.js';
import { PURPOSES } from '../shared/sd/groups.js';
import {
  compressJson,
  createPresentationV2,
  encodeEnvelopeV2,
  proofSigningInputV2,
} from '../shared/sd/presentation-v2.js';
import { compressPayload, referenceLicences } from '../test/helpers/presentation-kit.js';
import { fromRoot } from '../test/paths.js';
import { nodeBackend } from '../verifier/backends/node.js';

const ISSUER = 'https://dl.122.gov.cn';
const STATUS_URI = 'https://dl.122.gov.cn/status/44/1';
const CLI = fromRoot('dist/bin/liangzheng.js');
/** Ed25519 signatures a format 2 code carries: the issuer's and the holder's proof. */
const SIGNATURES_PER_CODE = 2;

type Signer = ReturnType<typeof createJwkSigner>;

/**
 * A police code (the whole disclosure) of a holder's copy, written as createPresentationV2 writes
 * it with the JSON of D_all compressed by `compress`. The phone compresses with fflate at level 9,
 * some 40 ms a code here (20,000 codes: a quarter of an hour); any DEFLATE stream of the same
 * JSON verifies alike, so the bench compresses with zlib, and checks first that with fflate's
 * compressJson this gives createPresentationV2's text byte for byte.
 */
async function policeCode(
  holderCopy: string,
  holder: Signer,
  now: Date,
  compress: (json: string) => Uint8Array,
): Promise<string> {
  const copy = parseHolderCopy(holderCopy, nodeBackend);
  const whole = copy.disclosures[WHOLE] as string;
  const iat = Math.floor(now.getTime() / 1000);
  const sdHash = sha256(sdHashInput(copy.credential, [whole]));
  const proofSignature = await holder.sign(
    proofSigningInputV2(sdHash, iat, 'police', undefined, undefined),
  );
  return encodeEnvelopeV2({
    credentialHeader: copy.jws.headerBytes,
    credentialPayload: copy.jws.payloadBytes,
    credentialSignature: copy.jws.signature,
    proofIat: iat,
    nonce: new Uint8Array(0), // no nonce
    purposeCode: PURPOSES.police.code,
    indices: [WHOLE],
    secret: new Uint8Array(0),
    withheld: Buffer.concat(withheldNodes(copy.digests, [WHOLE])),
    values: compress(Buffer.from(whole, 'base64url').toString('utf8')),
    proofSignature,
  });
}

export interface Codes {
  readonly dir: string;
  readonly input: string;
  readonly jwks: string;
  readonly status: string;
  /** --now for the verifier: 5 s after the codes were made. */
  readonly at: string;
  /** The first credential's public key, signing input and signature, for the raw process. */
  readonly raw: { readonly x: string; readonly message: string; readonly signature: string };
}

/** Makes `count` codes, each of its own holder and credential, and the files to verify them. */
export async function makeCodes(count: number): Promise<Codes> {
  const dir = await mkdtemp(join(tmpdir(), 'lz-bench-batch-'));
  const issuer = createJwkSigner(generateKeyPair().privateJwk);
  const now = new Date(Math.floor(Date.now() / 1000) * 1000);
  const issue = (licence: LicenceRecord, holder: Signer, idx: number) =>
    signCredentialV2(
      {
        licence,
        holderKey: holder.publicJwk.x,
        issuer: ISSUER,
        status: { idx, uri: STATUS_URI },
        portraitHash: randomBytes(32).toString('base64url'),
        now,
        validDays: 30,
      },
      issuer,
    );
  // The reference licences the service issues for (a seized or expired one it refuses).
  const licences: LicenceRecord[] = [];
  for (const licence of referenceLicences()) {
    try {
      await issue(licence, issuer, 0);
      licences.push(licence);
    } catch (error) {
      if (!(error instanceof LicenceError)) throw error;
    }
  }
  if (licences.length === 0) throw new Error('bench setup: no reference licence is issuable');
  const lines: string[] = [];
  let first: string | undefined;
  for (let i = 0; i < count; i++) {
    const holder = createJwkSigner(generateKeyPair().privateJwk);
    const { credential, holderCopy } = await issue(
      licences[i % licences.length] as LicenceRecord,
      holder,
      i,
    );
    if (i < 3) {
      const phone = await createPresentationV2(holderCopy, holder, { now, purpose: 'police' });
      const ours = await policeCode(holderCopy, holder, now, (json) => compressJson(utf8(json)));
      if (ours !== phone)
        throw new Error(`bench setup: code ${i} differs from createPresentationV2's`);
    }
    first ??= credential;
    lines.push(await policeCode(holderCopy, holder, now, compressPayload));
  }
  const statusToken = await signStatusList(
    {
      uri: STATUS_URI,
      statuses: new Uint8Array(Math.max(count, 1024)),
      bits: 2,
      now,
      validFor: 86_400,
      ttl: 300,
    },
    issuer,
  );
  const input = join(dir, 'codes.txt');
  const jwks = join(dir, 'jwks.json');
  const status = join(dir, 'status.jwt');
  await writeFile(input, `${lines.join('\n')}\n`);
  await writeFile(jwks, JSON.stringify({ keys: [issuer.publicJwk] }));
  await writeFile(status, statusToken);
  const [header = '', payload = '', signature = ''] = (first ?? '').split('.');
  return {
    dir,
    input,
    jwks,
    status,
    at: new Date(now.getTime() + 5000).toISOString(),
    raw: { x: issuer.publicJwk.x, message: `${header}.${payload}`, signature },
  };
}

/** How a spawned process ended: its time from spawn to exit, its exit code, what it printed. */
interface Timed {
  readonly ms: number;
  readonly code: number | null;
  readonly lines: number;
  readonly sha256: string;
  readonly stderr: string;
}

/**
 * Runs `node …args` with `input` on stdin (a file, or nothing) and `env` added; hashes stdout as
 * it comes.
 */
async function timed(
  args: readonly string[],
  input?: string,
  env: Record<string, string> = {},
): Promise<Timed> {
  const file = input === undefined ? undefined : await open(input);
  const start = performance.now();
  const child = spawn(process.execPath, [...args], {
    env: { ...process.env, ...env },
    stdio: [file === undefined ? 'ignore' : file.fd, 'pipe', 'pipe'],
  });
  const hash = createHash('sha256');
  let lines = 0;
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    hash.update(chunk);
    for (let at = chunk.indexOf(0x0a); at >= 0; at = chunk.indexOf(0x0a, at + 1)) lines++;
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  const ms = performance.now() - start;
  await file?.close();
  return { ms, code, lines, sha256: hash.digest('hex'), stderr };
}

/** The raw process: `signatures` verifications of one signature, the key imported once. */
const RAW_SCRIPT = `
import { createPublicKey, verify } from 'node:crypto';
const { RAW_X: x, RAW_MESSAGE: message, RAW_SIGNATURE: signature, RAW_COUNT: count } = process.env;
const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' });
const data = Buffer.from(message, 'ascii');
const sig = Buffer.from(signature, 'base64url');
let ok = 0;
for (let i = 0; i < Number(count); i++) if (verify(null, data, key, sig)) ok++;
if (ok !== Number(count)) { console.error('raw: ' + ok + ' of ' + count + ' verified'); process.exit(1); }
`;

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
};

/** Runs the section, printing as it goes; returns the figures. */
export async function batchVerify(count = 20_000, rounds = 3): Promise<Record<string, unknown>> {
  const made = performance.now();
  const codes = await makeCodes(count);
  const signatures = count * SIGNATURES_PER_CODE;
  const jobs = availableParallelism();
  console.log(
    `Batch verification, whole processes: ${count} fresh format 2 police codes (made in ${((performance.now() - made) / 1000).toFixed(0)} s), ${signatures} signatures; ${jobs} cores, load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  try {
    const verifyArgs = [
      CLI,
      'verify',
      '--batch',
      '--trust',
      codes.jwks,
      '--status',
      codes.status,
      '--now',
      codes.at,
    ];
    const SINGLE = 'verify --batch --jobs 1';
    const PARALLEL = `verify --batch (default: ${jobs} jobs)`;
    const contenders: Record<string, () => Promise<Timed>> = {
      raw: () =>
        timed(['--input-type=module', '-e', RAW_SCRIPT], undefined, {
          RAW_X: codes.raw.x,
          RAW_MESSAGE: codes.raw.message,
          RAW_SIGNATURE: codes.raw.signature,
          RAW_COUNT: String(signatures),
        }),
      [SINGLE]: () => timed([...verifyArgs, '--jobs', '1'], codes.input),
      [PARALLEL]: () => timed(verifyArgs, codes.input),
    };
    const times: Record<string, number[]> = {};
    let reference: Timed | undefined;
    for (let r = 0; r < rounds; r++) {
      for (const [name, run] of Object.entries(contenders)) {
        const t = await run();
        if (t.code !== 0)
          throw new Error(`${name}: expected exit 0, found ${String(t.code)}: ${t.stderr}`);
        if (name !== 'raw') {
          if (t.lines !== count)
            throw new Error(`${name}: expected ${count} lines, found ${t.lines}`);
          reference ??= t;
          if (t.sha256 !== reference.sha256)
            throw new Error(`${name}: expected the output of --jobs 1, found other bytes`);
        }
        (times[name] ??= []).push(t.ms);
      }
    }
    const rawMs = median(times.raw ?? []);
    const rows = Object.entries(times).map(([name, ms]) => {
      const m = median(ms);
      return { name, ms: m, perSecond: (signatures / m) * 1000, ratio: rawMs / m };
    });
    for (const row of rows)
      console.log(
        `  ${row.name.padEnd(36)} ${(row.ms / 1000).toFixed(2).padStart(7)} s  ${row.perSecond.toFixed(0).padStart(7)} signatures/s  ${row.name === 'raw' ? '' : `${row.ratio.toFixed(2)}× raw`}`,
      );
    const single = rows.find((r) => r.name === SINGLE);
    const parallel = rows.find((r) => r.name === PARALLEL);
    console.log(
      `  per signature, verify --batch / raw: ${(parallel?.ratio ?? 0).toFixed(2)}× (bar ≥ 1.0 on 2 cores); --jobs 1: ${(single?.ratio ?? 0).toFixed(2)}×; every output ${count} lines, byte for byte the same as --jobs 1's`,
    );
    return {
      codes: count,
      signatures,
      cores: jobs,
      load: loadavg().map((l) => Number(l.toFixed(2))),
      seconds: Object.fromEntries(rows.map((r) => [r.name, Number((r.ms / 1000).toFixed(2))])),
      ratio_per_signature: Number((parallel?.ratio ?? 0).toFixed(3)),
      ratio_per_signature_jobs_1: Number((single?.ratio ?? 0).toFixed(3)),
    };
  } finally {
    await rm(codes.dir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [count, rounds] = process.argv.slice(2).map(Number);
  console.log(JSON.stringify(await batchVerify(count || undefined, rounds || undefined)));
}
