import {
  EXIT,
  inputArgument,
  lines,
  parse,
  readText,
  UsageError,
  write,
  type Command,
} from '../../shared/cli/command.js';
import { MAX_COMPACT_JWS_LENGTH } from '../../shared/compact-jws.js';
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

/** Three base64url segments: what a TOKEN argument looks like, whatever it holds. */
const COMPACT_JWS_SHAPE = /^[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$/;

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
      for await (const line of lines(io.stdin, MAX_LINE_BYTES)) {
        const result = 'text' in line ? verifyJws(line.text, keys) : tooLarge(line.tooLongBytes);
        allValid &&= result.valid;
        await write(io.stdout, `${JSON.stringify(toJson(result))}\n`);
      }
      return allValid ? EXIT.VALID : EXIT.INVALID;
    }
    if (positionals.length !== 1)
      throw new UsageError(`expected one TOKEN (or - for stdin), found ${positionals.length}`);
    const [source] = positionals as [string];
    const token =
      source === '-'
        ? await readText('-', io)
        : inputArgument(source, COMPACT_JWS_SHAPE, 'a compact JWS', (path) => `- < ${path}`);
    const result = verifyJws(token, keys);
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

/**
 * Bytes of a batch line read at most: past 3 bytes of UTF-8 per UTF-16 unit, a line is longer
 * than MAX_COMPACT_JWS_LENGTH whatever it holds, and is refused as it streams past.
 */
const MAX_LINE_BYTES = 3 * MAX_COMPACT_JWS_LENGTH;

/** What verifyJws answers on a token too long to read, for a line dropped at the limit. */
function tooLarge(bytes: number): JwsResult {
  return {
    valid: false,
    code: 'ERR_TOO_LARGE',
    reason: `JWS: expected at most ${MAX_COMPACT_JWS_LENGTH} characters, found a line of ${bytes} bytes`,
  };
}

function toJson(result: JwsResult): Record<string, unknown> {
  const { payload, ...rest } = result;
  return payload === undefined ? rest : { ...rest, payload: encodeBase64url(payload) };
}
