import { writeFile } from 'node:fs/promises';
import { errnoOf, EXIT, parse, UsageError, write, type Command } from '../../shared/cli/command.js';
import { generateKeyPair } from '../../shared/node/keys.js';

const USAGE = 'liangzheng holder-keygen --out FILE';

/** `liangzheng holder-keygen`: a device key pair, as the phone makes one, for tests. */
export const holderKeygenCommand: Command = {
  name: 'holder-keygen',
  usage: USAGE,
  summary: 'make a holder device key pair (private JWK, mode 0600)',
  async run(args, io) {
    const { values, positionals } = parse(args, { out: { type: 'string' } });
    if (values.out === undefined || positionals.length > 0)
      throw new UsageError(`expected --out FILE and nothing else`);
    const { privateJwk } = generateKeyPair();
    try {
      await writeFile(values.out, `${JSON.stringify(privateJwk, null, 2)}\n`, {
        mode: 0o600,
        flag: 'wx',
      });
    } catch (cause) {
      throw new UsageError(
        `${values.out}: cannot write (${errnoOf(cause)}); an existing key is never overwritten`,
      );
    }
    await write(io.stdout, `${values.out}: holder key ${privateJwk.kid ?? ''}\n`);
    return EXIT.VALID;
  },
};
