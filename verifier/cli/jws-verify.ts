import {
  EXIT,
  lines,
  parse,
  readText,
  UsageError,
  write,
  type Command,
} from '../../shared/cli/command.js';
import { encodeBase64url } from '../../shared/base64url.js';
import { verifyJws, type JwsResult } from '../verify-jws.js';
import { loadTrust } from './verify.js';

const USAGE =
  'liangzheng jws verify --jwks jwks.json [--json] (TOKEN | -)\n       liangzheng jws verify --batch --jwks jwks.json < lines';
const OPTIONS = {
  jwks: { type: 'string', multiple: true },
  json: { type: 'boolean' },
  batch: { type: 'boolean' },
} as const;

/** `liangzheng jws verify`: any compact JWS against a JWKS, EdDSA only, no licence semantics. */
export const jwsVerifyCommand: Command = {
  name: 'jws verify',
  usage: USAGE,
  summary: 'verify any compact JWS (EdDSA/Ed25519) against a JWKS',
  async run(args, io) {
    const { values, positionals } = parse(args, OPTIONS);
    if (values.jwks === undefined) throw new UsageError(`--jwks: expected a JWKS file, found none`);
    const keys = await loadTrust(values.jwks);
    if (values.batch === true) {
      if (positionals.length > 0)
        throw new UsageError(`--batch reads lines from stdin, found an argument too`);
      let allValid = true;
      for await (const line of lines(io.stdin)) {
        const result = verifyJws(line, keys);
        allValid &&= result.valid;
        await write(io.stdout, `${JSON.stringify(toJson(result))}\n`);
      }
      return allValid ? EXIT.VALID : EXIT.INVALID;
    }
    if (positionals.length !== 1)
      throw new UsageError(`expected one TOKEN (or - for stdin), found ${positionals.length}`);
    const [source] = positionals as [string];
    const result = verifyJws(source === '-' ? await readText('-', io) : source, keys);
    if (values.json === true)
      await write(io.stdout, `${JSON.stringify(toJson(result), null, 2)}\n`);
    else if (result.valid)
      await write(
        io.stdout,
        `valid: alg ${result.alg ?? ''}, kid ${result.kid ?? ''}${result.typ === undefined ? '' : `, typ ${result.typ}`}\n`,
      );
    if (!result.valid)
      await write(io.stderr, `invalid: ${result.code ?? ''} ${result.reason ?? ''}\n`);
    return result.valid ? EXIT.VALID : EXIT.INVALID;
  },
};

function toJson(result: JwsResult): Record<string, unknown> {
  const { payload, ...rest } = result;
  return payload === undefined ? rest : { ...rest, payload: encodeBase64url(payload) };
}
