/**
 * The verifier fuzz: presentations mutated from a few valid ones, each verified on both crypto
 * backends (node:crypto and noble). Every input must give a report, never a thrown exception,
 * whose verdict is valid or a code of REASONS, with no internal error behind it; both backends
 * must give the same report (verdict, every check's status and code, the facts read); and a
 * mutation that signed nothing again may verify as valid only when its text is one of the valid
 * originals (one text per presentation, FORMAT.md §4).
 *
 * The mutations: on the text (digits changed, inserted, deleted, groups of 15 moved, bits of
 * characters flipped, truncation, splicing, the prefix), on the envelope bytes (re-encoded as
 * canonical digits, so that parsing goes further: bit flips, insertions, deletions, truncation,
 * splicing, varints written long, the canonical header written out, fields swapped between
 * presentations), and valid-looking ones signed again with the fuzz's own issuer and holder keys,
 * so that the checks after the signatures are reached: headers, claims as JSON values and as
 * text, the DEFLATE stream, times, the holder key, the proof's time and nonce.
 *
 * Format version 2 (`LZ2:`, FORMAT.md §8) the same way, from holder copies of some of the
 * licences presented for every purpose: the text and the envelope bytes; each envelope field
 * changed (purpose, index list, seed or salts, withheld subtree hashes, values as JSON and as
 * DEFLATE, nonce, proof); fields swapped between presentations (a disclosure moved from another
 * credential); and signed again: group values the issuer would not sign, version 2 claims,
 * presentations for any purpose, group set, time and nonce. A version 2 text that verifies
 * without having been signed again must be an original up to the one thing the format leaves
 * free: the DEFLATE encoding of the values (§8.5), so it is compared re-encoded.
 *
 * Deterministic from its seed: keys, credentials, mutations and verifier options all come from
 * one PRNG, so the seed and an input's index replay it (`npm run fuzz -- --seed S --index I`).
 * Used by test/fuzz/fuzz-presentations.test.ts (a short run in CI) and by bench/fuzz.ts
 * (`npm run fuzz`, built into dist with it). It lives under test/ because it builds its inputs
 * with the format's own internals (digits, envelope writer) and checks codes against REASONS.
 */
import { createHash, createPrivateKey } from 'node:crypto';
import { deflateRawSync, deflateSync, inflateRawSync } from 'node:zlib';
import { signCredential } from '../../issuer/sign-credential.js';
import { signStatusList } from '../../issuer/sign-status-list.js';
import { CLAIMS_DICTIONARY } from '../../shared/claims-dictionary.js';
import {
  canonicalCredentialHeader,
  fromWireClaims,
  toWireClaims,
} from '../../shared/credential.js';
import type { CryptoBackend, Signer } from '../../shared/crypto-backend.js';
import { ByteWriter } from '../../shared/internal/byte-reader.js';
import { decodeDigits, encodeDigits } from '../../shared/internal/digits.js';
import type { LicenceRecord } from '../../shared/licence/record.js';
import { createJwkSigner } from '../../shared/node/keys.js';
import {
  credentialCompact,
  decodePresentation,
  encodePresentation,
  PRESENTATION_PREFIX,
  proofSigningInput,
  type PresentationParts,
} from '../../shared/presentation.js';
import { nobleBackend } from '../../verifier/backends/noble.js';
import { nodeBackend } from '../../verifier/backends/node.js';
import { REASONS } from '../../verifier/internal/messages.js';
import { CHECK_IDS, type VerificationReport } from '../../verifier/report.js';
import { createTrustStore, type TrustStore } from '../../verifier/trust-store.js';
import { verifyPresentation, type VerifyOptions } from '../../verifier/verify-presentation.js';
import { verifyStatusList, type VerifiedStatusList } from '../../verifier/verify-status-list.js';
import { mulberry32 } from '../helpers/random.js';
import {
  issueCredentialV2,
  parseHolderCopy,
  signGroupValues,
  canonicalCredentialHeaderV2,
  type HolderCopy,
} from '../../shared/sd/credential-v2.js';
import { disclosuresOf } from '../../shared/sd/credential-v2.js';
import { leavesOf, sdHashInput, WHOLE, withheldNodes } from '../../shared/sd/disclosure.js';
import {
  groupsFor,
  PURPOSES,
  type GroupIndex,
  type GroupValues,
  type Purpose,
} from '../../shared/sd/groups.js';
import {
  compressValues,
  createPresentationV2,
  decodePresentationV2,
  encodeEnvelopeV2,
  encodePresentationV2,
  envelopeOfV2,
  PRESENTATION_PREFIX_V2,
  proofSigningInputV2,
  type EnvelopeV2,
  type PresentationPartsV2,
} from '../../shared/sd/presentation-v2.js';

/** The verifier's clock of every input (before its own offset): 10:00 China time. */
const NOW = Date.parse('2026-03-15T02:00:00Z') / 1000;
const DAY = 86_400;
const ISSUER = 'https://jtgl.example.cn';
const STATUS_URI = 'https://jtgl.example.cn/status/1';
/** Status list entries (2 bits): valid, invalid, suspended, superseded, then valid. */
const STATUSES = [0, 1, 2, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
/** The DER prefix of a PKCS #8 Ed25519 private key (RFC 8410 §7) before its 32 seed bytes. */
const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');

/** How one input is verified. */
export interface FuzzOptions {
  /** Seconds added to the fixed clock. */
  readonly nowOffset: number;
  readonly statusList: boolean;
  readonly strict: boolean;
  readonly nonce?: string;
  readonly issuer?: string;
}

/** One input: the text, how it was made, how it is verified. */
export interface FuzzInput {
  readonly index: number;
  readonly mutation: string;
  /** Whether the mutation signed again what it changed (a valid verdict is then no finding). */
  readonly signed: boolean;
  readonly text: string;
  readonly options: FuzzOptions;
}

/** What went wrong with one input. */
export interface FuzzFinding {
  readonly kind: 'crash' | 'internal-error' | 'bad-report' | 'disagreement' | 'second-text';
  readonly detail: string;
  readonly input: FuzzInput;
}

/** The outcome of a run. */
export interface FuzzSummary {
  readonly seed: number;
  readonly inputs: number;
  readonly ms: number;
  /** Findings by kind (every one counted). */
  readonly counts: Readonly<Record<FuzzFinding['kind'], number>>;
  /** The first findings, in order (at most `keepFindings`). */
  readonly findings: readonly FuzzFinding[];
  /** Inputs by verdict on the first backend (`valid` or the code). */
  readonly verdicts: Readonly<Record<string, number>>;
  /** Inputs whose claims were read (the issuer signature passed) on the first backend. */
  readonly deep: number;
  /** Of those, format version 2 inputs (`LZ2:`). */
  readonly deepV2: number;
}

/** What a run needs. */
export interface FuzzRequest {
  readonly seed: number;
  readonly count: number;
  /** Licence records to issue the valid originals for (test/fixtures/reference-licences.json). */
  readonly licences: readonly LicenceRecord[];
  /** The backends compared; node:crypto and noble unless given. */
  readonly backends?: readonly CryptoBackend[];
  /** Findings kept whole in the summary. Default 20. */
  readonly keepFindings?: number;
  /** Called every `progressEvery` inputs, with the findings counted so far. */
  readonly onProgress?: (done: number, counts: FuzzSummary['counts']) => void;
  readonly progressEvery?: number;
}

/**
 * Runs `count` inputs from `seed`.
 * @throws {RangeError} on a bad count or seed.
 */
export async function runFuzz(request: FuzzRequest): Promise<FuzzSummary> {
  if (!Number.isSafeInteger(request.count) || request.count < 0)
    throw new RangeError(`count: expected a non-negative integer, found ${request.count}`);
  const started = performance.now();
  const fuzzer = await createFuzzer(request.seed, request.licences, request.backends);
  const keep = request.keepFindings ?? 20;
  const counts = {
    crash: 0,
    'internal-error': 0,
    'bad-report': 0,
    disagreement: 0,
    'second-text': 0,
  };
  const findings: FuzzFinding[] = [];
  const verdicts: Record<string, number> = {};
  let deep = 0;
  let deepV2 = 0;
  for (let i = 0; i < request.count; i++) {
    const input = await fuzzer.next();
    const result = fuzzer.check(input);
    for (const finding of result.findings) {
      counts[finding.kind]++;
      if (findings.length < keep) findings.push(finding);
    }
    verdicts[result.verdict] = (verdicts[result.verdict] ?? 0) + 1;
    if (result.deep) deep++;
    if (result.deep && input.text.startsWith(PRESENTATION_PREFIX_V2)) deepV2++;
    if (request.onProgress !== undefined && (i + 1) % (request.progressEvery ?? 100_000) === 0)
      request.onProgress(i + 1, counts);
  }
  return {
    seed: request.seed,
    inputs: request.count,
    ms: performance.now() - started,
    counts,
    findings,
    verdicts,
    deep,
    deepV2,
  };
}

/** The reports of each backend on one input. */
export interface FuzzCheck {
  readonly findings: readonly FuzzFinding[];
  /** The first backend's verdict: `valid`, the code, or `thrown`. */
  readonly verdict: string;
  /** Whether the first backend read the claims. */
  readonly deep: boolean;
  readonly reports: readonly (VerificationReport | undefined)[];
}

/** Makes inputs one after another and checks them. */
export interface Fuzzer {
  next(): Promise<FuzzInput>;
  check(input: FuzzInput): FuzzCheck;
}

/**
 * Makes the keys, the valid originals and the verifiers of `seed`.
 * @throws {RangeError} on a seed that is not a 32-bit unsigned integer, or no licences.
 */
export async function createFuzzer(
  seed: number,
  licences: readonly LicenceRecord[],
  backends: readonly CryptoBackend[] = [nodeBackend, nobleBackend],
): Promise<Fuzzer> {
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff)
    throw new RangeError(`seed: expected an integer 0-4294967295, found ${seed}`);
  if (licences.length === 0) throw new RangeError('licences: expected at least one');
  const rng = new Rng(seed);
  const issuer = signerFrom(rng);
  const otherIssuer = signerFrom(rng);
  const holder = signerFrom(rng);
  const corpus = await makeCorpus(rng, licences, issuer, otherIssuer, holder);
  const list = await signStatusList(
    {
      uri: STATUS_URI,
      statuses: STATUSES,
      bits: 2,
      now: dateOf(NOW - 3600),
      validFor: 2 * DAY,
      ttl: 3600,
    },
    issuer,
  );
  const verifiers = backends.map((backend) => {
    const trust = createTrustStore([{ keys: [issuer.publicJwk] }], backend);
    return { backend, trust, list: verifyStatusList(list, trust) };
  });
  const mutate = mutations(rng, corpus, issuer, holder);
  const originals = new Set([...corpus.texts, ...corpus.v2.texts].map(canonicalText));
  let index = 0;
  return {
    async next() {
      const [name, make] = pickWeighted(rng, mutate);
      const made = await make();
      return { index: index++, mutation: name, ...made, options: fuzzOptions(rng) };
    },
    check(input) {
      return checkInput(input, verifiers, originals);
    },
  };
}

// --- Checking ------------------------------------------------------------------------------

interface Verifier {
  readonly backend: CryptoBackend;
  readonly trust: TrustStore;
  readonly list: VerifiedStatusList;
}

function verifyOptions(options: FuzzOptions, v: Verifier): VerifyOptions {
  return {
    trust: v.trust,
    now: dateOf(NOW + options.nowOffset),
    strict: options.strict,
    ...(options.statusList ? { statusLists: new Map([[v.list.uri, v.list]]) } : {}),
    ...(options.nonce === undefined ? {} : { nonce: options.nonce }),
    ...(options.issuer === undefined ? {} : { issuer: options.issuer }),
  };
}

/** An internal fault that verifyPresentation turned into a failure: a name like "TypeError: ". */
const INTERNAL_ERROR = /^[A-Za-z]*Error: /;

function checkInput(
  input: FuzzInput,
  verifiers: readonly Verifier[],
  originals: ReadonlySet<string>,
): FuzzCheck {
  const findings: FuzzFinding[] = [];
  const found = (kind: FuzzFinding['kind'], detail: string) =>
    findings.push({ kind, detail, input });
  const reports = verifiers.map((v) => {
    try {
      return verifyPresentation(input.text, verifyOptions(input.options, v));
    } catch (error) {
      found('crash', `${v.backend.name}: ${error instanceof Error ? error.stack : String(error)}`);
      return undefined;
    }
  });
  reports.forEach((report, i) => {
    if (report === undefined) return;
    const name = verifiers[i]?.backend.name ?? String(i);
    const wrong = reportProblem(report);
    if (wrong !== undefined) found('bad-report', `${name}: ${wrong}`);
    for (const c of report.checks) {
      if (c.detail !== undefined && INTERNAL_ERROR.test(c.detail))
        found('internal-error', `${name}: ${c.id}: ${c.detail}`);
    }
    if (!input.signed && report.valid && !originals.has(canonicalText(input.text)))
      found('second-text', `${name}: valid, and not one of the originals`);
  });
  const [first] = reports;
  const reference = first === undefined ? undefined : JSON.stringify(projection(first));
  reports.slice(1).forEach((report, i) => {
    if (first === undefined || report === undefined) return;
    const other = JSON.stringify(projection(report));
    if (other !== reference)
      found(
        'disagreement',
        `${verifiers[0]?.backend.name ?? '0'}: ${reference ?? ''} / ${verifiers[i + 1]?.backend.name ?? ''}: ${other}`,
      );
  });
  return {
    findings,
    verdict: first === undefined ? 'thrown' : first.valid ? 'valid' : (first.code ?? 'no code'),
    deep: first?.checks.find((c) => c.id === 'claims')?.status === 'PASSED',
    reports,
  };
}

/**
 * One text per presentation: a version 1 text as it is; a version 2 text written again by the
 * encoder, since the DEFLATE encoding of its values is free (FORMAT.md §8.5).
 */
function canonicalText(text: string): string {
  if (!text.startsWith(PRESENTATION_PREFIX_V2)) return text;
  try {
    return encodePresentationV2(decodePresentationV2(text, nodeBackend));
  } catch {
    return text;
  }
}

/** What two backends must agree on: everything but the free-text details. */
function projection(r: VerificationReport): unknown {
  return {
    valid: r.valid,
    code: r.code,
    warnings: r.warnings,
    checks: r.checks.map((c) => [c.id, c.status, c.code]),
    credential: r.credential,
    licence: r.licence,
    disclosure: r.disclosure,
    proof: r.proof,
  };
}

/** Why a report is not one the format allows; undefined when it is. */
function reportProblem(r: VerificationReport): string | undefined {
  const ids = r.checks.map((c) => c.id);
  if (JSON.stringify(ids) !== JSON.stringify(CHECK_IDS)) return `checks ${ids.join(',')}`;
  if (r.valid !== (r.code === undefined)) return `valid ${r.valid} with code ${String(r.code)}`;
  if (r.code !== undefined && !(r.code in REASONS)) return `code ${r.code} not in REASONS`;
  if (r.code !== undefined && r.message !== REASONS[r.code]) return `message of ${r.code}`;
  for (const c of r.checks) {
    if (c.code !== undefined && !(c.code in REASONS)) return `${c.id}: code ${c.code}`;
    if ((c.status === 'FAILED' || c.status === 'WARNING') && c.code === undefined)
      return `${c.id}: ${c.status} without a code`;
  }
  return undefined;
}

// --- The originals -------------------------------------------------------------------------

interface Corpus {
  /** The valid presentations, as texts and taken apart. */
  readonly texts: readonly string[];
  readonly parts: readonly PresentationParts[];
  /** The claims of the credentials in them, in wire form. */
  readonly claims: readonly Record<string, unknown>[];
  readonly v2: CorpusV2;
}

/** The version 2 originals. */
interface CorpusV2 {
  /** The holder copies, as issued and taken apart. */
  readonly copies: readonly string[];
  readonly parsed: readonly HolderCopy[];
  /** Valid presentations of them for every purpose, as texts and taken apart. */
  readonly texts: readonly string[];
  readonly parts: readonly PresentationPartsV2[];
  /** The claims of the credentials, in wire form. */
  readonly claims: readonly Record<string, unknown>[];
}

async function makeCorpus(
  rng: Rng,
  licences: readonly LicenceRecord[],
  issuer: Signer,
  otherIssuer: Signer,
  holder: Signer,
): Promise<Corpus> {
  const first = await signCredential(
    {
      licence: licences[0] as LicenceRecord,
      holderKey: holder.publicJwk.x,
      issuer: ISSUER,
      status: { idx: 0, uri: STATUS_URI },
      now: dateOf(NOW - DAY),
      validDays: 30,
      jti: jti(rng),
    },
    issuer,
  );
  const firstClaims = wireClaimsOf(first);
  const credentials = [first];
  const claims = [firstClaims];
  // The other licences (any status: the verifier decides), signed by hand like the issuer does.
  for (const [i, licence] of licences.slice(1, 6).entries()) {
    const wire = toWireClaims({
      ...fromWireClaims(firstClaims),
      licence,
      jti: jti(rng),
      status: { idx: (i + 1) % STATUSES.length, uri: STATUS_URI },
    }) as Record<string, unknown>;
    credentials.push(await signWire(wire, issuer));
    claims.push(wire);
  }
  credentials.push(await signWire(firstClaims, otherIssuer));
  const texts: string[] = [];
  for (const credential of credentials) {
    const parts = splitCompact(credential);
    texts.push(await present(parts, holder, NOW - rng.int(30)));
    texts.push(await present(parts, holder, NOW - rng.int(30), nonce(rng)));
  }
  return {
    texts,
    parts: texts.map((t) => decodePresentation(t)),
    claims,
    v2: await makeCorpusV2(rng, licences, issuer, holder, fromWireClaims(firstClaims)),
  };
}

const PURPOSE_NAMES = Object.keys(PURPOSES) as Purpose[];

/** Holder copies of the first three licences, each presented for every purpose. */
async function makeCorpusV2(
  rng: Rng,
  licences: readonly LicenceRecord[],
  issuer: Signer,
  holder: Signer,
  base: ReturnType<typeof fromWireClaims>,
): Promise<CorpusV2> {
  const copies: string[] = [];
  for (const [i, licence] of licences.slice(0, 3).entries()) {
    const issued = await issueCredentialV2(
      {
        iss: base.iss,
        iat: base.iat,
        nbf: base.nbf,
        exp: base.exp,
        jti: jti(rng),
        holderKey: base.holderKey,
        status: { idx: i, uri: STATUS_URI },
        ...(rng.chance(0.7) ? { portraitHash: b64(rng.bytes(32)) } : {}),
        licence,
      },
      issuer,
      rng.bytes(16),
    );
    copies.push(issued.holderCopy);
  }
  const texts: string[] = [];
  for (const copy of copies) {
    for (const purpose of PURPOSE_NAMES) {
      texts.push(
        await createPresentationV2(copy, holder, {
          now: dateOf(NOW - rng.int(30)),
          purpose,
          ...(purpose === 'custom' ? { groups: groupSet(rng) } : {}),
          ...(rng.chance(0.3) ? { nonce: nonce(rng) } : {}),
        }),
      );
    }
  }
  const parsed = copies.map((c) => parseHolderCopy(c));
  return {
    copies,
    parsed,
    texts,
    parts: texts.map((t) => decodePresentationV2(t, nodeBackend)),
    claims: parsed.map((c) => wireClaimsOf(c.credential)),
  };
}

/** A non-empty set of group indices, in random order. */
function groupSet(rng: Rng): GroupIndex[] {
  const all: GroupIndex[] = [0, 1, 2, 3, 4, 5];
  const chosen = all.filter(() => rng.chance(0.5));
  return chosen.length === 0 ? [rng.pick(all)] : chosen.reverse();
}

/**
 * A version 2 presentation of `credential` made by hand from six values (whatever the issuer
 * signed) and the seed, with a proof over exactly what it discloses.
 */
async function presentV2ByHand(
  credential: string,
  values: GroupValues,
  seed: Uint8Array,
  holder: Signer,
  options: { purpose: Purpose; groups: readonly GroupIndex[]; iat: number; nonce?: string },
): Promise<string> {
  const set = disclosuresOf(values, seed);
  const { groups, purpose, iat } = options;
  const hash = createHash('sha256')
    .update(
      sdHashInput(
        credential,
        leavesOf(groups).map((leaf) => set.disclosures[leaf] as string),
      ),
    )
    .digest();
  const proofSignature = await holder.sign(proofSigningInputV2(hash, iat, purpose, options.nonce));
  return encodePresentationV2({
    ...splitCompact(credential),
    proofIat: iat,
    ...(options.nonce === undefined ? {} : { nonce: options.nonce }),
    purpose,
    groups,
    ...(groups.length === 6
      ? { whole: set.disclosures[WHOLE] as string }
      : { salts: groups.map((g) => set.salts[g] as Uint8Array) }),
    values: groups.map((g) => values[g]),
    withheldNodes: withheldNodes(set.digests, leavesOf(groups)),
    proofSignature,
  });
}

/** A purpose and its groups: a fixed purpose's, or a random set for custom. */
function purposeAndGroups(rng: Rng): { purpose: Purpose; groups: GroupIndex[] } {
  const purpose = rng.pick(PURPOSE_NAMES);
  return { purpose, groups: groupsFor(purpose, purpose === 'custom' ? groupSet(rng) : undefined) };
}

function wireClaimsOf(credential: string): Record<string, unknown> {
  const payload = Buffer.from(credential.split('.')[1] ?? '', 'base64url');
  return JSON.parse(
    inflateRawSync(payload, { dictionary: CLAIMS_DICTIONARY }).toString('utf8'),
  ) as Record<string, unknown>;
}

// --- Signing what a mutation changed -------------------------------------------------------

type CredentialParts = Pick<
  PresentationParts,
  'credentialHeader' | 'credentialPayload' | 'credentialSignature'
>;

async function signParts(
  header: Uint8Array,
  payload: Uint8Array,
  signer: Signer,
): Promise<CredentialParts> {
  const input = `${b64(header)}.${b64(payload)}`;
  const signature = await signer.sign(Buffer.from(input, 'ascii'));
  return { credentialHeader: header, credentialPayload: payload, credentialSignature: signature };
}

function compress(json: string | Uint8Array): Uint8Array {
  return deflateRawSync(json, { level: 9, dictionary: CLAIMS_DICTIONARY });
}

async function signWire(wire: unknown, signer: Signer): Promise<string> {
  const parts = await signParts(
    Buffer.from(canonicalCredentialHeader(signer.kid)),
    compress(JSON.stringify(wire)),
    signer,
  );
  return credentialCompact(parts);
}

function splitCompact(compact: string): CredentialParts {
  const [h = '', p = '', s = ''] = compact.split('.');
  return {
    credentialHeader: Buffer.from(h, 'base64url'),
    credentialPayload: Buffer.from(p, 'base64url'),
    credentialSignature: Buffer.from(s, 'base64url'),
  };
}

/** A presentation of any credential parts, the holder proof made over exactly them. */
async function present(
  credential: CredentialParts,
  holder: Signer,
  iat: number,
  withNonce?: string,
): Promise<string> {
  const hash = createHash('sha256').update(credentialCompact(credential), 'ascii').digest();
  const proofSignature = await holder.sign(proofSigningInput(hash, iat, withNonce));
  return encodePresentation({
    ...credential,
    proofIat: iat,
    ...(withNonce === undefined ? {} : { nonce: withNonce }),
    proofSignature,
  });
}

// --- The mutations -------------------------------------------------------------------------

type Made = Pick<FuzzInput, 'text' | 'signed'>;
type Mutation = readonly [name: string, weight: number, make: () => Made | Promise<Made>];

function mutations(rng: Rng, corpus: Corpus, issuer: Signer, holder: Signer): Mutation[] {
  const text = () => rng.pick(corpus.texts);
  const envelope = () => decodeDigits(text(), PRESENTATION_PREFIX.length);
  const parts = () => rng.pick(corpus.parts);
  const unsigned = (t: string): Made => ({ text: t, signed: false });
  const fromEnvelope = (bytes: Uint8Array) => unsigned(PRESENTATION_PREFIX + encodeDigits(bytes));
  /** Made again with fresh holder proof over `credential`, at a time near the clock. */
  const signed = async (credential: CredentialParts): Promise<Made> => ({
    text: await present(
      credential,
      holder,
      NOW - rng.int(20),
      rng.chance(0.3) ? nonce(rng) : undefined,
    ),
    signed: true,
  });
  const withPayload = async (payload: Uint8Array, header?: Uint8Array) =>
    signed(
      await signParts(
        header ?? Buffer.from(canonicalCredentialHeader(issuer.kid)),
        payload,
        issuer,
      ),
    );
  return [
    // The text.
    ['text: digits changed', 8, () => unsigned(editDigits(rng, text(), 'change'))],
    ['text: digits inserted', 3, () => unsigned(editDigits(rng, text(), 'insert'))],
    ['text: digits deleted', 3, () => unsigned(editDigits(rng, text(), 'delete'))],
    ['text: 15-digit groups moved', 2, () => unsigned(moveGroups(rng, text()))],
    ['text: character bits flipped', 3, () => unsigned(flipCharacter(rng, text()))],
    ['text: odd character inserted', 2, () => unsigned(insertOdd(rng, text()))],
    ['text: truncated', 2, () => unsigned(text().slice(0, rng.int(text().length)))],
    ['text: spliced', 3, () => unsigned(splice(rng, text(), text()))],
    ['text: prefix', 1, () => unsigned(rng.pick(PREFIXES) + text().slice(4))],
    ['text: near the length limit', 1, () => unsigned(nearLimit(rng))],
    // The envelope, as canonical digits.
    ['envelope: bits flipped', 8, () => fromEnvelope(flipBits(rng, envelope()))],
    ['envelope: bytes inserted', 3, () => fromEnvelope(insertBytes(rng, envelope()))],
    ['envelope: bytes deleted', 3, () => fromEnvelope(deleteBytes(rng, envelope()))],
    ['envelope: byte set to an edge value', 3, () => fromEnvelope(setByte(rng, envelope()))],
    ['envelope: truncated or extended', 2, () => fromEnvelope(resize(rng, envelope()))],
    ['envelope: spliced', 2, () => fromEnvelope(spliceBytes(rng, envelope(), envelope()))],
    ['envelope: fields written oddly', 4, () => fromEnvelope(oddEnvelope(rng, parts()))],
    ['parts: swapped or changed', 4, () => unsigned(swapParts(rng, parts(), parts()))],
    // Signed again, to reach the later checks.
    [
      'signed: header',
      4,
      async () => withPayload(parts().credentialPayload, Buffer.from(oddHeader(rng, issuer.kid))),
    ],
    [
      'signed: claims values',
      10,
      () => withPayload(compress(JSON.stringify(mutateJson(rng, rng.pick(corpus.claims))))),
    ],
    [
      'signed: claims text',
      4,
      () =>
        withPayload(
          compress(mutateBytes(rng, Buffer.from(JSON.stringify(rng.pick(corpus.claims))))),
        ),
    ],
    [
      'signed: DEFLATE stream',
      5,
      () => withPayload(oddDeflate(rng, JSON.stringify(rng.pick(corpus.claims)))),
    ],
    ['signed: times', 3, () => withPayload(compress(JSON.stringify(oddTimes(rng, corpus))))],
    ['signed: holder key', 2, () => withPayload(compress(JSON.stringify(oddHolder(rng, corpus))))],
    [
      'signed: proof time and nonce',
      4,
      async () => ({
        text: await present(parts(), holder, rng.pick(proofTimes(rng)), maybeNonce(rng)),
        signed: true,
      }),
    ],
    ['originals', 1, () => ({ text: text(), signed: true })],
    ...mutationsV2(rng, corpus.v2, issuer, holder),
  ];
}

function mutationsV2(rng: Rng, corpus: CorpusV2, issuer: Signer, holder: Signer): Mutation[] {
  const text = () => rng.pick(corpus.texts);
  const envelope = () => decodeDigits(text(), PRESENTATION_PREFIX_V2.length);
  const parts = () => rng.pick(corpus.parts);
  const copyIndex = () => rng.int(corpus.copies.length);
  const unsigned = (t: string): Made => ({ text: t, signed: false });
  const fromEnvelope = (bytes: Uint8Array) =>
    unsigned(PRESENTATION_PREFIX_V2 + encodeDigits(bytes));
  const write = (e: EnvelopeV2) => unsigned(encodeEnvelopeV2(e));
  /** A presentation by hand of the copy's credential (or `credential`) with these values. */
  const byHand = async (i: number, values: GroupValues, credential?: string): Promise<Made> => {
    const copy = corpus.parsed[i] as HolderCopy;
    const nonceUsed = maybeNonce(rng);
    return {
      text: await presentV2ByHand(credential ?? copy.credential, values, copy.seed, holder, {
        ...purposeAndGroups(rng),
        iat: NOW - rng.int(20),
        ...(nonceUsed === undefined ? {} : { nonce: nonceUsed }),
      }),
      signed: true,
    };
  };
  return [
    // The text and the envelope bytes.
    ['v2 text: digits changed', 4, () => unsigned(editDigits(rng, text(), 'change'))],
    [
      'v2 text: digits inserted or deleted',
      2,
      () => unsigned(editDigits(rng, text(), rng.chance(0.5) ? 'insert' : 'delete')),
    ],
    ['v2 text: spliced', 2, () => unsigned(splice(rng, text(), text()))],
    ['v2 envelope: bits flipped', 6, () => fromEnvelope(flipBits(rng, envelope()))],
    [
      'v2 envelope: bytes inserted or deleted',
      3,
      () =>
        fromEnvelope(rng.chance(0.5) ? insertBytes(rng, envelope()) : deleteBytes(rng, envelope())),
    ],
    ['v2 envelope: byte set to an edge value', 2, () => fromEnvelope(setByte(rng, envelope()))],
    ['v2 envelope: truncated or extended', 2, () => fromEnvelope(resize(rng, envelope()))],
    // One field changed, the signatures left as they were.
    ['v2 envelope: field changed', 10, () => write(oddFieldV2(rng, parts()))],
    [
      'v2 envelope: field from another presentation',
      5,
      () => write(swapFieldV2(rng, parts(), parts())),
    ],
    // Signed again, to reach the disclosure check and the checks after it.
    [
      'v2 signed: group values',
      5,
      () => {
        const i = copyIndex();
        const copy = corpus.parsed[i] as HolderCopy;
        // Six values (one per digest of the tree), one of them changed in any way.
        const values = [...copy.values] as unknown[];
        const g = rng.int(values.length);
        values[g] = mutateAt(rng, values[g], 1);
        const six = values as unknown as GroupValues;
        return signGroupValues(copy.claims, six, issuer, copy.seed).then((issued) =>
          byHand(i, six, issued.credential),
        );
      },
    ],
    [
      'v2 signed: claims',
      4,
      async () => {
        const i = copyIndex();
        const copy = corpus.parsed[i] as HolderCopy;
        const wire = mutateJson(rng, corpus.claims[i] as Record<string, unknown>);
        const signedParts = await signParts(
          Buffer.from(canonicalCredentialHeaderV2(issuer.kid)),
          compress(JSON.stringify(wire)),
          issuer,
        );
        return byHand(i, copy.values, credentialCompact(signedParts));
      },
    ],
    [
      'v2 signed: purpose, groups, time and nonce',
      4,
      async () => {
        const { purpose, groups } = purposeAndGroups(rng);
        const nonceUsed = maybeNonce(rng);
        return {
          text: await createPresentationV2(corpus.copies[copyIndex()] as string, holder, {
            now: dateOf(rng.pick(proofTimes(rng).filter((t) => t <= 2 ** 40))),
            purpose,
            ...(purpose === 'custom' ? { groups } : {}),
            ...(nonceUsed === undefined ? {} : { nonce: nonceUsed }),
          }),
          signed: true,
        };
      },
    ],
    ['v2 originals', 1, () => ({ text: text(), signed: true })],
  ];
}

const EDGE_INDICES = [0, 1, 2, 3, 4, 5, 6, 7, 127, 128, 255];

/** The envelope of `p` with one field changed. */
function oddFieldV2(rng: Rng, p: PresentationPartsV2): EnvelopeV2 {
  const e = envelopeOfV2(p);
  switch (rng.int(9)) {
    case 0:
      return { ...e, purposeCode: rng.pick([0, 1, 2, 3, 4, 5, 6, 7, 255]) };
    case 1: {
      const indices = Array.from({ length: rng.int(8) }, () => rng.pick(EDGE_INDICES));
      return { ...e, indices: rng.chance(0.5) ? indices.sort((a, b) => a - b) : indices };
    }
    case 2:
      return { ...e, purposeCode: 6, indices: groupSet(rng).sort((a, b) => a - b) };
    case 3:
      return { ...e, secret: mutateBytes(rng, e.secret) };
    case 4:
      return { ...e, withheld: mutateBytes(rng, e.withheld) };
    case 5: {
      const values = mutateAt(rng, [...p.values], 0) as GroupValues;
      if (p.whole === undefined) return { ...e, values: compressValues(values) };
      // The whole disclosure with a value changed: its salt and name kept.
      const [salt, name] = JSON.parse(wholeJson(p)) as unknown[];
      return { ...e, values: compress(Buffer.from(JSON.stringify([salt, name, values]))) };
    }
    case 6: {
      const json = p.whole === undefined ? JSON.stringify(p.values) : wholeJson(p);
      return { ...e, values: compress(mutateBytes(rng, Buffer.from(json))) };
    }
    case 7:
      return { ...e, nonce: rng.chance(0.5) ? mutateBytes(rng, e.nonce) : Buffer.from(nonce(rng)) };
    default:
      return { ...e, proofSignature: flipBits(rng, e.proofSignature) };
  }
}

/** The JSON text of a presentation's whole disclosure. */
function wholeJson(p: PresentationPartsV2): string {
  return Buffer.from(p.whole ?? '', 'base64url').toString('utf8');
}

/** The envelope of `a` with one field, or the disclosures, taken from `b`. */
function swapFieldV2(rng: Rng, a: PresentationPartsV2, b: PresentationPartsV2): EnvelopeV2 {
  const e = envelopeOfV2(a);
  const o = envelopeOfV2(b);
  switch (rng.int(6)) {
    case 0:
      return { ...e, secret: o.secret, values: o.values };
    case 1:
      return { ...e, withheld: o.withheld };
    case 2:
      return { ...e, proofSignature: o.proofSignature };
    case 3:
      return {
        ...e,
        credentialHeader: o.credentialHeader,
        credentialPayload: o.credentialPayload,
        credentialSignature: o.credentialSignature,
      };
    case 4:
      return { ...e, purposeCode: o.purposeCode, indices: o.indices };
    default:
      return { ...e, proofIat: o.proofIat, nonce: o.nonce };
  }
}

const PREFIXES = ['LZ1:', 'lz1:', 'LZ2:', 'LZ1', 'LZ1::', ' LZ1:', 'LZ0:', '', 'LZ1:0'];
const ODD_CHARACTERS = [
  ' ',
  '\n',
  '\r',
  '\t',
  '\u0000',
  'A',
  ':',
  '-',
  '.',
  '０',
  '٣',
  '\u200b',
  '\ufeff',
  '\ud800',
  '😀',
  'LZ1:',
];
const EDGE_BYTES = [0x00, 0x01, 0x7f, 0x80, 0x81, 0xfe, 0xff];

function editDigits(rng: Rng, t: string, how: 'change' | 'insert' | 'delete'): string {
  let out = t;
  for (let n = 1 + rng.int(3); n > 0; n--) {
    const at = PRESENTATION_PREFIX.length + rng.int(Math.max(1, out.length - 4));
    const digit = String(rng.int(10));
    if (how === 'change') out = out.slice(0, at) + digit + out.slice(at + 1);
    else if (how === 'insert') out = out.slice(0, at) + digit + out.slice(at);
    else out = out.slice(0, at) + out.slice(at + 1);
  }
  return out;
}

function moveGroups(rng: Rng, t: string): string {
  const digits = t.slice(PRESENTATION_PREFIX.length);
  const groups = digits.match(/\d{1,15}/g) ?? [];
  const i = rng.int(groups.length);
  const j = rng.int(groups.length);
  const op = rng.int(3);
  if (op === 0) groups.splice(i, 0, groups[j] ?? '');
  else if (op === 1) groups.splice(i, 1);
  else [groups[i], groups[j]] = [groups[j] ?? '', groups[i] ?? ''];
  return PRESENTATION_PREFIX + groups.join('');
}

function flipCharacter(rng: Rng, t: string): string {
  const at = rng.int(t.length);
  const flipped = String.fromCharCode(t.charCodeAt(at) ^ (1 << rng.int(7)));
  return t.slice(0, at) + flipped + t.slice(at + 1);
}

function insertOdd(rng: Rng, t: string): string {
  const at = rng.int(t.length + 1);
  return t.slice(0, at) + rng.pick(ODD_CHARACTERS) + t.slice(at);
}

function splice(rng: Rng, a: string, b: string): string {
  return a.slice(0, rng.int(a.length + 1)) + b.slice(rng.int(b.length + 1));
}

function nearLimit(rng: Rng): string {
  return PRESENTATION_PREFIX + '1'.repeat(4090 + rng.int(8) - PRESENTATION_PREFIX.length);
}

function flipBits(rng: Rng, bytes: Uint8Array): Uint8Array {
  const out = bytes.slice();
  for (let n = 1 + rng.int(3); n > 0; n--) {
    const at = rng.int(out.length);
    out[at] = (out[at] ?? 0) ^ (1 << rng.int(8));
  }
  return out;
}

function insertBytes(rng: Rng, bytes: Uint8Array): Uint8Array {
  const at = rng.int(bytes.length + 1);
  return concat(bytes.subarray(0, at), rng.bytes(1 + rng.int(3)), bytes.subarray(at));
}

function deleteBytes(rng: Rng, bytes: Uint8Array): Uint8Array {
  const at = rng.int(bytes.length);
  return concat(bytes.subarray(0, at), bytes.subarray(at + 1 + rng.int(3)));
}

function setByte(rng: Rng, bytes: Uint8Array): Uint8Array {
  const out = bytes.slice();
  out[rng.int(out.length)] = rng.pick(EDGE_BYTES);
  return out;
}

function resize(rng: Rng, bytes: Uint8Array): Uint8Array {
  return rng.chance(0.5)
    ? bytes.subarray(0, rng.int(bytes.length))
    : concat(bytes, rng.bytes(1 + rng.int(64)));
}

function spliceBytes(rng: Rng, a: Uint8Array, b: Uint8Array): Uint8Array {
  return concat(a.subarray(0, rng.int(a.length + 1)), b.subarray(rng.int(b.length + 1)));
}

function mutateBytes(rng: Rng, bytes: Uint8Array): Uint8Array {
  switch (rng.int(4)) {
    case 0:
      return flipBits(rng, bytes);
    case 1:
      return insertBytes(rng, bytes);
    case 2:
      return deleteBytes(rng, bytes);
    default:
      return setByte(rng, bytes);
  }
}

/** A varint written with `extra` superfluous groups (not minimal), or minimal when 0. */
function longVarint(value: number, extra: number): Uint8Array {
  const minimal = new ByteWriter().varint(value).finish();
  if (extra === 0) return minimal;
  const out = Array.from(minimal);
  out[out.length - 1] = (out[out.length - 1] ?? 0) | 0x80;
  for (let i = 0; i < extra; i++) out.push(i === extra - 1 ? 0 : 0x80);
  return Uint8Array.from(out);
}

/**
 * The envelope of `p` written field by field with one field odd: a varint not minimal, a length
 * off by a little, the canonical header written out, a nonce too long or of other bytes.
 */
function oddEnvelope(rng: Rng, p: PresentationParts): Uint8Array {
  const odd = rng.int(7);
  const long = (field: number) => (odd === field ? 1 + rng.int(2) : 0);
  const header = p.credentialHeader;
  const headerOut = odd === 0 && p.canonicalKid !== undefined;
  const nonceBytes =
    odd === 5
      ? rng.chance(0.5)
        ? rng.bytes(1 + rng.int(70))
        : Buffer.from('n'.repeat(65 + rng.int(3)))
      : Buffer.from(p.nonce ?? '');
  const shift = odd === 6 ? rng.pick([-2, -1, 1, 2]) : 0;
  const kid = headerOut ? undefined : p.canonicalKid;
  return concat(
    kid === undefined
      ? concat(longVarint(header.length, long(1)), header)
      : concat(longVarint(0, long(1)), Buffer.from(kid, 'base64url')),
    longVarint(Math.max(0, p.credentialPayload.length + shift), long(2)),
    p.credentialPayload,
    p.credentialSignature,
    longVarint(p.proofIat, long(3)),
    longVarint(nonceBytes.length, long(4)),
    nonceBytes,
    p.proofSignature,
  );
}

/** Parts of `a` with one thing taken from `b` or changed, the signatures left as they were. */
function swapParts(rng: Rng, a: PresentationParts, b: PresentationParts): string {
  // encodePresentation sends the header as its kid whenever it is the canonical one.
  const base: PresentationParts = {
    credentialHeader: a.credentialHeader,
    credentialPayload: a.credentialPayload,
    credentialSignature: a.credentialSignature,
    proofIat: a.proofIat,
    proofSignature: a.proofSignature,
  };
  const withNonce = (n: string | undefined) => (n === undefined ? {} : { nonce: n });
  /** `a` with its nonce and one part changed. */
  const aWith = (change: Partial<PresentationParts>) =>
    encodePresentation({ ...base, ...withNonce(a.nonce), ...change });
  switch (rng.int(6)) {
    case 0:
      return aWith({ proofSignature: b.proofSignature });
    case 1:
      return aWith({ credentialSignature: b.credentialSignature });
    case 2:
      return aWith({ credentialPayload: b.credentialPayload });
    case 3:
      return aWith({ proofIat: rng.pick(proofTimes(rng)) });
    case 4:
      return encodePresentation({ ...base, ...withNonce(maybeNonce(rng)) });
    default:
      return aWith({ credentialHeader: b.credentialHeader });
  }
}

/** A credential header: the canonical one changed, or a variant of it. */
function oddHeader(rng: Rng, kid: string): string {
  const alg = rng.pick(['EdDSA', 'EdDSA', 'Ed25519', 'eddsa', 'none', 'HS256', 'ES256', '']);
  const typ = rng.pick(['lzdl+jwt', 'lzdl+jwt', 'JWT', 'statuslist+jwt', 'LZDL+JWT', 'lzkb+jwt']);
  const members: [string, unknown][] = [
    ['alg', alg],
    ['kid', rng.chance(0.9) ? kid : rng.pick([5, null, '', kid.slice(1), `${kid}=`])],
    ['typ', typ],
  ];
  if (rng.chance(0.3)) {
    const extra = rng.pick(['crit', 'b64', 'jwk', 'jku', 'x5u', 'x5c', 'x5t', 'zip', 'cty', 'x']);
    members.splice(rng.int(members.length + 1), 0, [extra, randomJson(rng, 2)]);
  }
  if (rng.chance(0.2)) members.splice(rng.int(members.length), 1);
  let text = `{${members.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`;
  switch (rng.int(8)) {
    case 0:
      text = text.replace('{', rng.pick(['{ ', '\ufeff{', '{\n']));
      break;
    case 1:
      text = text.replace('"alg"', rng.pick(['"\\u0061lg"', '"alg","alg":"none"', '"ALG"']));
      break;
    case 2:
      text = `${text}${rng.pick([' ', '}', 'x', '\u0000'])}`;
      break;
    case 3:
      text = Buffer.from(mutateBytes(rng, Buffer.from(text))).toString('latin1');
      break;
    default:
  }
  return text;
}

/** A DEFLATE stream of `json` that is not quite the expected one. */
function oddDeflate(rng: Rng, json: string): Uint8Array {
  switch (rng.int(8)) {
    case 0:
      return deflateRawSync(json);
    case 1:
      return deflateSync(json, { dictionary: CLAIMS_DICTIONARY });
    case 2:
      return deflateRawSync(json, { level: 0, dictionary: CLAIMS_DICTIONARY });
    case 3:
      return concat(compress(json), rng.bytes(1 + rng.int(4)));
    case 4:
      return compress(json).subarray(0, rng.int(compress(json).length));
    case 5:
      return compress(`${json.slice(0, -1)},"pad":"${' '.repeat(3000 + rng.int(2000))}"}`);
    case 6:
      return rng.bytes(rng.int(40));
    default:
      return mutateBytes(rng, compress(json));
  }
}

function oddTimes(rng: Rng, corpus: Corpus): Record<string, unknown> {
  const claims = { ...rng.pick(corpus.claims) };
  const edge = () =>
    rng.pick<unknown>([
      NOW,
      NOW - 40 * DAY,
      NOW + 3600,
      NOW + 11,
      NOW - 11,
      0,
      -1,
      1.5,
      2 ** 53 - 1,
      2 ** 53,
      1e21,
      '1773540000',
      null,
    ]);
  for (const key of ['iat', 'nbf', 'exp']) if (rng.chance(0.5)) claims[key] = edge();
  return claims;
}

function oddHolder(rng: Rng, corpus: Corpus): Record<string, unknown> {
  const claims = { ...rng.pick(corpus.claims) };
  const x = rng.pick([
    b64(Uint8Array.from([1, ...new Array<number>(31).fill(0)])),
    b64(new Uint8Array(32)),
    b64(Uint8Array.from([...new Array<number>(31).fill(0xff), 0x7f])),
    b64(rng.bytes(32)),
    b64(rng.bytes(31)),
    b64(rng.bytes(33)),
    `${b64(rng.bytes(32)).slice(0, 42)}B`,
  ]);
  claims.cnf = rng.chance(0.8)
    ? { jwk: { kty: 'OKP', crv: 'Ed25519', x } }
    : { jwk: { kty: 'OKP', crv: rng.pick(['X25519', 'Ed448', 'P-256']), x } };
  return claims;
}

function proofTimes(rng: Rng): number[] {
  return [NOW, NOW - 61, NOW - 75, NOW + 9, NOW + 11, NOW + 100, 0, 2 ** 53 - 1, rng.int(2 ** 31)];
}

/** A copy of `value` with one to three changes somewhere inside. */
function mutateJson(rng: Rng, value: Record<string, unknown>): unknown {
  let out: unknown = structuredClone(value);
  for (let n = 1 + rng.int(3); n > 0; n--) out = mutateAt(rng, out, 0);
  return out;
}

function mutateAt(rng: Rng, value: unknown, depth: number): unknown {
  const container = typeof value === 'object' && value !== null;
  if (!container || depth > 4 || rng.chance(0.15)) return replaceValue(rng, value);
  if (Array.isArray(value)) {
    const copy = [...(value as unknown[])];
    if (copy.length === 0 || rng.chance(0.2)) copy.push(randomJson(rng, 1));
    else {
      const i = rng.int(copy.length);
      if (rng.chance(0.2)) copy.splice(i, 1);
      else copy[i] = mutateAt(rng, copy[i], depth + 1);
    }
    return copy;
  }
  const copy = { ...(value as Record<string, unknown>) };
  const keys = Object.keys(copy);
  const key = keys.length === 0 ? undefined : rng.pick(keys);
  if (key === undefined || rng.chance(0.1)) {
    // defineProperty, so that "__proto__" becomes a member of the JSON, as JSON.parse reads it.
    const added = rng.pick(['xyz', 'x', '__proto__', '']);
    Object.defineProperty(copy, added, { value: 1, enumerable: true, writable: true });
  } else if (rng.chance(0.15))
    return Object.fromEntries(keys.filter((k) => k !== key).map((k) => [k, copy[k]]));
  else copy[key] = mutateAt(rng, copy[key], depth + 1);
  return copy;
}

function replaceValue(rng: Rng, value: unknown): unknown {
  if (typeof value === 'string' && rng.chance(0.6)) return mutateString(rng, value);
  if (typeof value === 'number' && rng.chance(0.6))
    return rng.pick([value + 1, value - 1, -value, value * 1000, value + 0.5, 0, 12, 13]);
  return randomJson(rng, 2);
}

function mutateString(rng: Rng, s: string): string {
  const at = rng.int(s.length + 1);
  switch (rng.int(5)) {
    case 0:
      return s.slice(0, at) + s.slice(at + 1);
    case 1:
      return s.slice(0, at) + rng.pick(ODD_CHARACTERS.concat(['X', '9', '广', ' '])) + s.slice(at);
    case 2:
      return s.slice(0, at);
    case 3:
      return s.repeat(1 + rng.int(4));
    default:
      return s.toLowerCase() === s ? s.toUpperCase() : s.toLowerCase();
  }
}

function randomJson(rng: Rng, depth: number): unknown {
  switch (rng.int(depth > 0 ? 8 : 6)) {
    case 0:
      return null;
    case 1:
      return rng.chance(0.5);
    case 2:
      return rng.pick([0, -0, -1, 1, 0.5, 12, 2 ** 31, 2 ** 53, -(2 ** 53), 1e308]);
    case 3:
      return rng.pick(['', 'A', 'EdDSA', '2026-03-15', 'long-term', 'CHN', '\u0000', '😀']);
    case 4:
      return b64(rng.bytes(rng.int(48)));
    case 5:
      return String(rng.int(1e9));
    case 6:
      return Array.from({ length: rng.int(3) }, () => randomJson(rng, depth - 1));
    default:
      return Object.fromEntries(
        Array.from({ length: rng.int(3) }, () => [
          rng.pick(['no', 'st', 'x', 'kty']),
          randomJson(rng, depth - 1),
        ]),
      );
  }
}

// --- Verifier options ----------------------------------------------------------------------

function fuzzOptions(rng: Rng): FuzzOptions {
  const nowOffset = rng.chance(0.8)
    ? 0
    : rng.pick([-11, 11, 61, 71, -3600, DAY, 30 * DAY, -30 * DAY, 400 * DAY]);
  const expected = rng.chance(0.15) ? nonce(rng) : undefined;
  return {
    nowOffset,
    statusList: rng.chance(0.5),
    strict: rng.chance(0.2),
    ...(expected === undefined ? {} : { nonce: expected }),
    ...(rng.chance(0.1) ? { issuer: rng.pick([ISSUER, `${ISSUER}/`, 'https://x.example']) } : {}),
  };
}

function nonce(rng: Rng): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  return Array.from({ length: 1 + rng.int(64) }, () => alphabet.charAt(rng.int(64))).join('');
}

function maybeNonce(rng: Rng): string | undefined {
  return rng.chance(0.5) ? nonce(rng) : undefined;
}

// --- Small tools ---------------------------------------------------------------------------

/** A seeded PRNG (mulberry32): the same seed, the same inputs. */
class Rng {
  private readonly random: () => number;

  constructor(seed: number) {
    this.random = mulberry32(seed);
  }

  /** A float in [0, 1). */
  next(): number {
    return this.random();
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick: expected at least one item');
    return items[this.int(items.length)] as T;
  }

  bytes(n: number): Uint8Array {
    return Uint8Array.from({ length: n }, () => this.int(256));
  }
}

function pickWeighted(rng: Rng, items: readonly Mutation[]): [string, Mutation[2]] {
  const total = items.reduce((sum, [, weight]) => sum + weight, 0);
  let at = rng.next() * total;
  for (const [name, weight, make] of items) {
    at -= weight;
    if (at < 0) return [name, make];
  }
  const [name, , make] = items[items.length - 1] as Mutation;
  return [name, make];
}

/** An Ed25519 signer whose key comes from the PRNG. */
function signerFrom(rng: Rng): Signer {
  const der = Buffer.concat([PKCS8_ED25519, rng.bytes(32)]);
  return createJwkSigner(
    createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }).export({ format: 'jwk' }),
  );
}

function jti(rng: Rng): string {
  return b64(rng.bytes(12));
}

function b64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url');
}

function concat(...parts: Uint8Array[]): Uint8Array {
  return Uint8Array.from(Buffer.concat(parts));
}

function dateOf(seconds: number): Date {
  return new Date(seconds * 1000);
}
