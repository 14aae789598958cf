/*
 * What a `--batch` line is judged by, built from plain data: the same in the command's own
 * thread (--jobs 1) and in each worker thread, which rebuilds the trust store and status lists
 * from the JWKS sets and tokens as they were read (a key object never crosses a thread).
 */
import type { Line } from '../../../shared/cli/command.js';
import { encodeBase64url } from '../../../shared/base64url.js';
import { MAX_COMPACT_JWS_LENGTH } from '../../../shared/compact-jws.js';
import { MAX_PRESENTATION_LENGTH } from '../../../shared/presentation.js';
import { nodeBackend } from '../../backends/node.js';
import { createTrustStore, type TrustStore } from '../../trust-store.js';
import { verifyJws, type JwsResult } from '../../verify-jws.js';
import {
  presentationTooLarge,
  verifyPresentation,
  type VerifyOptions,
} from '../../verify-presentation.js';
import { verifyStatusList, type VerifiedStatusList } from '../../verify-status-list.js';

/** `verify --batch`: its options as plain data, which survives a structured clone. */
export interface PresentationSetup {
  readonly kind: 'presentation';
  /** The JWKS sets of --trust, as parsed. */
  readonly jwks: readonly unknown[];
  /** The status list tokens of --status, as read (each already verified once). */
  readonly statusLists: readonly string[];
  /** --now, epoch milliseconds; without it each line is judged at the time it is verified. */
  readonly now?: number;
  readonly proofMaxAge: number;
  readonly clockTolerance: number;
  readonly statusMaxAge: number;
  readonly strict: boolean;
  /** --reject-v1: format 1 refused (ERR_VERSION_RETIRED). */
  readonly rejectV1: boolean;
  readonly nonce?: string;
}

/** `jws verify --batch`: the JWKS sets of --jwks, as parsed. */
export interface JwsSetup {
  readonly kind: 'jws';
  readonly jwks: readonly unknown[];
}

export type BatchSetup = PresentationSetup | JwsSetup;

/** One line's answer: its JSON line (without the newline), and whether it was valid. */
export interface Verdict {
  readonly json: string;
  readonly valid: boolean;
}

/** Judges one line. */
export type Judge = (line: Line) => Verdict;

/**
 * A line as it crosses to a worker: its text, or, for a line past the limit, only its length in
 * bytes (its text was dropped as it streamed past).
 */
export type ChunkLine = string | number;

/** The answers to a chunk of lines, in order, as they cross back. */
export interface Judged {
  /**
   * One JSON line per input line, each ending in a newline, as UTF-8: encoded where it was
   * judged, and moved across (not copied) in a buffer of its own.
   */
  readonly output: Uint8Array;
  readonly lines: number;
  readonly invalid: number;
}

/**
 * Bytes of a batch line read at most. A text is at most 3 bytes of UTF-8 per UTF-16 unit, so a
 * line longer than this is longer than the input's limit in characters whatever it holds: it is
 * refused as it streams past, never held.
 */
export function maxLineBytes(kind: BatchSetup['kind']): number {
  return 3 * (kind === 'jws' ? MAX_COMPACT_JWS_LENGTH : MAX_PRESENTATION_LENGTH);
}

/** The verification options of a setup, with the trust store and status lists built from it. */
export function verifyOptionsOf(
  setup: PresentationSetup,
  trust: TrustStore,
  statusLists: ReadonlyMap<string, VerifiedStatusList>,
  now: Date,
): VerifyOptions {
  return {
    trust,
    now,
    statusLists,
    proofMaxAge: setup.proofMaxAge,
    clockTolerance: setup.clockTolerance,
    statusMaxAge: setup.statusMaxAge,
    strict: setup.strict,
    ...(setup.rejectV1 ? { acceptVersion1: false } : {}),
    ...(setup.nonce === undefined ? {} : { nonce: setup.nonce }),
  };
}

/**
 * Judges presentations with `options`; with a `clock`, each line at the time the clock gives
 * when the line is verified (options.now is then not used).
 */
export function presentationJudge(options: VerifyOptions, clock?: () => Date): Judge {
  return (line) => {
    const at = clock === undefined ? options : { ...options, now: clock() };
    const report =
      'text' in line
        ? verifyPresentation(line.text, at)
        : presentationTooLarge(`a line of ${line.tooLongBytes} bytes`, at);
    return { json: JSON.stringify(report), valid: report.valid };
  };
}

/** Judges compact JWS against `keys`. */
export function jwsJudge(keys: TrustStore): Judge {
  return (line) => {
    const result = 'text' in line ? verifyJws(line.text, keys) : jwsTooLarge(line.tooLongBytes);
    return { json: JSON.stringify(jwsResultJson(result)), valid: result.valid };
  };
}

/**
 * The judge of a setup, its trust store and status lists rebuilt from the plain data; without
 * --now, each line is judged at the time `clock` gives when it is verified.
 * @throws {LicenceError} when a JWKS or a status list does not check (the command checked them
 *   before, so only when they changed in between, which plain data cannot).
 */
export function judgeOf(setup: BatchSetup, clock: () => Date): Judge {
  const trust = createTrustStore(setup.jwks, nodeBackend);
  if (setup.kind === 'jws') return jwsJudge(trust);
  const statusLists = new Map<string, VerifiedStatusList>();
  for (const token of setup.statusLists) {
    const list = verifyStatusList(token, trust);
    statusLists.set(list.uri, list);
  }
  if (setup.now !== undefined)
    return presentationJudge(verifyOptionsOf(setup, trust, statusLists, new Date(setup.now)));
  // Without --now, each line's time is the clock's: the options' own time is never read.
  return presentationJudge(verifyOptionsOf(setup, trust, statusLists, new Date(0)), clock);
}

/** Judges a chunk of lines in order. */
export function judgeChunk(judge: Judge, chunk: readonly ChunkLine[]): Judged {
  let text = '';
  let invalid = 0;
  for (const line of chunk) {
    const verdict = judge(typeof line === 'string' ? { text: line } : { tooLongBytes: line });
    text += `${verdict.json}\n`;
    if (!verdict.valid) invalid++;
  }
  return { output: utf8Alone(text), lines: chunk.length, invalid };
}

/** `text` as UTF-8 in a buffer of its own (not a slice of Node's shared pool): movable. */
export function utf8Alone(text: string): Uint8Array {
  const bytes = Buffer.allocUnsafeSlow(Buffer.byteLength(text, 'utf8'));
  bytes.write(text, 'utf8');
  return bytes;
}

/** What verifyJws answers on a token too long to read, for a line dropped at the limit. */
export function jwsTooLarge(bytes: number): JwsResult {
  return {
    valid: false,
    code: 'ERR_TOO_LARGE',
    reason: `JWS: expected at most ${MAX_COMPACT_JWS_LENGTH} characters, found a line of ${bytes} bytes`,
  };
}

/** A JWS result as JSON: the payload as base64url. */
export function jwsResultJson(result: JwsResult): Record<string, unknown> {
  const { payload, ...rest } = result;
  return payload === undefined ? rest : { ...rest, payload: encodeBase64url(payload) };
}
