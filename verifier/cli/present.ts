import { writeFile } from 'node:fs/promises';
import {
  clockFrom,
  EXIT,
  integerFrom,
  parse,
  readFileText,
  UsageError,
  write,
  type Command,
} from '../../shared/cli/command.js';
import { createPresentation } from '../../shared/create-presentation.js';
import { NONCE_PATTERN } from '../../shared/presentation.js';
import { LicenceError } from '../../shared/errors.js';
import { readSignerFile } from '../../shared/node/keys.js';
import { renderQrPng } from '../../shared/node/qr-png.js';
import { renderQrSvg } from '../../shared/qr.js';

const USAGE =
  'liangzheng present --credential FILE --holder-key FILE [--count N] [--nonce N] [--now ISO-8601] [--png FILE] [--svg FILE]';
const OPTIONS = {
  credential: { type: 'string' },
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
  summary: 'make a presentation (the dynamic QR) from a credential and the device key',
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
    const count = integerFrom(values.count, '--count', 1, 1_000_000);
    if (count === 0) throw new UsageError('--count: expected at least 1, found 0');
    const credential = (await readFileText(values.credential)).replace(/\r?\n$/, '');
    const signer = await guard(values['holder-key'], () =>
      readSignerFile(values['holder-key'] as string),
    );
    let first = '';
    for (let i = 0; i < count; i++) {
      // Each is made at the moment it is written, unless --now fixes the clock.
      const now = clockFrom(values.now, io);
      const text = await guard(values.credential, () =>
        createPresentation(credential, signer, {
          now,
          ...(values.nonce === undefined ? {} : { nonce: values.nonce }),
        }),
      );
      if (i === 0) first = text;
      await write(io.stdout, `${text}\n`);
    }
    if (values.png !== undefined) await writeFile(values.png, await renderQrPng(first));
    if (values.svg !== undefined) await writeFile(values.svg, await renderQrSvg(first));
    return EXIT.VALID;
  },
};

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
