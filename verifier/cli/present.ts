import {
  clockFrom,
  EXIT,
  integerFrom,
  parse,
  readFileText,
  UsageError,
  write,
  writeOutputFile,
  type Command,
} from '../../shared/cli/command.js';
import { createPresentation } from '../../shared/create-presentation.js';
import { NONCE_PATTERN } from '../../shared/presentation.js';
import { LicenceError } from '../../shared/errors.js';
import { readSignerFile } from '../../shared/node/keys.js';
import { renderQrPng } from '../../shared/node/qr-png.js';
import { renderQrSvg } from '../../shared/qr.js';
import { GROUP_NAMES, PURPOSES, type GroupIndex, type Purpose } from '../../shared/sd/groups.js';
import { createPresentationV2 } from '../../shared/sd/presentation-v2.js';

const PURPOSE_NAMES = Object.keys(PURPOSES) as Purpose[];
const USAGE =
  'liangzheng present --credential FILE --holder-key FILE [--purpose police|rental|insurance|employer|age|custom]\n' +
  '                   [--disclose GROUP,…] [--count N] [--nonce N] [--now ISO-8601] [--png FILE] [--svg FILE]\n' +
  '    FILE: a holder copy (credential~seed~values, format 2) or a compact credential (format 1, police only).\n' +
  '    --purpose: who the code is for (police, the default, shows everything; rental, insurance and employer\n' +
  '    holder,driving; age age_over_18); --disclose: with custom only, the groups to show, of\n' +
  `    ${GROUP_NAMES.join(',')}`;
const OPTIONS = {
  credential: { type: 'string' },
  purpose: { type: 'string' },
  disclose: { type: 'string' },
  'holder-key': { type: 'string' },
  count: { type: 'string' },
  nonce: { type: 'string' },
  now: { type: 'string' },
  png: { type: 'string' },
  svg: { type: 'string' },
} as const;

/** `liangzheng present`: what the driver's phone does, to make the QR text (and image). */
export const presentCommand: Command = {
  name: 'present',
  usage: USAGE,
  summary:
    'make a presentation (the dynamic QR) for a purpose from a holder copy (or a format 1 credential) and the device key',
  async run(args, io) {
    const { values, positionals } = parse(args, OPTIONS);
    if (positionals.length > 0)
      throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
    if (values.credential === undefined || values['holder-key'] === undefined) {
      throw new UsageError(
        `--credential and --holder-key: expected both, found ${values.credential === undefined ? 'no --credential' : 'no --holder-key'}`,
      );
    }
    if (values.nonce !== undefined && !NONCE_PATTERN.test(values.nonce)) {
      throw new UsageError(
        `--nonce: expected 1-64 characters of A-Z a-z 0-9 - _, found ${JSON.stringify(values.nonce)}`,
      );
    }
    const count = integerFrom(values.count, '--count', 1, 1_000_000, 1);
    const purpose = purposeFrom(values.purpose);
    const groups = disclosedFrom(values.disclose, purpose);
    const credential = (await readFileText(values.credential)).replace(/\r?\n$/, '');
    // A holder copy is the credential, the seed and the values joined by "~"; a compact credential
    // of format 1 has no "~".
    const version2 = credential.includes('~');
    if (!version2 && values.purpose !== undefined && purpose !== 'police') {
      throw new UsageError(
        `--purpose ${purpose}: ${values.credential} holds a format 1 credential, which shows everything (police only); a holder copy (credential~seed~values) is needed to show less`,
      );
    }
    const signer = await guard(values['holder-key'], () =>
      readSignerFile(values['holder-key'] as string),
    );
    let first = '';
    for (let i = 0; i < count; i++) {
      // Each is made at the moment it is written, unless --now fixes the clock.
      const now = clockFrom(values.now, io);
      const nonce = values.nonce === undefined ? {} : { nonce: values.nonce };
      const text = await guard(values.credential, () =>
        version2
          ? createPresentationV2(credential, signer, {
              now,
              purpose,
              ...(groups === undefined ? {} : { groups }),
              ...nonce,
            })
          : createPresentation(credential, signer, { now, ...nonce }),
      );
      if (i === 0) first = text;
      await write(io.stdout, `${text}\n`);
    }
    if (values.png !== undefined) await writeOutputFile(values.png, await renderQrPng(first));
    if (values.svg !== undefined) await writeOutputFile(values.svg, await renderQrSvg(first));
    return EXIT.VALID;
  },
};

/** The purpose named by --purpose; police when omitted. */
function purposeFrom(value: string | undefined): Purpose {
  if (value === undefined) return 'police';
  const found = PURPOSE_NAMES.find((p) => p === value);
  if (found === undefined)
    throw new UsageError(
      `--purpose: expected one of ${PURPOSE_NAMES.join(', ')}, found ${JSON.stringify(value)}`,
    );
  return found;
}

/**
 * The groups named by --disclose (comma-separated group names): required with the purpose
 * custom, refused with any other (each shows its own fixed groups).
 */
function disclosedFrom(value: string | undefined, purpose: Purpose): GroupIndex[] | undefined {
  const fixed = PURPOSES[purpose].groups;
  if (fixed !== undefined) {
    if (value !== undefined)
      throw new UsageError(
        `--disclose: only with --purpose custom; purpose ${purpose} shows ${fixed.map((g) => GROUP_NAMES[g]).join(',')}`,
      );
    return undefined;
  }
  if (value === undefined || value === '')
    throw new UsageError(
      `--disclose: expected the groups to show with --purpose custom, comma-separated, of ${GROUP_NAMES.join(',')}`,
    );
  const groups: GroupIndex[] = [];
  for (const name of value.split(',')) {
    const g = GROUP_NAMES.indexOf(name as (typeof GROUP_NAMES)[number]);
    if (g < 0)
      throw new UsageError(
        `--disclose: expected group names of ${GROUP_NAMES.join(',')}, found ${JSON.stringify(name)}`,
      );
    if (groups.includes(g as GroupIndex)) throw new UsageError(`--disclose: ${name} listed twice`);
    groups.push(g as GroupIndex);
  }
  return groups;
}

async function guard<T>(what: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    if (error instanceof LicenceError || error instanceof RangeError)
      throw new UsageError(`${what}: ${error.message}`);
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw new UsageError(`${what}: cannot read (ENOENT)`);
    throw error;
  }
}
