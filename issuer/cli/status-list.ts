import {
  clockFrom,
  errnoOf,
  EXIT,
  integerFrom,
  parse,
  UsageError,
  write,
  type Command,
} from '../../shared/cli/command.js';
import { LicenceError } from '../../shared/errors.js';
import { readSignerFile } from '../../shared/node/keys.js';
import { signStatusList } from '../sign-status-list.js';
import { CLI_STATUS_URI } from './issue.js';

const USAGE = `liangzheng status-list --key DIR/private.jwk.json --size N [--set INDEX=VALUE]… [--uri URI (${CLI_STATUS_URI})] [--valid-for S] [--ttl S] [--now ISO-8601] > list.jwt`;
const OPTIONS = {
  key: { type: 'string' },
  size: { type: 'string' },
  set: { type: 'string', multiple: true },
  uri: { type: 'string' },
  'valid-for': { type: 'string' },
  ttl: { type: 'string' },
  now: { type: 'string' },
} as const;

/** `liangzheng status-list`: a signed status list (2 bits an entry), for tests and small issuers. */
export const statusListCommand: Command = {
  name: 'status-list',
  usage: USAGE,
  summary: 'sign a status list token (0 valid, 1 revoked, 2 suspended, 3 superseded)',
  async run(args, io) {
    const { values, positionals } = parse(args, OPTIONS);
    if (values.key === undefined || values.size === undefined || positionals.length > 0)
      throw new UsageError(`expected --key and --size`);
    const size = integerFrom(values.size, '--size', 0, 1 << 27);
    const statuses = new Uint8Array(size);
    for (const assignment of values.set ?? []) {
      const m = /^(\d{1,10})=([0-3])$/.exec(assignment);
      if (m === null)
        throw new UsageError(
          `--set: expected INDEX=VALUE with VALUE 0-3, found ${JSON.stringify(assignment)}`,
        );
      const index = Number(m[1]);
      if (index >= size)
        throw new UsageError(`--set: expected an index below --size ${size}, found ${index}`);
      statuses[index] = Number(m[2]);
    }
    const signer = await readSignerFile(values.key).catch((error: unknown) => {
      if (error instanceof LicenceError)
        throw new UsageError(`${values.key ?? ''}: ${error.message}`);
      throw new UsageError(`${values.key ?? ''}: cannot read (${errnoOf(error)})`);
    });
    const token = await signStatusList(
      {
        uri: values.uri ?? CLI_STATUS_URI,
        statuses,
        bits: 2,
        now: clockFrom(values.now, io),
        validFor: integerFrom(values['valid-for'], '--valid-for', 86_400),
        ttl: integerFrom(values.ttl, '--ttl', 300),
      },
      signer,
    );
    await write(io.stdout, `${token}\n`);
    return EXIT.VALID;
  },
};
