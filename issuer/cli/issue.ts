import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import {
  clockFrom,
  EXIT,
  integerFrom,
  parse,
  readJsonFile,
  UsageError,
  write,
  type Command,
} from '../../shared/cli/command.js';
import { LicenceError } from '../../shared/errors.js';
import { parsePublicJwk } from '../../shared/jwk.js';
import { parseLicenceRecord } from '../../shared/licence/validate.js';
import { readSignerFile } from '../../shared/node/keys.js';
import { signCredential, signCredentialV2, type IssueRequest } from '../sign-credential.js';

/** Defaults for a credential made from the command line (the service has its own config). */
export const CLI_ISSUER = 'https://liangzheng.example';
export const CLI_STATUS_URI = 'https://liangzheng.example/status/1';

const USAGE =
  'liangzheng issue --key DIR/private.jwk.json --licence FILE.json --holder-key FILE [--index N] [--valid-days N]\n' +
  `                 [--issuer URI (${CLI_ISSUER})] [--status-uri URI (${CLI_STATUS_URI})] [--portrait FILE] [--now ISO-8601] [--format 1|2] > credential.txt\n` +
  '    --format 2 (the default, as the service issues) writes the holder copy of a format 2 credential (credential~seed~values), what `present --purpose` reads;\n' +
  '    --format 1 the compact credential of format 1, which verifiers accept until it is retired (verify --reject-v1).';
const OPTIONS = {
  key: { type: 'string' },
  licence: { type: 'string' },
  'holder-key': { type: 'string' },
  index: { type: 'string' },
  'valid-days': { type: 'string' },
  issuer: { type: 'string' },
  'status-uri': { type: 'string' },
  portrait: { type: 'string' },
  now: { type: 'string' },
  format: { type: 'string' },
} as const;

/** `liangzheng issue`: sign one licence record as a credential bound to a device key. */
export const issueCommand: Command = {
  name: 'issue',
  usage: USAGE,
  summary: 'sign a licence record (reference-licences.json shape) as a credential',
  async run(args, io) {
    const { values, positionals } = parse(args, OPTIONS);
    const { key, licence: licencePath, 'holder-key': holderPath } = values;
    if (
      key === undefined ||
      licencePath === undefined ||
      holderPath === undefined ||
      positionals.length > 0
    ) {
      throw new UsageError(`expected --key, --licence and --holder-key`);
    }
    if (values.format !== undefined && values.format !== '1' && values.format !== '2')
      throw new UsageError(`--format: expected 1 or 2, found ${JSON.stringify(values.format)}`);
    const signer = await readSignerFile(key).catch((error: unknown) => rethrow(key, error));
    const licence = await readJsonFile(licencePath)
      .then(parseLicenceRecord)
      .catch((error: unknown) => rethrow(licencePath, error));
    const holder = await readJsonFile(holderPath)
      .then((jwk) => {
        // A holder's private key file may be given: only its public part is read.
        const publicPart = { ...(jwk as Record<string, unknown>) };
        delete publicPart.d;
        return parsePublicJwk(publicPart, 'holder key');
      })
      .catch((error: unknown) => rethrow(holderPath, error));
    let portraitHash: string | undefined;
    if (values.portrait !== undefined) {
      const bytes = await readFile(values.portrait).catch((error: unknown) =>
        rethrow(values.portrait ?? '', error),
      );
      portraitHash = createHash('sha256').update(bytes).digest('base64url');
    }
    const request: IssueRequest = {
      licence,
      holderKey: holder.x,
      issuer: values.issuer ?? CLI_ISSUER,
      status: {
        idx: integerFrom(values.index, '--index', 0, 2 ** 32),
        uri: values['status-uri'] ?? CLI_STATUS_URI,
      },
      ...(portraitHash === undefined ? {} : { portraitHash }),
      now: clockFrom(values.now, io),
      validDays: integerFrom(values['valid-days'], '--valid-days', 30, 3660, 1),
    };
    const credential = await (
      values.format === '1'
        ? signCredential(request, signer)
        : signCredentialV2(request, signer).then((issued) => issued.holderCopy)
    ).catch((error: unknown) => rethrow(licencePath, error));
    await write(io.stdout, `${credential}\n`);
    return EXIT.VALID;
  },
};

function rethrow(what: string, error: unknown): never {
  if (error instanceof UsageError) throw error;
  if (error instanceof LicenceError || error instanceof RangeError)
    throw new UsageError(`${what}: ${error.message}`);
  const code = (error as NodeJS.ErrnoException).code;
  if (code !== undefined) throw new UsageError(`${what}: cannot read (${code})`);
  throw error;
}
