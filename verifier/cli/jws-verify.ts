import {
  EXIT,
  inputArgument,
  parse,
  readText,
  UsageError,
  write,
  type Command,
} from '../../shared/cli/command.js';
import { verifyJws } from '../verify-jws.js';
import { jwsResultJson } from './internal/batch-judge.js';
import { runBatch } from './internal/run-batch.js';
import { jobsFrom, loadTrustSets } from './verify.js';

const USAGE =
  'liangzheng jws verify --jwks jwks.json [--json] (TOKEN | -)\n' +
  '       liangzheng jws verify --batch --jwks jwks.json [--jobs N] < lines\n' +
  '    --batch: one JSON result a line, in input order; on N worker threads (--jobs, default one a\n' +
  '    core; 1 runs in this thread).';
const OPTIONS = {
  jwks: { type: 'string', multiple: true },
  json: { type: 'boolean' },
  batch: { type: 'boolean' },
  jobs: { type: 'string' },
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
    const { trust: keys, sets } = await loadTrustSets(values.jwks);
    const jobs = jobsFrom(values.jobs, values.batch === true);
    if (values.batch === true) {
      if (positionals.length > 0)
        throw new UsageError(`--batch reads lines from stdin, found an argument too`);
      return runBatch(io, { kind: 'jws', jwks: sets }, jobs);
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
      await write(io.stdout, `${JSON.stringify(jwsResultJson(result), null, 2)}\n`);
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
