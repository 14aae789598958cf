/**
 * The built command line, end to end: every test spawns `node dist/bin/liangzheng.js …` as a child
 * process in one temporary directory (made for this file, removed afterwards) and asserts the
 * exact exit status (0 valid, 1 not valid, 2 usage or input error) and the JSON `valid`/`code`.
 * Run `npm run build` first (`npm test` does, via pretest).
 *
 * One issuer key pair, one holder key and one credential (licences[0], status index 5, issued
 * and presented at T0) are made once in beforeAll and shared; every clock is fixed with --now,
 * except in the one test that follows the README with the live clock.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, open, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { Readable } from 'node:stream';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CLI, runNode } from '../helpers/child-process.js';
import { ROOT } from '../paths.js';

/** A single command never takes this long; a hung child is killed rather than the suite. */
const RUN_TIMEOUT_MS = 20_000;

// --- Fixtures -------------------------------------------------------------------------------

const record = z.looseObject({ licenceNumber: z.string(), name: z.string() });
type LicenceFixture = z.infer<typeof record>;
const reference = z
  .object({
    licences: z.array(record).min(4),
    invalid: z.array(z.object({ why: z.string(), record })).length(5),
  })
  .parse(
    JSON.parse(
      readFileSync(new URL('../fixtures/reference-licences.json', import.meta.url), 'utf8'),
    ),
  );

const rfc8037A4 = z
  .object({
    cases: z.array(
      z.object({
        id: z.string(),
        publicKeyJwk: z.object({ kty: z.string(), crv: z.string(), x: z.string() }),
        jws: z.string(),
      }),
    ),
  })
  .parse(JSON.parse(readFileSync(new URL('../vectors/rfc8037.json', import.meta.url), 'utf8')))
  .cases.find((c) => c.id === 'A.4');

/** The field each `invalid` record of reference-licences.json gets wrong, in file order. */
const INVALID_FIELD = ['licenceNumber', 'classes', 'validTo', 'birthDate', 'points'] as const;

/** The verification report as `verify --json` prints it (the parts asserted here). */
const report = z.looseObject({
  valid: z.boolean(),
  code: z.string().optional(),
  warnings: z.array(z.string()),
  disclosure: z.unknown().optional(),
  licence: z.record(z.string(), z.unknown()).optional(),
  checks: z.array(z.looseObject({ id: z.string(), status: z.string() })).optional(),
});
/** The JWS result as `jws verify --json` prints it. */
const jwsResult = z.looseObject({
  valid: z.boolean(),
  code: z.string().optional(),
  typ: z.string().optional(),
});

// --- Clock ----------------------------------------------------------------------------------

const T0 = '2026-11-24T10:00:00+08:00';
const T0_MS = Date.parse(T0);
const CHINA_OFFSET_MS = 8 * 3600 * 1000;
const DAY = 86_400;

/** T0 plus `seconds`, written as China time (e.g. 2026-11-24T10:01:11+08:00). */
function china(seconds: number): string {
  const shifted = new Date(T0_MS + seconds * 1000 + CHINA_OFFSET_MS).toISOString();
  return `${shifted.slice(0, 19)}+08:00`;
}

// --- Running the binary ---------------------------------------------------------------------

type Run = Awaited<ReturnType<typeof runNode>>;

let dir = '';

/**
 * Runs the built binary in the test directory, with `input` on stdin (closed either way): a
 * string, or a stream piped in as the child reads it.
 */
function liangzheng(
  args: readonly string[],
  input: string | Readable = '',
  timeout = RUN_TIMEOUT_MS,
): Promise<Run> {
  return runNode([CLI, ...args], { cwd: dir, timeout, input });
}

/** Asserts the exit status, showing stderr (and a kill signal) when it is not the one expected. */
function expectExit(run: Run, code: 0 | 1 | 2): void {
  expect(
    run.code,
    `exit status (signal ${String(run.signal)}; stderr: ${JSON.stringify(run.stderr)})`,
  ).toBe(code);
  // A usage or input error says why in exactly one line.
  if (code === 2 && run.stderr !== '') expectOneLine(run.stderr);
}

/** Runs and requires exit 0; for the steps that set a test up. */
async function must(args: readonly string[], input = ''): Promise<string> {
  const run = await liangzheng(args, input);
  if (run.code !== 0)
    throw new Error(
      `liangzheng ${args.join(' ')}: expected exit 0, found ${String(run.code)}: ${run.stderr}`,
    );
  return run.stdout;
}

/** The arguments of `issue` of the licence in `licenceFile` by ISSUER_KEY for HOLDER_KEY. */
function issueArgs(licenceFile: string, ...options: string[]): string[] {
  return [
    'issue',
    '--key',
    ISSUER_KEY,
    '--licence',
    licenceFile,
    '--holder-key',
    HOLDER_KEY,
    ...options,
  ];
}

/** The arguments of `present` of the credential in `credentialFile` with HOLDER_KEY. */
function presentArgs(credentialFile: string, ...options: string[]): string[] {
  return ['present', '--credential', credentialFile, '--holder-key', HOLDER_KEY, ...options];
}

/** The arguments of `verify` against TRUST. */
function verifyArgs(...options: string[]): string[] {
  return ['verify', '--trust', TRUST, ...options];
}

/** The arguments of `status-list` signed with ISSUER_KEY. */
function statusListArgs(...options: string[]): string[] {
  return ['status-list', '--key', ISSUER_KEY, ...options];
}

/** `verify --json` at `now` (and any further options); the exit status and the report. */
async function verifyJson(
  text: string,
  now: string,
  ...options: string[]
): Promise<{ run: Run; report: z.infer<typeof report> }> {
  const run = await liangzheng(verifyArgs('--now', now, '--json', ...options, text));
  return { run, report: parseReport(run) };
}

/** The JSON report on stdout; when there is none, fails showing the exit status and stderr. */
function parseReport(run: Run): z.infer<typeof report> {
  try {
    return report.parse(JSON.parse(run.stdout));
  } catch (cause) {
    throw new Error(
      `verify --json: expected a report on stdout, found ${JSON.stringify(run.stdout.slice(0, 80))} (exit ${String(run.code)}; stderr: ${run.stderr})`,
      { cause },
    );
  }
}

/** Asserts a `verify --json` that is not valid: exit 1, the report's `code`, one line on stderr. */
function expectNotValid(run: Run, code: string): void {
  expectExit(run, 1);
  const r = parseReport(run);
  expect(r.valid).toBe(false);
  expect(r.code).toBe(code);
  expectOneLine(run.stderr);
}

function expectOneLine(stderr: string): void {
  expect(stderr, 'stderr: exactly one line').toMatch(/^[^\n]+\n$/);
}

const TRUST = 'issuer/jwks.json';
const OTHER_TRUST = 'other/jwks.json';
const ISSUER_KEY = 'issuer/private.jwk.json';
const HOLDER_KEY = 'holder.jwk.json';
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** What beforeAll made: the format 1 issue run (licences[0], --index 5, at T0) and its QR at T0. */
let issued: Run;
/** The same licence issued as a format 2 holder copy (`issue --format 2`), in HOLDER_COPY. */
let issuedCopy: Run;
const HOLDER_COPY = 'holder-copy.txt';
let credential = '';
let qrText = '';

async function writeJson(name: string, value: unknown): Promise<void> {
  await writeFile(join(dir, name), `${JSON.stringify(value)}\n`);
}

function licence(i: number): LicenceFixture {
  const l = reference.licences[i];
  if (l === undefined) throw new Error(`reference-licences.json: no licences[${i}]`);
  return l;
}

beforeAll(async () => {
  if (!existsSync(CLI))
    throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does it)`);
  dir = await mkdtemp(join(tmpdir(), 'liangzheng-bin-'));
  await Promise.all([
    must(['keygen', '--out', 'issuer']),
    must(['keygen', '--out', 'other']),
    must(['holder-keygen', '--out', HOLDER_KEY]),
    ...[0, 2, 3].map((i) => writeJson(`licence-${i}.json`, licence(i))),
    ...reference.invalid.map((c, i) => writeJson(`invalid-${i}.json`, c.record)),
  ]);
  issued = await liangzheng(
    issueArgs('licence-0.json', '--format', '1', '--index', '5', '--now', T0),
  );
  if (issued.code !== 0) throw new Error(`issue: exit ${String(issued.code)}: ${issued.stderr}`);
  credential = issued.stdout.replace(/\n$/, '');
  await writeFile(join(dir, 'credential.txt'), issued.stdout);
  issuedCopy = await liangzheng(issueArgs('licence-0.json', '--format', '2', '--now', T0));
  if (issuedCopy.code !== 0)
    throw new Error(`issue --format 2: exit ${String(issuedCopy.code)}: ${issuedCopy.stderr}`);
  await writeFile(join(dir, HOLDER_COPY), issuedCopy.stdout);
  const presented = await must(
    presentArgs('credential.txt', '--now', T0, '--png', 'qr.png', '--svg', 'qr.svg'),
  );
  qrText = presented.replace(/\n$/, '');
}, 30_000);

afterAll(async () => {
  if (dir !== '') await rm(dir, { recursive: true, force: true });
});

/** present the shared credential at `now` (with any further options): the QR text. */
async function present(now: string, ...options: string[]): Promise<string> {
  const out = await must(presentArgs('credential.txt', '--now', now, ...options));
  return out.replace(/\n$/, '');
}

// --- Keys -----------------------------------------------------------------------------------

describe.concurrent('keygen and holder-keygen', () => {
  it('when keygen writes a new DIR, then private.jwk.json is mode 0600 and jwks.json holds one public key without "d"; when run again into the same DIR, then exit 2 and the key is unchanged', async () => {
    const run = await liangzheng(['keygen', '--out', 'fresh-issuer']);
    expectExit(run, 0);
    const privatePath = join(dir, 'fresh-issuer', 'private.jwk.json');
    expect((await stat(privatePath)).mode & 0o777).toBe(0o600);
    const privateText = await readFile(privatePath, 'utf8');
    const privateJwk = z
      .object({ x: z.string(), d: z.string(), kid: z.string() })
      .parse(JSON.parse(privateText));
    const jwks = z
      .object({ keys: z.array(z.record(z.string(), z.unknown())) })
      .parse(JSON.parse(await readFile(join(dir, 'fresh-issuer', 'jwks.json'), 'utf8')));
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).not.toHaveProperty('d');
    expect(jwks.keys[0]).toMatchObject({
      kty: 'OKP',
      crv: 'Ed25519',
      x: privateJwk.x,
      kid: privateJwk.kid,
    });

    const again = await liangzheng(['keygen', '--out', 'fresh-issuer']);
    expectExit(again, 2);
    expect(again.stderr).toMatch(/never overwritten/);
    expect(await readFile(privatePath, 'utf8')).toBe(privateText);
  });

  // Node's recursive mkdir never returned for /proc/x: the command hung.
  it('when DIR cannot be made (a file system that refuses it, a file in the way), then exit 2 naming the reason, at once', async () => {
    await writeFile(join(dir, 'a-file'), 'x');
    const proc = await liangzheng(['keygen', '--out', '/proc/x']);
    const file = await liangzheng(['keygen', '--out', 'a-file/keys']);
    expectExit(proc, 2);
    expect(proc.stderr).toBe(
      'liangzheng keygen: /proc/x: cannot write the key pair (ENOENT) (usage: liangzheng keygen --help)\n',
    );
    expectExit(file, 2);
    expect(file.stderr).toMatch(
      /^liangzheng keygen: a-file\/keys: cannot write the key pair \(ENOTDIR\)/,
    );
  });

  it('when holder-keygen writes a key, then the file is mode 0600; when run again onto it, then exit 2', async () => {
    const run = await liangzheng(['holder-keygen', '--out', 'fresh-holder.jwk.json']);
    expectExit(run, 0);
    expect((await stat(join(dir, 'fresh-holder.jwk.json'))).mode & 0o777).toBe(0o600);
    expectExit(await liangzheng(['holder-keygen', '--out', 'fresh-holder.jwk.json']), 2);
  });

  it('when DIR already holds a jwks.json but no private key, then keygen exits 2 and writes no private key', async () => {
    await mkdir(join(dir, 'half-issuer'));
    await writeJson('half-issuer/jwks.json', { keys: [] });
    const run = await liangzheng(['keygen', '--out', 'half-issuer']);
    expectExit(run, 2);
    expect(existsSync(join(dir, 'half-issuer', 'private.jwk.json'))).toBe(false);
  });
});

// --- Issue ----------------------------------------------------------------------------------

describe.concurrent('issue', () => {
  it('when issuing the reference licence (licences[0]) with --format 1, then stdout is one compact JWS of 3 segments', () => {
    expectExit(issued, 0);
    expect(issued.stdout).toMatch(/^[^\n]+\n$/);
    expect(credential).toMatch(COMPACT_JWS);
    expect(issued.stderr).toBe('');
  });

  it.each(reference.invalid.map((c, i) => [i, INVALID_FIELD[i] ?? '', c.why] as const))(
    'when issuing invalid[%i] (wrong %s: %s), then exit 2 and stderr names the field, not the ID number or the name',
    async (i, field) => {
      const bad = reference.invalid[i]?.record;
      if (bad === undefined) throw new Error(`no invalid[${i}]`);
      const run = await liangzheng(issueArgs(`invalid-${i}.json`, '--now', T0));
      expectExit(run, 2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(new RegExp(`\\b${field}\\b`));
      expect(run.stderr).not.toContain(bad.licenceNumber);
      expect(run.stderr).not.toContain(bad.name);
    },
  );

  it.each([
    [2, 'status D (temporarily seized)', /status/],
    [3, 'validTo 2026-01-10 (expired), status M', /expired/],
  ] as const)(
    'when issuing licences[%i], %s, then exit 2 and no credential',
    async (i, _why, reason) => {
      const run = await liangzheng(issueArgs(`licence-${i}.json`, '--now', T0));
      expectExit(run, 2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(reason);
      expect(run.stderr).not.toContain(licence(i).licenceNumber);
      expect(run.stderr).not.toContain(licence(i).name);
    },
  );

  it('when --format is not given, then stdout is a format 2 holder copy, as the service issues', async () => {
    const copy = await must(issueArgs('licence-0.json', '--now', T0));
    const [jws = '', seed = '', values = '', ...more] = copy.trimEnd().split('~');
    expect(more).toEqual([]);
    expect([jws.length > 0, seed.length, values.length > 0]).toEqual([true, 22, true]);
    const header = JSON.parse(
      Buffer.from(jws.split('.')[0] ?? '', 'base64url').toString('utf8'),
    ) as {
      typ?: string;
    };
    expect(header.typ).toBe('lzdl+sd-jwt');
  });

  it('when --holder-key is missing, then exit 2 with "usage" on stderr', async () => {
    const run = await liangzheng(['issue', '--key', ISSUER_KEY, '--licence', 'licence-0.json']);
    expectExit(run, 2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/usage/);
  });
});

// --- Present and verify ---------------------------------------------------------------------

describe.concurrent('present → verify round trip', () => {
  it('when the PNG is verified with --json, then exit 0, valid and the one warning WARN_STATUS_UNCHECKED; with --strict, then exit 1 ERR_STATUS_UNCHECKED', async () => {
    const image = (...options: string[]) =>
      liangzheng(verifyArgs('--now', china(5), '--json', ...options, '--image', 'qr.png'));
    const [run, strict] = await Promise.all([image(), image('--strict')]);
    expectExit(run, 0);
    const r = parseReport(run);
    expect(r.valid).toBe(true);
    expect(r.warnings).toEqual(['WARN_STATUS_UNCHECKED']);
    expect(run.stderr).toBe('');

    expectNotValid(strict, 'ERR_STATUS_UNCHECKED');
  });

  it('when the QR text is given as an argument, and on stdin as "-" with a trailing newline, then each exits 0', async () => {
    const [byArgument, byStdin] = await Promise.all([
      liangzheng(verifyArgs('--now', china(5), qrText)),
      liangzheng(verifyArgs('--now', china(5), '-'), `${qrText}\n`),
    ]);
    expectExit(byArgument, 0);
    expectExit(byStdin, 0);
    expect(byArgument.stdout).toMatch(/^VALID \(warnings\)/);
    expect(byStdin.stdout).toBe(byArgument.stdout);
    // The terminal report masks the licence number.
    expect(byArgument.stdout).not.toContain(licence(0).licenceNumber);
  });

  it('when a licence ended the day before, then verify says so on its one line, with the licence check’s own detail', async () => {
    await writeJson('licence-ended.json', { ...licence(0), validTo: '2026-11-24' });
    const copy = await must(issueArgs('licence-ended.json', '--now', T0));
    await writeFile(join(dir, 'ended.txt'), copy);
    const text = await must(presentArgs('ended.txt', '--now', china(DAY)));
    const run = await liangzheng(verifyArgs('--now', china(DAY), '-'), text);
    expectExit(run, 1);
    expect(run.stderr).toBe(
      'invalid: ERR_LICENCE_EXPIRED 驾驶证已超过有效期限 / Licence past its validity date (licence valid to 2026-11-24)\n',
    );
  });

  it('when present cannot write its --png or --svg (no such folder), then exit 2 naming the file and why', async () => {
    const runs = await Promise.all([
      liangzheng(presentArgs('credential.txt', '--now', T0, '--png', 'no-such-folder/qr.png')),
      liangzheng(presentArgs('credential.txt', '--now', T0, '--svg', 'no-such-folder/qr.svg')),
    ]);
    expect(runs.map((r) => [r.code, r.stderr])).toEqual([
      [
        2,
        'liangzheng present: no-such-folder/qr.png: cannot write (ENOENT) (usage: liangzheng present --help)\n',
      ],
      [
        2,
        'liangzheng present: no-such-folder/qr.svg: cannot write (ENOENT) (usage: liangzheng present --help)\n',
      ],
    ]);
  });

  it('when present writes --svg, then the SVG file starts with "<svg"', async () => {
    expect(await readFile(join(dir, 'qr.svg'), 'utf8')).toMatch(/^<svg/);
  });

  it('when the QR PNG is converted to JPEG (quality 90), then verify --image decodes it and exits 0', async () => {
    const png = PNG.sync.read(await readFile(join(dir, 'qr.png')));
    const encoded = jpeg.encode({ data: png.data, width: png.width, height: png.height }, 90);
    await writeFile(join(dir, 'qr.jpg'), encoded.data);
    const run = await liangzheng(verifyArgs('--now', china(5), '--json', '--image', 'qr.jpg'));
    expectExit(run, 0);
    expect(parseReport(run).valid).toBe(true);
  });

  it('when --image is a PDF renamed .png, an empty file, or a blank white PNG with no QR, then exit 2 saying why', async () => {
    await writeFile(join(dir, 'document.png'), '%PDF-1.4\n%âãÏÓ\n1 0 obj\n<< >>\nendobj\n');
    await writeFile(join(dir, 'nothing.png'), '');
    const blank = new PNG({ width: 200, height: 200 });
    blank.data.fill(255);
    await writeFile(join(dir, 'blank.png'), PNG.sync.write(blank));
    const [pdf, nothing, empty] = await Promise.all(
      ['document.png', 'nothing.png', 'blank.png'].map((image) =>
        liangzheng(verifyArgs('--now', china(5), '--image', image)),
      ),
    );
    if (pdf === undefined || nothing === undefined || empty === undefined)
      throw new Error('three runs expected');
    expectExit(pdf, 2);
    expect(pdf.stderr).toMatch(
      /document\.png: expected a PNG or JPEG image, found neither \(by its first bytes\)/,
    );
    expectOneLine(pdf.stderr);
    expectExit(nothing, 2);
    expect(nothing.stderr).toMatch(
      /nothing\.png: expected a PNG or JPEG image, found an empty file/,
    );
    expectOneLine(nothing.stderr);
    expectExit(empty, 2);
    expect(empty.stderr).toMatch(/QR code, found none/);
    expectOneLine(empty.stderr);
  });

  it('when --image is a small file that says it holds a huge picture, PNG or JPEG, then exit 2 naming its size, before decoding it', async () => {
    // A PNG header of 30000×30000 grey pixels: a real one of that size compresses to under 1 MB
    // and takes gigabytes to decode. The size is refused from the header, so no pixel is needed.
    const chunk = (type: string, data: Buffer) => {
      const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
      const length = Buffer.alloc(4);
      length.writeUInt32BE(data.length);
      const crc = Buffer.alloc(4);
      crc.writeUInt32BE(crc32(body));
      return Buffer.concat([length, body, crc]);
    };
    const header = Buffer.alloc(13);
    header.writeUInt32BE(30_000, 0);
    header.writeUInt32BE(30_000, 4);
    header.set([8, 0, 0, 0, 0], 8); // 8-bit grey, no interlace
    await writeFile(
      join(dir, 'bomb.png'),
      Buffer.concat([
        Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
        chunk('IHDR', header),
        chunk('IDAT', deflateSync(Buffer.alloc(30_001))),
        chunk('IEND', Buffer.alloc(0)),
      ]),
    );
    // A JPEG whose baseline frame header says 9000×8000, and nothing after it.
    const frame = Buffer.from([0xff, 0xc0, 0, 11, 8, 0x1f, 0x40, 0x23, 0x28, 1, 1, 0x11, 0]);
    await writeFile(
      join(dir, 'bomb.jpg'),
      Buffer.concat([Buffer.from([0xff, 0xd8]), frame, Buffer.from([0xff, 0xd9])]),
    );
    const runs = await Promise.all(
      ['bomb.png', 'bomb.jpg'].map((image) =>
        liangzheng(verifyArgs('--now', china(5), '--image', image)),
      ),
    );
    expect(runs.map((r) => [r.code, r.stderr])).toEqual([
      [
        2,
        'liangzheng verify: bomb.png: expected at most 48 megapixels, found 30000×30000 (usage: liangzheng verify --help)\n',
      ],
      [
        2,
        'liangzheng verify: bomb.jpg: expected at most 48 megapixels, found 9000×8000 (usage: liangzheng verify --help)\n',
      ],
    ]);
  });

  it('when the clock is not fixed (the README flow: issue, present, verify now), then exit 0', async () => {
    const live = await must(issueArgs('licence-0.json'));
    await writeFile(join(dir, 'live-credential.txt'), live);
    const text = await must(presentArgs('live-credential.txt'));
    const run = await liangzheng(verifyArgs('-'), text);
    expectExit(run, 0);
  });
});

// --- Time -----------------------------------------------------------------------------------

describe.concurrent('time (proof made at T0 = 2026-11-24T10:00:00+08:00)', () => {
  it.each([
    { at: 'T0 + 60 s', offset: 60, options: [], exit: 0, code: undefined, verdict: 'valid' },
    { at: 'T0 + 70 s', offset: 70, options: [], exit: 0, code: undefined, verdict: 'valid' },
    {
      at: 'T0 + 71 s',
      offset: 71,
      options: [],
      exit: 1,
      code: 'ERR_PROOF_EXPIRED',
      verdict: 'ERR_PROOF_EXPIRED',
    },
    {
      at: 'T0 + 100 s with --max-age 120',
      offset: 100,
      options: ['--max-age', '120'],
      exit: 0,
      code: undefined,
      verdict: 'valid',
    },
    { at: 'T0 − 10 s', offset: -10, options: [], exit: 0, code: undefined, verdict: 'valid' },
    {
      at: 'T0 − 11 s',
      offset: -11,
      options: [],
      exit: 1,
      code: 'ERR_PROOF_NOT_YET_VALID',
      verdict: 'ERR_PROOF_NOT_YET_VALID',
    },
  ] as const)('when verified at $at, then $verdict', async ({ offset, options, exit, code }) => {
    // Default --max-age 60 and --tolerance 10: a proof is accepted from T0 − 10 to T0 + 70.
    const { run, report: r } = await verifyJson(qrText, china(offset), ...options);
    expectExit(run, exit);
    expect(r.valid).toBe(exit === 0);
    expect(r.code).toBe(code);
  });

  it('when issued at T0 for 1 day and presented at T0 + 1 day + 5 s, then valid within the 10 s tolerance, and ERR_CREDENTIAL_EXPIRED at exp + tolerance or with --tolerance 0', async () => {
    const oneDay = await must(issueArgs('licence-0.json', '--now', T0, '--valid-days', '1'));
    await writeFile(join(dir, 'one-day.txt'), oneDay);
    const presentedAt = china(DAY + 5); // 2026-11-25T10:00:05+08:00
    expect(presentedAt).toBe('2026-11-25T10:00:05+08:00');
    const text = (await must(presentArgs('one-day.txt', '--now', presentedAt))).replace(/\n$/, '');
    const [same, strictClock, atTolerance] = await Promise.all([
      verifyJson(text, presentedAt),
      verifyJson(text, presentedAt, '--tolerance', '0'),
      verifyJson(text, china(DAY + 10)),
    ]);
    // exp is T0 + 1 day; every time comparison allows --tolerance (10 s), so exp + 5 s passes.
    expectExit(same.run, 0);
    expect(same.report.valid).toBe(true);
    for (const expired of [strictClock, atTolerance]) {
      expectExit(expired.run, 1);
      expect(expired.report.code).toBe('ERR_CREDENTIAL_EXPIRED');
    }
  });

  it('when --now names a day that does not exist (2026-02-30), then exit 2', async () => {
    const run = await liangzheng(verifyArgs('--now', '2026-02-30T10:00:00Z', qrText));
    expectExit(run, 2);
    expect(run.stderr).toMatch(/--now/);
  });

  it('when --now is not an ISO 8601 date-time ("yesterday"), then exit 2 for verify and for present', async () => {
    const [verify, presentRun] = await Promise.all([
      liangzheng(verifyArgs('--now', 'yesterday', qrText)),
      liangzheng(presentArgs('credential.txt', '--now', 'yesterday')),
    ]);
    for (const run of [verify, presentRun]) {
      expectExit(run, 2);
      expect(run.stderr).toMatch(/--now: expected an ISO 8601 date-time/);
    }
    expect(presentRun.stdout).toBe('');
  });
});

// --- Nonce ----------------------------------------------------------------------------------

describe.concurrent('nonce', () => {
  it('when presented with --nonce abc123, then verify --nonce abc123 exits 0 and --nonce other exits 1 ERR_NONCE_MISMATCH', async () => {
    const text = await present(T0, '--nonce', 'abc123');
    const [same, other] = await Promise.all([
      verifyJson(text, china(5), '--nonce', 'abc123'),
      verifyJson(text, china(5), '--nonce', 'other'),
    ]);
    expectExit(same.run, 0);
    expect(same.report.valid).toBe(true);
    expectExit(other.run, 1);
    expect(other.report.code).toBe('ERR_NONCE_MISMATCH');
  });
});

// --- Status lists ---------------------------------------------------------------------------

describe.concurrent('status lists (credential issued with --index 5)', () => {
  it.each([
    { set: '5=2', exit: 1, code: 'ERR_SUSPENDED', verdict: 'exit 1 ERR_SUSPENDED' },
    { set: '5=1', exit: 1, code: 'ERR_REVOKED', verdict: 'exit 1 ERR_REVOKED' },
    { set: '5=3', exit: 1, code: 'ERR_SUPERSEDED', verdict: 'exit 1 ERR_SUPERSEDED' },
    { set: '4=1', exit: 0, code: undefined, verdict: 'exit 0 (another index)' },
  ] as const)(
    'when the list has --set $set, then $verdict and no warning',
    async ({ set, exit, code }) => {
      const file = `list-${set.replace('=', '-')}.jwt`;
      const token = await must(statusListArgs('--size', '16', '--set', set, '--now', T0));
      await writeFile(join(dir, file), token);
      const { run, report: r } = await verifyJson(qrText, china(5), '--status', file);
      expectExit(run, exit);
      expect(r.valid).toBe(exit === 0);
      expect(r.code).toBe(code);
      expect(r.warnings).toEqual([]);
    },
  );

  it('when the status list is signed by another issuer key, then exit 2 (bad input) with the reason on stderr', async () => {
    const token = await must(['status-list', '--key', 'other/private.jwk.json', '--size', '16']);
    await writeFile(join(dir, 'foreign.jwt'), token);
    const run = await liangzheng(verifyArgs('--status', 'foreign.jwt', '--now', china(5), qrText));
    expectExit(run, 2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/foreign\.jwt: ERR_UNKNOWN_ISSUER/);
    expectOneLine(run.stderr);
  });

  it("when the only status list given is another list's, then WARN_STATUS_UNCHECKED names the list the credential needs", async () => {
    const token = await must(
      statusListArgs('--size', '16', '--uri', 'https://other.example/status/9'),
    );
    await writeFile(join(dir, 'other-list.jwt'), token);
    const { run, report: r } = await verifyJson(qrText, china(5), '--status', 'other-list.jwt');
    expectExit(run, 0);
    expect(r.warnings).toEqual(['WARN_STATUS_UNCHECKED']);
    expect(r.checks?.find((c) => c.id === 'status_list')?.detail).toBe(
      'none was given for this credential\'s list, "https://liangzheng.example/status/1"',
    );
  });

  it('when the status list was made 2 days earlier, then exit 0 with WARN_STATUS_STALE; with --strict, then exit 1 ERR_STATUS_STALE', async () => {
    const token = await must(statusListArgs('--size', '16', '--now', china(-2 * DAY)));
    await writeFile(join(dir, 'stale.jwt'), token);
    const [lenient, strict] = await Promise.all([
      verifyJson(qrText, china(5), '--status', 'stale.jwt'),
      verifyJson(qrText, china(5), '--status', 'stale.jwt', '--strict'),
    ]);
    expectExit(lenient.run, 0);
    expect(lenient.report.valid).toBe(true);
    expect(lenient.report.warnings).toEqual(['WARN_STATUS_STALE']);
    expectExit(strict.run, 1);
    expect(strict.report.code).toBe('ERR_STATUS_STALE');
  });
});

// --- Not valid ------------------------------------------------------------------------------

/**
 * The QR text with the last digit of the 15-digit group holding the envelope's middle byte
 * changed by one (d ↔ d^1): the group stays below 2^48, so it still decodes, and only the low
 * byte of that group changes. The middle byte lies in the DEFLATE payload (the envelope is
 * 169 bytes plus a payload of several hundred), so the issuer signature fails.
 */
function tamper(text: string): string {
  const prefix = 'LZ1:'.length;
  const groups = Math.floor((text.length - prefix) / 15);
  const at = prefix + Math.floor(groups / 2) * 15 + 14;
  const digit = Number(text.charAt(at));
  return `${text.slice(0, at)}${String(digit ^ 1)}${text.slice(at + 1)}`;
}

describe.concurrent('not valid', () => {
  it('when verified against another issuer’s jwks.json, then exit 1 ERR_UNKNOWN_ISSUER and one line on stderr', async () => {
    const run = await liangzheng([
      'verify',
      '--trust',
      OTHER_TRUST,
      '--now',
      china(5),
      '--json',
      qrText,
    ]);
    expectNotValid(run, 'ERR_UNKNOWN_ISSUER');
  });

  it('when one digit in the middle of the text is changed, then exit 1 ERR_BAD_SIGNATURE and one line on stderr', async () => {
    const tampered = tamper(qrText);
    expect(tampered).not.toBe(qrText);
    expect(tampered).toHaveLength(qrText.length);
    const { run } = await verifyJson(tampered, china(5));
    expectNotValid(run, 'ERR_BAD_SIGNATURE');
  });

  it('when the text is "hello", then exit 1 ERR_MALFORMED and one line on stderr', async () => {
    const [json, text] = await Promise.all([
      verifyJson('hello', china(5)),
      liangzheng(verifyArgs('--now', china(5), 'hello')),
    ]);
    expectExit(json.run, 1);
    expect(json.report.valid).toBe(false);
    expect(json.report.code).toBe('ERR_MALFORMED');
    expectExit(text, 1);
    expect(text.stdout).toMatch(/^INVALID ERR_MALFORMED/);
    expectOneLine(text.stderr);
    expect(text.stderr).toMatch(/^invalid: ERR_MALFORMED /);
  });

  it('when TEXT names a file holding the QR text, then exit 2 saying a presentation was expected and how to pass the file', async () => {
    await writeFile(join(dir, 'qr-text.txt'), `${qrText}\n`);
    const run = await liangzheng(verifyArgs('--now', china(5), 'qr-text.txt'));
    expectExit(run, 2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      'liangzheng verify: expected a presentation (LZ1:… or LZ2:…), found a file path "qr-text.txt"; use - < qr-text.txt, or --image qr-text.txt for a picture of the QR (usage: liangzheng verify --help)\n',
    );
  });

  it('when the JWKS file holds a private key (with "d"), then verify and jws verify exit 2', async () => {
    const privateJwk: unknown = JSON.parse(await readFile(join(dir, ISSUER_KEY), 'utf8'));
    await writeJson('private-jwks.json', { keys: [privateJwk] });
    const [verify, jws] = await Promise.all([
      liangzheng(['verify', '--trust', 'private-jwks.json', '--now', china(5), qrText]),
      liangzheng(['jws', 'verify', '--jwks', 'private-jwks.json', credential]),
    ]);
    for (const run of [verify, jws]) {
      expectExit(run, 2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(/private key/);
      // Never echo the key material.
      expect(run.stderr).not.toContain(z.object({ d: z.string() }).parse(privateJwk).d);
    }
  });
});

// --- Format 2: purposes and the holder copy -------------------------------------------------

/** `present` of the holder copy at T0 with these options: the QR text. */
async function presentCopy(...options: string[]): Promise<string> {
  return (await must(presentArgs(HOLDER_COPY, '--now', T0, ...options))).replace(/\n$/, '');
}

/** The report's disclosure of format 2 for `purpose` showing `disclosed`. */
function disclosureV2(purpose: string, disclosed: readonly string[]) {
  const all = ['holder', 'driving', 'identity', 'file', 'age_over_18', 'age_over_60'];
  return { version: 2, purpose, disclosed, withheld: all.filter((g) => !disclosed.includes(g)) };
}

describe.concurrent('format 2 (issue --format 2, present --purpose, verify)', () => {
  it('when issue --format 2, then stdout is one holder copy: the compact JWS (typ lzdl+sd-jwt), the 16-byte seed and the values, joined by ~', () => {
    expectExit(issuedCopy, 0);
    expect(issuedCopy.stderr).toBe('');
    expect(issuedCopy.stdout).toMatch(/^[^\n]+\n$/);
    const [jws = '', seed = '', values = '', ...more] = issuedCopy.stdout.trimEnd().split('~');
    expect(more).toEqual([]);
    expect(jws).toMatch(COMPACT_JWS);
    const header: unknown = JSON.parse(
      Buffer.from(jws.split('.')[0] ?? '', 'base64url').toString(),
    );
    expect(header).toMatchObject({ alg: 'EdDSA', typ: 'lzdl+sd-jwt' });
    expect(seed).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(values).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it.each([
    ['police', [], ['holder', 'driving', 'identity', 'file', 'age_over_18', 'age_over_60']],
    ['rental', [], ['holder', 'driving']],
    ['insurance', [], ['holder', 'driving']],
    ['employer', [], ['holder', 'driving']],
    ['age', [], ['age_over_18']],
    ['custom', ['--disclose', 'holder,age_over_18'], ['holder', 'age_over_18']],
    ['custom', ['--disclose', 'file,identity'], ['identity', 'file']],
  ] as const satisfies readonly (readonly [string, readonly string[], readonly string[]])[])(
    'when presented with --purpose %s %j, then verify --json exits 0 and its disclosure names the purpose and the groups %j, without the withheld fields',
    async (purpose, options, groups) => {
      const disclosed: readonly string[] = groups;
      const text = await presentCopy('--purpose', purpose, ...options);
      expect(text).toMatch(/^LZ2:[0-9]+$/);
      const { run, report: r } = await verifyJson(text, china(5));
      expectExit(run, 0);
      expect(r.valid).toBe(true);
      expect(r.warnings).toEqual(['WARN_STATUS_UNCHECKED']);
      expect(r.disclosure).toEqual({
        ...disclosureV2(purpose, disclosed),
        ...(disclosed.includes('age_over_18') ? { ageOver18: true } : {}),
        ...(disclosed.includes('age_over_60') ? { ageOver60: false } : {}),
      });
      const l = r.licence ?? {};
      expect('name' in l).toBe(disclosed.includes('holder'));
      expect('points' in l).toBe(disclosed.includes('driving'));
      expect('licenceNumber' in l).toBe(disclosed.includes('identity'));
      expect('birthDate' in l).toBe(disclosed.includes('identity'));
      expect('fileNumber' in l).toBe(disclosed.includes('file'));
      if (!disclosed.includes('identity'))
        expect(run.stdout).not.toContain(licence(0).licenceNumber);
      const skipped = r.checks?.filter((k) => k.status === 'SKIPPED').map((k) => k.id);
      expect(skipped).toEqual(
        disclosed.includes('driving') ? [] : ['licence_status', 'licence_validity'],
      );
    },
  );

  it('when an age presentation is verified as text, then the report names the purpose, the flag, the groups shown and withheld in words, and the two licence checks not run', async () => {
    const text = await presentCopy('--purpose', 'age');
    const run = await liangzheng(verifyArgs('--now', china(5), text));
    expectExit(run, 0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe(
      [
        'VALID (warnings): 有效（有提示） / Valid, with warnings',
        '  用途 年龄核验 / purpose Age check (format 2)',
        '  已满18周岁 / 18 or over',
        '  出示 / shown:',
        '    age_over_18  是否年满18周岁 / Whether 18 or over',
        '  未出示 / withheld:',
        '    holder       姓名、照片 / Name, photo',
        '    driving      准驾车型、有效期限、驾驶证状态、记分 / Classes, validity dates, licence status, points',
        '    identity     身份证号（证号）、性别、国籍、出生日期、住址 / ID (licence) number, sex, nationality, birth date, address',
        '    file         初次领证日期、发证机关、档案编号 / First issue date, issuing authority, file number',
        '    age_over_60  是否年满60周岁 / Whether 60 or over',
        '  ✔ parse             二维码格式正确 / Code is well-formed',
        '  ✔ type              凭证类型与签名算法正确 / Credential type and algorithm accepted',
        '  ✔ issuer_known      签发机关可信 / Issuer key is trusted',
        '  ✔ issuer_signature  签发机关签名有效 / Issuer signature valid',
        '  ✔ claims            凭证内容完整 / Credential contents valid',
        '  ✔ disclosures       出示的信息与签发机关签名相符 / Shown data matches what the issuer signed',
        '  ✔ holder_signature  持证人设备签名有效 / Holder device signature valid',
        '  ✔ proof_freshness   出示码为实时生成 / Code freshly generated',
        '  ✔ credential_time   电子驾驶证在有效期内 / E-licence within its validity',
        '  ! status_list       未核验实时状态（无状态列表） / Status not checked (no status list) (none was given for this credential\'s list, "https://liangzheng.example/status/1")',
        '  · licence_status    未检查（持证人未出示驾驶信息） / Not checked (the holder did not show the driving data)',
        '  · licence_validity  未检查（持证人未出示驾驶信息） / Not checked (the holder did not show the driving data)',
        '',
      ].join('\n'),
    );
  });

  it('when a format 1 presentation is verified with --json, then its disclosure is format 1, police, everything shown', async () => {
    const { run, report: r } = await verifyJson(qrText, china(5));
    expectExit(run, 0);
    expect(r.disclosure).toEqual({
      ...disclosureV2('police', [
        'holder',
        'driving',
        'identity',
        'file',
        'age_over_18',
        'age_over_60',
      ]),
      version: 1,
      ageOver18: true,
      ageOver60: false,
    });
  });

  it('when verify --reject-v1, then a format 1 presentation exits 1 ERR_VERSION_RETIRED and a format 2 one exits 0', async () => {
    const v2 = await presentCopy('--purpose', 'rental');
    const [v1Run, v2Run] = await Promise.all([
      verifyJson(qrText, china(5), '--reject-v1'),
      verifyJson(v2, china(5), '--reject-v1'),
    ]);
    expectNotValid(v1Run.run, 'ERR_VERSION_RETIRED');
    expect(v1Run.report.checks?.find((k) => k.status === 'FAILED')?.id).toBe('type');
    expectExit(v2Run.run, 0);
  });

  it('when a format 1 credential is presented with --purpose police, then an LZ1 code; with any other purpose, then exit 2 saying a holder copy is needed', async () => {
    expect(await present(T0, '--purpose', 'police')).toMatch(/^LZ1:[0-9]+$/);
    const run = await liangzheng(presentArgs('credential.txt', '--now', T0, '--purpose', 'rental'));
    expectExit(run, 2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      'liangzheng present: --purpose rental: credential.txt holds a format 1 credential, which shows everything (police only); a holder copy (credential~seed~values) is needed to show less (usage: liangzheng present --help)\n',
    );
  });

  it.each([
    [
      ['--purpose', 'custom'],
      '--disclose: expected the groups to show with --purpose custom, comma-separated, of holder,driving,identity,file,age_over_18,age_over_60',
    ],
    [
      ['--purpose', 'rental', '--disclose', 'holder'],
      '--disclose: only with --purpose custom; purpose rental shows holder,driving',
    ],
    [
      ['--disclose', 'holder'],
      '--disclose: only with --purpose custom; purpose police shows holder,driving,identity,file,age_over_18,age_over_60',
    ],
    [
      ['--purpose', 'custom', '--disclose', 'holder,photo'],
      '--disclose: expected group names of holder,driving,identity,file,age_over_18,age_over_60, found "photo"',
    ],
    [['--purpose', 'custom', '--disclose', 'holder,holder'], '--disclose: holder listed twice'],
    [
      ['--purpose', 'bar'],
      '--purpose: expected one of police, rental, insurance, employer, age, custom, found "bar"',
    ],
  ])('when present %j, then exit 2: %s', async (options, reason) => {
    const run = await liangzheng(presentArgs(HOLDER_COPY, '--now', T0, ...options));
    expectExit(run, 2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(`liangzheng present: ${reason} (usage: liangzheng present --help)\n`);
  });

  it('when issue --format 2 of licences[2] (status D, seized), then exit 2 and no holder copy, as for format 1', async () => {
    const run = await liangzheng(issueArgs('licence-2.json', '--format', '2', '--now', T0));
    expectExit(run, 2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/status/);
    expect(run.stderr).not.toContain(licence(2).licenceNumber);
  });

  it('when issue --format 3, then exit 2', async () => {
    const run = await liangzheng(issueArgs('licence-0.json', '--format', '3', '--now', T0));
    expectExit(run, 2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      'liangzheng issue: --format: expected 1 or 2, found "3" (usage: liangzheng issue --help)\n',
    );
  });

  it('when a holder copy is changed (one value), then present exits 2 and writes no code', async () => {
    const [jws = '', seed = '', values = ''] = issuedCopy.stdout.trimEnd().split('~');
    const json = Buffer.from(values, 'base64url').toString('utf8').replace('"pt":3', '"pt":4');
    expect(json).toContain('"pt":4');
    await writeFile(
      join(dir, 'changed-copy.txt'),
      `${jws}~${seed}~${Buffer.from(json).toString('base64url')}\n`,
    );
    const run = await liangzheng(presentArgs('changed-copy.txt', '--now', T0));
    expectExit(run, 2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      'liangzheng present: changed-copy.txt: holder copy: the disclosures do not give the digest tree root in sd (usage: liangzheng present --help)\n',
    );
  });

  it('when the help is printed, then present names --purpose and --disclose, issue --format and verify --reject-v1', async () => {
    const run = await liangzheng(['--help']);
    expectExit(run, 0);
    expect(run.stdout).toContain('[--purpose police|rental|insurance|employer|age|custom]');
    expect(run.stdout).toContain('[--disclose GROUP,…]');
    expect(run.stdout).toContain('[--format 1|2]');
    expect(run.stdout).toContain('[--reject-v1]');
  });
});

// --- present --count ------------------------------------------------------------------------

describe.concurrent('present --count', () => {
  it('when --count 5, then 5 lines, each of which verifies (one batch, exit 0)', async () => {
    const out = await must(presentArgs('credential.txt', '--now', T0, '--count', '5'));
    const texts = out.split('\n');
    expect(texts.pop()).toBe('');
    expect(texts).toHaveLength(5);
    const run = await liangzheng(
      ['verify', '--batch', '--trust', TRUST, '--now', china(5)],
      `${texts.join('\n')}\n`,
    );
    expectExit(run, 0);
    const reports = run.stdout
      .trimEnd()
      .split('\n')
      .map((l) => report.parse(JSON.parse(l)));
    expect(reports.map((r) => r.valid)).toEqual([true, true, true, true, true]);
  });

  it.each([
    ['0', '"0"'],
    ['2.5', '"2.5"'],
    ['1000001', '"1000001"'],
  ])(
    'when --count %s, then exit 2 saying the range it takes, the same for each',
    async (count, found) => {
      const run = await liangzheng(presentArgs('credential.txt', '--count', count));
      expectExit(run, 2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toBe(
        `liangzheng present: --count: expected an integer 1-1000000, found ${found} (usage: liangzheng present --help)\n`,
      );
    },
  );

  it('when issue --valid-days 0, then exit 2 naming the option, not the licence file', async () => {
    const run = await liangzheng(issueArgs('licence-0.json', '--valid-days', '0'));
    expectExit(run, 2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      'liangzheng issue: --valid-days: expected an integer 1-3660, found "0" (usage: liangzheng issue --help)\n',
    );
  });
});

// --- verify --batch -------------------------------------------------------------------------

function batchReports(stdout: string): z.infer<typeof report>[] {
  expect(stdout).toMatch(/\n$/);
  return stdout
    .slice(0, -1)
    .split('\n')
    .map((l) => report.parse(JSON.parse(l)));
}

describe.concurrent('verify --batch', () => {
  it('when stdin has 4 lines (valid, garbage, empty, expired), then 4 JSON lines in order and exit 1', async () => {
    const old = await present(china(-200));
    const run = await liangzheng(
      ['verify', '--batch', '--trust', TRUST, '--now', china(5)],
      `${qrText}\ngarbage\n\n${old}\n`,
    );
    expectExit(run, 1);
    const reports = batchReports(run.stdout);
    expect(reports.map((r) => [r.valid, r.code])).toEqual([
      [true, undefined],
      [false, 'ERR_MALFORMED'],
      [false, 'ERR_MALFORMED'],
      [false, 'ERR_PROOF_EXPIRED'],
    ]);
  });

  it('when every line is valid, then exit 0', async () => {
    const run = await liangzheng(
      ['verify', '--batch', '--trust', TRUST, '--now', china(5)],
      `${qrText}\n${qrText}\r\n${qrText}`,
    );
    expectExit(run, 0);
    expect(batchReports(run.stdout).map((r) => r.valid)).toEqual([true, true, true]);
  });

  it('when stdin has 1000 lines (every 100th valid, the rest garbage), then 1000 JSON lines in order and exit 1', async () => {
    const input = Array.from({ length: 1000 }, (_, i) =>
      i % 100 === 0 ? qrText : `garbage ${i}`,
    ).join('\n');
    const run = await liangzheng(
      ['verify', '--batch', '--trust', TRUST, '--now', china(5)],
      `${input}\n`,
    );
    expectExit(run, 1);
    const reports = batchReports(run.stdout);
    expect(reports).toHaveLength(1000);
    reports.forEach((r, i) => {
      expect(r.valid).toBe(i % 100 === 0);
      if (i % 100 !== 0) expect(r.code).toBe('ERR_MALFORMED');
    });
  });
});

// --- verify --batch --jobs ------------------------------------------------------------------

/**
 * A batch of hundreds of lines on up to 4 worker threads, three such at once, on a machine of 2
 * cores that the other tests share: longer than a single command may take.
 */
const BATCH_RUN_TIMEOUT_MS = 60_000;
const BATCH_TEST_TIMEOUT_MS = 90_000;

/** Runs `verify --batch` at china(5) with `--jobs` (when given) on `input`. */
function batchAt5(input: string, jobs?: string): Promise<Run> {
  return liangzheng(
    [
      'verify',
      '--batch',
      '--trust',
      TRUST,
      '--now',
      china(5),
      ...(jobs === undefined ? [] : ['--jobs', jobs]),
    ],
    input,
    BATCH_RUN_TIMEOUT_MS,
  );
}

/** `present` of the holder copy at `now` with these options: the QR text. */
async function presentCopyAt(now: string, ...options: string[]): Promise<string> {
  return (await must(presentArgs(HOLDER_COPY, '--now', now, ...options))).replace(/\n$/, '');
}

describe.concurrent('verify --batch --jobs', () => {
  it(
    'when 600 lines of 12 kinds (format 2 codes for police, rental and age, format 1, expired, not yet valid, tampered, garbage, empty, a line past the limit, one of 4097 characters, a CRLF ending) go through --jobs 1, 2 and 4, then 600 lines each, byte for byte the same, in input order, and exit 1',
    async () => {
      const [police, rental, age, expired, future, crlf] = await Promise.all([
        presentCopyAt(china(0)),
        presentCopyAt(china(1), '--purpose', 'rental'),
        presentCopyAt(china(2), '--purpose', 'age'),
        presentCopyAt(china(-200)),
        presentCopyAt(china(20)),
        presentCopyAt(china(3)),
      ]);
      const kinds: readonly (readonly [string, boolean, string | undefined])[] = [
        [`${police}\n`, true, undefined],
        ['not a code\n', false, 'ERR_MALFORMED'],
        [`${rental}\n`, true, undefined],
        ['\n', false, 'ERR_MALFORMED'],
        [`${expired}\n`, false, 'ERR_PROOF_EXPIRED'],
        [`${qrText}\n`, true, undefined],
        [`LZ2:${'7'.repeat(20_000)}\n`, false, 'ERR_TOO_LARGE'],
        [`${age}\n`, true, undefined],
        [`${tamper(qrText)}\n`, false, 'ERR_BAD_SIGNATURE'],
        [`${future}\n`, false, 'ERR_PROOF_NOT_YET_VALID'],
        [`LZ1:${'0'.repeat(4093)}\n`, false, 'ERR_TOO_LARGE'],
        [`${crlf}\r\n`, true, undefined],
      ];
      const at = (i: number) => kinds[i % kinds.length] as (typeof kinds)[number];
      const input = Array.from({ length: 600 }, (_, i) => at(i)[0]).join('');
      const [one, two, four] = await Promise.all(['1', '2', '4'].map((j) => batchAt5(input, j)));
      for (const run of [one, two, four]) {
        expectExit(run as Run, 1);
        expect(run?.stderr).toBe('');
      }
      expect(two?.stdout).toBe(one?.stdout);
      expect(four?.stdout).toBe(one?.stdout);
      const reports = batchReports(one?.stdout ?? '');
      expect(reports).toHaveLength(600);
      expect(reports.map((r) => [r.valid, r.code])).toEqual(
        Array.from({ length: 600 }, (_, i) => [at(i)[1], at(i)[2]]),
      );
      expect(one?.stdout).toContain(
        '"detail":"presentation: expected at most 4096 characters, found a line of 20004 bytes"',
      );
    },
    BATCH_TEST_TIMEOUT_MS,
  );

  it(
    'when every line is valid, with the default jobs and --jobs 3, then exit 0 and one valid report a line',
    async () => {
      const input = `${qrText}\n`.repeat(300);
      const [byDefault, three] = await Promise.all([batchAt5(input), batchAt5(input, '3')]);
      for (const run of [byDefault, three]) {
        expectExit(run, 0);
        expect(batchReports(run.stdout).map((r) => r.valid)).toEqual(Array(300).fill(true));
      }
      expect(three.stdout).toBe(byDefault.stdout);
    },
    BATCH_TEST_TIMEOUT_MS,
  );

  it('when stdin is empty, then --jobs 2 prints nothing and exits 0', async () => {
    const run = await batchAt5('', '2');
    expectExit(run, 0);
    expect(run.stdout).toBe('');
  });

  it(
    'when --now is not given, then with --jobs 2 each line is judged at the time it is verified: 300 lines, codes made now valid, codes made 200 s before T0 expired',
    async () => {
      const [now, old] = await Promise.all([
        must(presentArgs(HOLDER_COPY, '--purpose', 'police')),
        presentCopyAt(china(-200)),
      ]);
      // More lines than one chunk (256): the workers judge them, by their own clock.
      const run = await liangzheng(
        ['verify', '--batch', '--trust', TRUST, '--jobs', '2'],
        `${now}${old}\n`.repeat(150),
        BATCH_RUN_TIMEOUT_MS,
      );
      expectExit(run, 1);
      expect(batchReports(run.stdout).map((r) => [r.valid, r.code])).toEqual(
        Array.from({ length: 300 }, (_, i) =>
          i % 2 === 0 ? [true, undefined] : [false, 'ERR_PROOF_EXPIRED'],
        ),
      );
    },
    BATCH_TEST_TIMEOUT_MS,
  );

  it.each([
    ['0', 'verify', '--jobs: expected an integer 1-256, found "0"'],
    ['x', 'verify', '--jobs: expected an integer 1-256, found "x"'],
    ['257', 'verify', '--jobs: expected an integer 1-256, found "257"'],
    ['1.5', 'verify', '--jobs: expected an integer 1-256, found "1.5"'],
    ['0', 'jws verify', '--jobs: expected an integer 1-256, found "0"'],
    ['x', 'jws verify', '--jobs: expected an integer 1-256, found "x"'],
  ] as const)('when --jobs %s with %s --batch, then exit 2: %s', async (jobs, command, reason) => {
    const args =
      command === 'verify'
        ? ['verify', '--batch', '--trust', TRUST, '--jobs', jobs]
        : ['jws', 'verify', '--batch', '--jwks', TRUST, '--jobs', jobs];
    const run = await liangzheng(args, `${qrText}\n`);
    expectExit(run, 2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      `liangzheng ${command}: ${reason} (usage: liangzheng ${command} --help)\n`,
    );
  });

  it('when --jobs is given without --batch, then exit 2: it goes with --batch only', async () => {
    const [presentation, jws] = await Promise.all([
      liangzheng(verifyArgs('--now', china(5), '--jobs', '2', qrText)),
      liangzheng(['jws', 'verify', '--jwks', TRUST, '--jobs', '2', credential]),
    ]);
    for (const [run, command] of [
      [presentation, 'verify'],
      [jws, 'jws verify'],
    ] as const) {
      expectExit(run, 2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toBe(
        `liangzheng ${command}: --jobs: expected with --batch only, found it without (usage: liangzheng ${command} --help)\n`,
      );
    }
  });

  it('when --help, then the usage names --jobs and says that without --now each line is judged when it is verified', async () => {
    const run = await liangzheng(['verify', '--help']);
    expectExit(run, 0);
    expect(run.stdout).toContain('[--jobs N] < lines');
    expect(run.stdout.replace(/\s+/g, ' ')).toContain(
      'without --now each line is judged at the time it is verified',
    );
  });
});

describe.concurrent('jws verify --batch --jobs', () => {
  it(
    'when 1001 lines (format 1 and 2 credentials, tampered, garbage, empty, and one line of 4 MiB) go through --jobs 1, 2 and 4, then 1001 lines each, byte for byte the same, in input order, and exit 1',
    async () => {
      const [header = '', payload = '', signature = ''] = credential.split('.');
      const middle = Math.floor(payload.length / 2);
      const swapped = payload.charAt(middle) === 'A' ? 'B' : 'A';
      const tampered = `${header}.${payload.slice(0, middle)}${swapped}${payload.slice(middle + 1)}.${signature}`;
      const v2 = issuedCopy.stdout.split('~')[0] ?? '';
      const kinds: readonly (readonly [string, boolean, string | undefined])[] = [
        [credential, true, undefined],
        [tampered, false, 'ERR_BAD_SIGNATURE'],
        [v2, true, undefined],
        ['garbage', false, 'ERR_MALFORMED'],
        ['', false, 'ERR_MALFORMED'],
      ];
      const expected: [boolean, string | undefined][] = [];
      const lines: string[] = [];
      for (let i = 0; i < 1000; i++) {
        if (i === 500) {
          lines.push('A'.repeat(4 * MIB));
          expected.push([false, 'ERR_TOO_LARGE']);
        }
        const [text, valid, code] = kinds[i % kinds.length] as (typeof kinds)[number];
        lines.push(text);
        expected.push([valid, code]);
      }
      const input = `${lines.join('\n')}\n`;
      const [one, two, four] = await Promise.all(
        ['1', '2', '4'].map((j) =>
          liangzheng(
            ['jws', 'verify', '--batch', '--jwks', TRUST, '--jobs', j],
            input,
            BATCH_RUN_TIMEOUT_MS,
          ),
        ),
      );
      for (const run of [one, two, four]) {
        expectExit(run as Run, 1);
        expect(run?.stderr).toBe('');
      }
      expect(two?.stdout).toBe(one?.stdout);
      expect(four?.stdout).toBe(one?.stdout);
      const results = (one?.stdout ?? '')
        .trimEnd()
        .split('\n')
        .map((l) => jwsResult.parse(JSON.parse(l)));
      expect(results).toHaveLength(1001);
      expect(results.map((r) => [r.valid, r.code])).toEqual(expected);
      expect(one?.stdout).toContain(
        '"reason":"JWS: expected at most 1048576 characters, found a line of 4194304 bytes"',
      );
    },
    BATCH_TEST_TIMEOUT_MS,
  );
});

/**
 * `size` bytes of `fill` with no newline, as a stream of 64 KiB chunks made as the child reads
 * them (so the test holds no more of it than the child does).
 */
function longLine(size: number, fill = '0'): Readable {
  const chunk = Buffer.alloc(64 * 1024, fill);
  return Readable.from(
    (function* () {
      for (let left = size; left > 0; left -= chunk.length)
        yield left >= chunk.length ? chunk : chunk.subarray(0, left);
    })(),
  );
}

/** A stream of `parts` in order: strings as they are, streams as they flow. */
function concatStreams(parts: readonly (string | Readable)[]): Readable {
  return Readable.from(
    (async function* () {
      for (const part of parts) {
        if (typeof part === 'string') yield Buffer.from(part);
        else for await (const chunk of part) yield chunk as Buffer;
      }
    })(),
  );
}

const MIB = 1024 * 1024;

/**
 * Runs the built binary on `input` and closes its stdout once the first line has come, as
 * `… | head -1` does; resolves with how it ended and what it wrote to stderr.
 */
function readFirstLineOnly(
  args: readonly string[],
  input: string,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; first: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: dir, timeout: RUN_TIMEOUT_MS });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      out += chunk;
      if (out.includes('\n')) child.stdout.destroy();
    });
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
    child.stdin.on('error', () => undefined); // it stops reading once its output is gone
    child.stdin.end(input);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      resolve({ code, signal, first: out.slice(0, out.indexOf('\n')), stderr: err });
    });
  });
}

describe.concurrent('output closed before the end', () => {
  it('when the reader of verify --batch or jws verify --batch goes away after one line, then the command stops at once, quietly, with status 141', async () => {
    const codes = `${qrText}\n`.repeat(3000);
    const tokens = `${credential}\n`.repeat(3000);
    const runs = await Promise.all([
      readFirstLineOnly(
        ['verify', '--batch', '--jobs', '1', '--trust', TRUST, '--now', china(5)],
        codes,
      ),
      readFirstLineOnly(
        ['verify', '--batch', '--jobs', '2', '--trust', TRUST, '--now', china(5)],
        codes,
      ),
      readFirstLineOnly(['jws', 'verify', '--batch', '--jwks', TRUST], tokens),
    ]);
    expect(
      runs.map((r) => [
        r.code,
        r.signal,
        r.stderr,
        (JSON.parse(r.first) as { valid: unknown }).valid,
      ]),
    ).toEqual([
      [141, null, '', true],
      [141, null, '', true],
      [141, null, '', true],
    ]);
  });

  it('when the output cannot be written (a full disk), then exit 2 with one line saying so', async () => {
    const full = await open('/dev/full', 'w');
    try {
      const child = spawn(process.execPath, [CLI, 'verify', '--batch', '--trust', TRUST], {
        cwd: dir,
        timeout: RUN_TIMEOUT_MS,
        stdio: ['pipe', full.fd, 'pipe'],
      });
      const { stdin, stderr } = child;
      if (stdin === null || stderr === null) throw new Error('spawned without pipes');
      let err = '';
      stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
      stdin.on('error', () => undefined);
      stdin.end(`${qrText}\n`.repeat(300));
      const code = await new Promise((resolve) => child.on('close', resolve));
      expect([code, err]).toEqual([2, 'liangzheng: cannot write the output (ENOSPC)\n']);
    } finally {
      await full.close();
    }
  });
});

describe.concurrent('batch lines past the limit', () => {
  it('when verify --batch gets one 64 MiB line without a newline, then it answers ERR_TOO_LARGE for it, with its length, and exits 1', async () => {
    const run = await liangzheng(
      ['verify', '--batch', '--trust', TRUST, '--now', china(5)],
      longLine(64 * MIB),
    );
    expectExit(run, 1);
    const reports = batchReports(run.stdout);
    expect(reports.map((r) => [r.valid, r.code])).toEqual([[false, 'ERR_TOO_LARGE']]);
    expect(run.stdout).toContain(
      '"detail":"presentation: expected at most 4096 characters, found a line of 67108864 bytes"',
    );
  });

  it('when verify --batch gets a 5 MiB line between two valid ones, then three reports in order: valid, ERR_TOO_LARGE, valid', async () => {
    const run = await liangzheng(
      ['verify', '--batch', '--trust', TRUST, '--now', china(5)],
      concatStreams([`${qrText}\n`, longLine(5 * MIB, '7'), `\r\n${qrText}\n`]),
    );
    expectExit(run, 1);
    expect(batchReports(run.stdout).map((r) => [r.valid, r.code])).toEqual([
      [true, undefined],
      [false, 'ERR_TOO_LARGE'],
      [true, undefined],
    ]);
  });

  it('when verify --batch gets a line of 4097 characters, then ERR_TOO_LARGE as verify gives it, and 4096 digits are read (ERR_MALFORMED)', async () => {
    const run = await liangzheng(
      ['verify', '--batch', '--trust', TRUST, '--now', china(5)],
      `LZ1:${'0'.repeat(4093)}\nLZ1:${'0'.repeat(4092)}\n`,
    );
    expectExit(run, 1);
    expect(batchReports(run.stdout).map((r) => r.code)).toEqual(['ERR_TOO_LARGE', 'ERR_MALFORMED']);
  });

  it('when jws verify --batch gets one 64 MiB line without a newline, then ERR_TOO_LARGE for it; between two good tokens, then valid, ERR_TOO_LARGE, valid', async () => {
    const [alone, between] = await Promise.all([
      liangzheng(['jws', 'verify', '--batch', '--jwks', TRUST], longLine(64 * MIB)),
      liangzheng(
        ['jws', 'verify', '--batch', '--jwks', TRUST],
        concatStreams([`${credential}\n`, longLine(5 * MIB, 'A'), `\n${credential}\n`]),
      ),
    ]);
    const results = (run: Run) =>
      run.stdout
        .trimEnd()
        .split('\n')
        .map((l) => jwsResult.parse(JSON.parse(l)));
    expectExit(alone, 1);
    expect(results(alone).map((r) => [r.valid, r.code])).toEqual([[false, 'ERR_TOO_LARGE']]);
    expect(alone.stdout).toContain(
      '"reason":"JWS: expected at most 1048576 characters, found a line of 67108864 bytes"',
    );
    expectExit(between, 1);
    expect(results(between).map((r) => [r.valid, r.code])).toEqual([
      [true, undefined],
      [false, 'ERR_TOO_LARGE'],
      [true, undefined],
    ]);
  });
});

// --- jws verify -----------------------------------------------------------------------------

/** A compact JWS made by hand; `signature` bytes as given (none is computed). */
function handMadeJws(header: object, payload: string, signature: Uint8Array): string {
  const b64 = (bytes: Uint8Array | string) => Buffer.from(bytes).toString('base64url');
  return `${b64(JSON.stringify(header))}.${b64(payload)}.${b64(signature)}`;
}

describe.concurrent('jws verify', () => {
  it('when the issued credential is checked against the issuer jwks, then exit 0, and with --json valid true and typ lzdl+jwt', async () => {
    const [text, json] = await Promise.all([
      liangzheng(['jws', 'verify', '--jwks', TRUST, credential]),
      liangzheng(['jws', 'verify', '--jwks', TRUST, '--json', credential]),
    ]);
    expectExit(text, 0);
    expect(text.stdout).toMatch(/^valid: alg EdDSA, kid [A-Za-z0-9_-]{43}, typ lzdl\+jwt\n$/);
    expectExit(json, 0);
    const r = jwsResult.parse(JSON.parse(json.stdout));
    expect(r.valid).toBe(true);
    expect(r.typ).toBe('lzdl+jwt');
  });

  it('when checked against another issuer’s jwks, then exit 1 ERR_UNKNOWN_ISSUER', async () => {
    const run = await liangzheng(['jws', 'verify', '--jwks', OTHER_TRUST, '--json', credential]);
    expectExit(run, 1);
    const r = jwsResult.parse(JSON.parse(run.stdout));
    expect(r.valid).toBe(false);
    expect(r.code).toBe('ERR_UNKNOWN_ISSUER');
    expectOneLine(run.stderr);
  });

  it('when the RFC 8037 A.4 token is checked against a JWKS of its A.2 public key, with and without kid, then exit 0', async () => {
    if (rfc8037A4 === undefined) throw new Error('test/vectors/rfc8037.json: no case A.4');
    await Promise.all([
      writeJson('rfc8037.jwks.json', { keys: [rfc8037A4.publicKeyJwk] }),
      writeJson('rfc8037-kid.jwks.json', {
        keys: [{ ...rfc8037A4.publicKeyJwk, kid: 'rfc8037-a2' }],
      }),
    ]);
    const runs = await Promise.all(
      ['rfc8037.jwks.json', 'rfc8037-kid.jwks.json'].map((jwks) =>
        liangzheng(['jws', 'verify', '--jwks', jwks, rfc8037A4.jws]),
      ),
    );
    for (const run of runs) expectExit(run, 0);
  });

  it('when the header says alg "none", then exit 1 ERR_ALG_NOT_ALLOWED (and, with an empty signature, ERR_MALFORMED)', async () => {
    // A 64-byte signature gets past parsing, so the header rule itself is what refuses it.
    const none = handMadeJws({ alg: 'none' }, '{"sub":"x"}', new Uint8Array(64));
    const noneEmpty = handMadeJws({ alg: 'none' }, '{"sub":"x"}', new Uint8Array(0));
    const [run, empty] = await Promise.all(
      [none, noneEmpty].map((token) =>
        liangzheng(['jws', 'verify', '--jwks', TRUST, '--json', token]),
      ),
    );
    if (run === undefined || empty === undefined) throw new Error('two runs expected');
    expectExit(run, 1);
    expect(jwsResult.parse(JSON.parse(run.stdout))).toMatchObject({
      valid: false,
      code: 'ERR_ALG_NOT_ALLOWED',
    });
    expectExit(empty, 1);
    expect(jwsResult.parse(JSON.parse(empty.stdout))).toMatchObject({
      valid: false,
      code: 'ERR_MALFORMED',
    });
  });

  it('when TOKEN names a file (credential.txt), then exit 2 saying a compact JWS was expected and how to pass the file; a name of no file is a token, and not valid', async () => {
    const [file, noFile, byStdin] = await Promise.all([
      liangzheng(['jws', 'verify', '--jwks', TRUST, 'credential.txt']),
      liangzheng(['jws', 'verify', '--jwks', TRUST, '--json', 'no-such-file.txt']),
      liangzheng(
        ['jws', 'verify', '--jwks', TRUST, '-'],
        readFileSync(join(dir, 'credential.txt'), 'utf8'),
      ),
    ]);
    expectExit(file, 2);
    expect(file.stdout).toBe('');
    expect(file.stderr).toBe(
      'liangzheng jws verify: expected a compact JWS, found a file path "credential.txt"; use - < credential.txt (usage: liangzheng jws verify --help)\n',
    );
    expectExit(noFile, 1);
    expect(jwsResult.parse(JSON.parse(noFile.stdout)).code).toBe('ERR_MALFORMED');
    expectExit(byStdin, 0);
  });

  it('when a file saved by a Windows editor starts with a byte order mark, then the mark is not read as content: the trust file, one code and a batch all verify', async () => {
    const bom = '\uFEFF';
    await writeFile(join(dir, 'bom-jwks.json'), bom + (await readFile(join(dir, TRUST), 'utf8')));
    const [one, batch] = await Promise.all([
      liangzheng(
        ['verify', '--trust', 'bom-jwks.json', '--now', china(5), '--json', '-'],
        `${bom}${qrText}\r\n`,
      ),
      liangzheng(
        ['verify', '--batch', '--trust', TRUST, '--now', china(5)],
        `${bom}${qrText}\r\n${qrText}\r\n`,
      ),
    ]);
    expectExit(one, 0);
    expect(report.parse(JSON.parse(one.stdout)).valid).toBe(true);
    expectExit(batch, 0);
    expect(batchReports(batch.stdout).map((r) => [r.valid, r.code])).toEqual([
      [true, undefined],
      [true, undefined],
    ]);
  });

  it('when --batch reads 3 lines (valid, tampered, garbage), then 3 JSON lines in order and exit 1', async () => {
    const [header = '', payload = '', signature = ''] = credential.split('.');
    const middle = Math.floor(payload.length / 2);
    const swapped = payload.charAt(middle) === 'A' ? 'B' : 'A';
    const tampered = `${header}.${payload.slice(0, middle)}${swapped}${payload.slice(middle + 1)}.${signature}`;
    const run = await liangzheng(
      ['jws', 'verify', '--batch', '--jwks', TRUST],
      `${credential}\n${tampered}\ngarbage\n`,
    );
    expectExit(run, 1);
    const results = run.stdout
      .trimEnd()
      .split('\n')
      .map((l) => jwsResult.parse(JSON.parse(l)));
    expect(results.map((r) => [r.valid, r.code])).toEqual([
      [true, undefined],
      [false, 'ERR_BAD_SIGNATURE'],
      [false, 'ERR_MALFORMED'],
    ]);
  });
});

// --- Help and unknown commands --------------------------------------------------------------

describe.concurrent('help', () => {
  it('when run with no arguments, then exit 2 and the help on stdout; with --help, then exit 0', async () => {
    const [bare, help] = await Promise.all([liangzheng([]), liangzheng(['--help'])]);
    expectExit(bare, 2);
    expect(bare.stdout).toMatch(/^liangzheng — /);
    expect(bare.stdout).toMatch(/Exit status: 0 valid, 1 not valid, 2 usage or input error/);
    expectExit(help, 0);
    expect(help.stdout).toBe(bare.stdout);
    for (const name of ['keygen', 'holder-keygen', 'issue', 'present', 'verify', 'jws verify'])
      expect(help.stdout).toContain(`liangzheng ${name} `);
    // Each command: what it does first, then how to call it.
    expect(help.stdout).toContain(
      '\n  keygen — make an issuer key pair: DIR/private.jwk.json (mode 0600) and DIR/jwks.json\n    usage: liangzheng keygen --out DIR\n',
    );
  });

  it('when a command is asked for --help, then what it does, then its usage, exit 0', async () => {
    const run = await liangzheng(['keygen', '--help']);
    expectExit(run, 0);
    expect(run.stdout).toBe(
      'liangzheng keygen — make an issuer key pair: DIR/private.jwk.json (mode 0600) and DIR/jwks.json\n\nusage: liangzheng keygen --out DIR\n',
    );
  });

  it('when the command is unknown, then exit 2 naming it on stderr', async () => {
    const run = await liangzheng(['frobnicate']);
    expectExit(run, 2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe('liangzheng: unknown command "frobnicate"; see liangzheng --help\n');
  });

  it('when --version or -v, then exit 0 and the version of package.json on stdout', async () => {
    const { version } = z
      .object({ version: z.string().min(1) })
      .parse(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')));
    for (const run of await Promise.all([liangzheng(['--version']), liangzheng(['-v'])])) {
      expectExit(run, 0);
      expect(run.stdout).toBe(`${version}\n`);
      expect(run.stderr).toBe('');
    }
  });

  it('when verify --help, then exit 0 with what it does and its usage on stdout', async () => {
    const run = await liangzheng(['verify', '--help']);
    expectExit(run, 0);
    expect(run.stdout).toMatch(
      /^liangzheng verify — verify a presentation of either format \(the QR text, or a photo of the QR\)\n\nusage: liangzheng verify --trust jwks\.json /,
    );
    expect(run.stderr).toBe('');
  });
});
