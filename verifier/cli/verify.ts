import { nodeBackend } from '../backends/node.js';
import {
  clockFrom,
  EXIT,
  inputArgument,
  integerFrom,
  lines,
  parse,
  readJsonFile,
  readFileText,
  readText,
  UsageError,
  write,
  type Command,
  type Io,
} from '../../shared/cli/command.js';
import { LicenceError } from '../../shared/errors.js';
import type { VerificationReport } from '../report.js';
import { createTrustStore, type TrustStore } from '../trust-store.js';
import { MAX_PRESENTATION_LENGTH, PRESENTATION_PREFIX } from '../../shared/presentation.js';
import { PRESENTATION_PREFIX_V2 } from '../../shared/sd/prefix.js';
import {
  presentationTooLarge,
  verifyPresentation,
  type VerifyOptions,
} from '../verify-presentation.js';
import { verifyStatusList, type VerifiedStatusList } from '../verify-status-list.js';
import { readQrImage } from './read-qr-image.js';
import { formatReport } from './format-report.js';

const USAGE =
  'liangzheng verify --trust jwks.json [--status FILE]… [--now ISO-8601] [--nonce N] [--max-age S] [--tolerance S] [--status-max-age S] [--strict] [--reject-v1] [--json] (TEXT | - | --image FILE)\n' +
  '       liangzheng verify --batch --trust jwks.json [--status FILE]… [--now ISO-8601] [--strict] [--reject-v1] < lines\n' +
  '    Reads LZ1: (format 1, everything shown) and LZ2: (format 2, the groups the holder chose for a purpose);\n' +
  '    prints the purpose, what was shown and withheld, and every check. --reject-v1: refuse LZ1: (ERR_VERSION_RETIRED).';

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
    const trust = await loadTrust(values.trust);
    const now = clockFrom(values.now, io);
    const statusLists = await loadStatusLists(values.status ?? [], trust);
    const options: VerifyOptions = {
      trust,
      now,
      statusLists,
      proofMaxAge: integerFrom(values['max-age'], '--max-age', 60, 86_400),
      clockTolerance: integerFrom(values.tolerance, '--tolerance', 10, 3_600),
      statusMaxAge: integerFrom(values['status-max-age'], '--status-max-age', 86_400),
      strict: values.strict === true,
      ...(values['reject-v1'] === true ? { acceptVersion1: false } : {}),
      ...(values.nonce === undefined ? {} : { nonce: values.nonce }),
    };

    if (values.batch === true) {
      if (positionals.length > 0 || values.image !== undefined)
        throw new UsageError(`--batch reads lines from stdin, found an argument too`);
      return runBatch(io, options, values.now === undefined);
    }

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
 * Bytes of a batch line read at most. A text is at most 3 bytes of UTF-8 per UTF-16 unit, so a
 * line longer than this is longer than MAX_PRESENTATION_LENGTH whatever it holds: it is refused
 * as it streams past, never held.
 */
const MAX_LINE_BYTES = 3 * MAX_PRESENTATION_LENGTH;

async function runBatch(io: Io, options: VerifyOptions, liveClock: boolean): Promise<number> {
  let allValid = true;
  for await (const line of lines(io.stdin, MAX_LINE_BYTES)) {
    // Without --now each line is judged at the moment it is read.
    const at = liveClock ? { ...options, now: io.now() } : options;
    const report =
      'text' in line
        ? verifyPresentation(line.text, at)
        : presentationTooLarge(`a line of ${line.tooLongBytes} bytes`, at);
    allValid &&= report.valid;
    await write(io.stdout, `${JSON.stringify(report)}\n`);
  }
  return allValid ? EXIT.VALID : EXIT.INVALID;
}

/** Reads one or more JWKS files into a trust store on the Node backend. */
export async function loadTrust(paths: readonly string[]): Promise<TrustStore> {
  const sets = await Promise.all(paths.map((p) => readJsonFile(p)));
  try {
    return createTrustStore(sets, nodeBackend);
  } catch (error) {
    if (error instanceof LicenceError)
      throw new UsageError(`${paths.join(', ')}: ${error.message}`);
    throw error;
  }
}

async function loadStatusLists(
  paths: readonly string[],
  trust: TrustStore,
): Promise<Map<string, VerifiedStatusList>> {
  const lists = new Map<string, VerifiedStatusList>();
  for (const path of paths) {
    const token = (await readFileText(path)).replace(/\r?\n$/, '');
    try {
      const list = verifyStatusList(token, trust);
      lists.set(list.uri, list);
    } catch (error) {
      if (error instanceof LicenceError)
        throw new UsageError(`${path}: ${error.code}: ${error.message}`);
      throw error;
    }
  }
  return lists;
}

function oneLine(report: VerificationReport): string {
  const failed = report.checks.find((c) => c.status === 'FAILED');
  return `invalid: ${report.code ?? ''} ${report.message.zh} / ${report.message.en}${failed?.detail === undefined ? '' : ` (${failed.detail})`}`;
}
