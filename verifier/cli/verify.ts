import { nodeBackend } from '../backends/node.js';
import {
  clockFrom,
  EXIT,
  inputArgument,
  integerFrom,
  parse,
  readJsonFile,
  readFileText,
  readText,
  UsageError,
  write,
  type Command,
} from '../../shared/cli/command.js';
import { LicenceError } from '../../shared/errors.js';
import type { VerificationReport } from '../report.js';
import { createTrustStore, type TrustStore } from '../trust-store.js';
import { PRESENTATION_PREFIX } from '../../shared/presentation.js';
import { PRESENTATION_PREFIX_V2 } from '../../shared/sd/prefix.js';
import { verifyPresentation } from '../verify-presentation.js';
import { verifyStatusList, type VerifiedStatusList } from '../verify-status-list.js';
import { verifyOptionsOf, type PresentationSetup } from './internal/batch-judge.js';
import { defaultJobs, MAX_JOBS, runBatch } from './internal/run-batch.js';
import { readQrImage } from './read-qr-image.js';
import { formatReport } from './format-report.js';

const USAGE =
  'liangzheng verify --trust jwks.json [--status FILE]… [--now ISO-8601] [--nonce N] [--max-age S] [--tolerance S] [--status-max-age S] [--strict] [--reject-v1] [--json] (TEXT | - | --image FILE)\n' +
  '       liangzheng verify --batch --trust jwks.json [--status FILE]… [--now ISO-8601] [--strict] [--reject-v1] [--jobs N] < lines\n' +
  '    Reads LZ1: (format 1, everything shown) and LZ2: (format 2, the groups the holder chose for a purpose);\n' +
  '    prints the purpose, what was shown and withheld, and every check. --reject-v1: refuse LZ1: (ERR_VERSION_RETIRED).\n' +
  '    --batch: one JSON report a line, in input order; on N worker threads (--jobs, default one a core;\n' +
  '    1 runs in this thread); without --now each line is judged at the time it is verified.';

const OPTIONS = {
  trust: { type: 'string', multiple: true },
  status: { type: 'string', multiple: true },
  now: { type: 'string' },
  nonce: { type: 'string' },
  'max-age': { type: 'string' },
  tolerance: { type: 'string' },
  'status-max-age': { type: 'string' },
  strict: { type: 'boolean' },
  'reject-v1': { type: 'boolean' },
  json: { type: 'boolean' },
  batch: { type: 'boolean' },
  jobs: { type: 'string' },
  image: { type: 'string' },
} as const;

/** What a TEXT argument looks like, whatever it holds: a prefix (either format) and digits. */
const PRESENTATION_SHAPE = new RegExp(
  `^(?:${PRESENTATION_PREFIX}|${PRESENTATION_PREFIX_V2})[0-9]*$`,
);

/** `liangzheng verify`: a presentation (the QR text) against trusted keys and status lists. */
export const verifyCommand: Command = {
  name: 'verify',
  usage: USAGE,
  summary: 'verify a presentation of either format (the QR text, or a photo of the QR)',
  async run(args, io) {
    const { values, positionals } = parse(args, OPTIONS);
    if (values.trust === undefined)
      throw new UsageError(`--trust: expected a JWKS file of trusted issuer keys, found none`);
    const { trust, sets } = await loadTrustSets(values.trust);
    const now = clockFrom(values.now, io);
    const status = await loadStatusLists(values.status ?? [], trust);
    const setup: PresentationSetup = {
      kind: 'presentation',
      jwks: sets,
      statusLists: status.tokens,
      ...(values.now === undefined ? {} : { now: now.getTime() }),
      proofMaxAge: integerFrom(values['max-age'], '--max-age', 60, 86_400),
      clockTolerance: integerFrom(values.tolerance, '--tolerance', 10, 3_600),
      statusMaxAge: integerFrom(values['status-max-age'], '--status-max-age', 86_400),
      strict: values.strict === true,
      rejectV1: values['reject-v1'] === true,
      ...(values.nonce === undefined ? {} : { nonce: values.nonce }),
    };
    const jobs = jobsFrom(values.jobs, values.batch === true);

    if (values.batch === true) {
      if (positionals.length > 0 || values.image !== undefined)
        throw new UsageError(`--batch reads lines from stdin, found an argument too`);
      return runBatch(io, setup, jobs);
    }
    const options = verifyOptionsOf(setup, trust, status.lists, now);

    let text: string;
    if (values.image !== undefined) {
      if (positionals.length > 0) throw new UsageError(`expected TEXT or --image, found both`);
      text = await readQrImage(values.image);
    } else if (positionals.length === 1) {
      const [source] = positionals as [string];
      text =
        source === '-'
          ? await readText('-', io)
          : inputArgument(
              source,
              PRESENTATION_SHAPE,
              `a presentation (${PRESENTATION_PREFIX}… or ${PRESENTATION_PREFIX_V2}…)`,
              (path) => `- < ${path}, or --image ${path} for a picture of the QR`,
            );
    } else {
      throw new UsageError(
        `expected one presentation (TEXT, - for stdin, or --image FILE), found ${positionals.length}`,
      );
    }
    const report = verifyPresentation(text, options);
    await write(
      io.stdout,
      values.json === true ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report),
    );
    if (!report.valid) await write(io.stderr, `${oneLine(report)}\n`);
    return report.valid ? EXIT.VALID : EXIT.INVALID;
  },
};

/**
 * Reads --jobs: worker threads for --batch, an integer 1-256; one a core by default.
 * @throws {UsageError} on anything else, or --jobs without --batch.
 */
export function jobsFrom(value: string | undefined, batch: boolean): number {
  if (value !== undefined && !batch)
    throw new UsageError(`--jobs: expected with --batch only, found it without`);
  return integerFrom(value, '--jobs', defaultJobs(), MAX_JOBS, 1);
}

/**
 * Reads one or more JWKS files: the sets as parsed (what a worker thread rebuilds the store
 * from), and a trust store of them on the Node backend.
 * @throws {UsageError} when a file cannot be read, or is not a JWKS of Ed25519 public keys.
 */
export async function loadTrustSets(
  paths: readonly string[],
): Promise<{ trust: TrustStore; sets: unknown[] }> {
  const sets = await Promise.all(paths.map((p) => readJsonFile(p)));
  try {
    return { trust: createTrustStore(sets, nodeBackend), sets };
  } catch (error) {
    if (error instanceof LicenceError)
      throw new UsageError(`${paths.join(', ')}: ${error.message}`);
    throw error;
  }
}

/**
 * Reads and verifies status list tokens, each from its file (one trailing line ending dropped):
 * the tokens as read (what a worker thread rebuilds the lists from), and the lists by URI.
 * @throws {UsageError} naming the first file that cannot be read or does not verify.
 */
async function loadStatusLists(
  paths: readonly string[],
  trust: TrustStore,
): Promise<{ tokens: string[]; lists: Map<string, VerifiedStatusList> }> {
  const tokens: string[] = [];
  const lists = new Map<string, VerifiedStatusList>();
  for (const path of paths) {
    const token = (await readFileText(path)).replace(/\r?\n$/, '');
    try {
      const list = verifyStatusList(token, trust);
      lists.set(list.uri, list);
      tokens.push(token);
    } catch (error) {
      if (error instanceof LicenceError)
        throw new UsageError(`${path}: ${error.code}: ${error.message}`);
      throw error;
    }
  }
  return { tokens, lists };
}

function oneLine(report: VerificationReport): string {
  // The check that decided the verdict, which is not always the first that failed (FORMAT.md §6.2).
  const failed = report.checks.find((c) => c.status === 'FAILED' && c.code === report.code);
  return `invalid: ${report.code ?? ''} ${report.message.zh} / ${report.message.en}${failed?.detail === undefined ? '' : ` (${failed.detail})`}`;
}
