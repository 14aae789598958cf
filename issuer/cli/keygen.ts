import { errnoOf, EXIT, parse, UsageError, write, type Command } from '../../shared/cli/command.js';
import { writeKeyPair } from '../../shared/node/keys.js';

const USAGE = 'liangzheng keygen --out DIR';

/** `liangzheng keygen`: an issuer key pair, DIR/private.jwk.json (0600) and DIR/jwks.json. */
export const keygenCommand: Command = {
  name: 'keygen',
  usage: USAGE,
  summary: 'make an issuer key pair: DIR/private.jwk.json (mode 0600) and DIR/jwks.json',
  async run(args, io) {
    const { values, positionals } = parse(args, { out: { type: 'string' } });
    if (values.out === undefined || positionals.length > 0)
      throw new UsageError(`expected --out DIR and nothing else`);
    let written: Awaited<ReturnType<typeof writeKeyPair>>;
    try {
      written = await writeKeyPair(values.out);
    } catch (cause) {
      const code = errnoOf(cause);
      throw new UsageError(
        `${values.out}: cannot write the key pair (${code})${code === 'EEXIST' ? '; an existing key is never overwritten' : ''}`,
      );
    }
    await write(
      io.stdout,
      `${written.privatePath} (private, mode 0600)\n${written.jwksPath} (public)\nkid ${written.kid}\n`,
    );
    return EXIT.VALID;
  },
};
