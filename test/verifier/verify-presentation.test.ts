import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { signCredential } from '../../issuer/sign-credential.js';
import { signStatusList } from '../../issuer/sign-status-list.js';
import { chinaDate } from '../../shared/china-time.js';
import { createPresentation } from '../../shared/create-presentation.js';
import type { CredentialClaimsInput } from '../../shared/credential.js';
import type { CryptoBackend } from '../../shared/crypto-backend.js';
import { decodeDigits, encodeDigits } from '../../shared/internal/digits.js';
import type { LicenceRecord } from '../../shared/licence/record.js';
import {
  decodePresentation,
  encodePresentation,
  PRESENTATION_PREFIX,
} from '../../shared/presentation.js';
import { nobleBackend } from '../../verifier/backends/noble.js';
import { nodeBackend } from '../../verifier/backends/node.js';
import { webCryptoBackend } from '../../verifier/backends/webcrypto.js';
import { CHECK_IDS, type CheckId, type VerificationReport } from '../../verifier/report.js';
import { createTrustStore, type TrustStore } from '../../verifier/trust-store.js';
import {
  DEFAULT_CLOCK_TOLERANCE,
  DEFAULT_PROOF_MAX_AGE,
  DEFAULT_STATUS_MAX_AGE,
  verifyPresentation,
  type VerifyOptions,
} from '../../verifier/verify-presentation.js';
import { verifyStatusList, type VerifiedStatusList } from '../../verifier/verify-status-list.js';
import { NOT_SHOWN, REASONS } from '../../verifier/internal/messages.js';
import {
  GROUP_MEMBERS,
  GROUP_NAMES,
  LICENCE_FIELD_OF_MEMBER,
  PURPOSES,
  type GroupName,
  type Purpose,
} from '../../shared/sd/groups.js';
import {
  decodePresentationV2,
  encodePresentationV2,
  PRESENTATION_PREFIX_V2,
} from '../../shared/sd/presentation-v2.js';
import {
  at,
  epochSeconds,
  flipByte,
  loadTestKeys,
  presentParts,
  referenceLicence,
  signClaimsByHand,
} from '../helpers/presentation-kit.js';
import { mulberry32 } from '../helpers/random.js';

// Both verification paths must give the same report on every presentation (docs/DOMAIN.md §4).
const BACKENDS: readonly CryptoBackend[] = [nodeBackend, nobleBackend];

// --- The fixture file (test/vectors/presentations.json, see README.md there) ---

const checkId = z.enum(CHECK_IDS);
const fixtureFile = z.strictObject({
  source: z.record(z.string(), z.string()),
  trust: z.string(),
  cases: z
    .array(
      z.strictObject({
        id: z.string().regex(/^[a-z0-9-]+$/),
        expected: z.union([z.literal('valid'), z.string().regex(/^ERR_[A-Z_]+$/)]),
        check: checkId,
        why: z.string().regex(/^[^\r\n]+$/, 'one line'),
        warnings: z.array(z.string().regex(/^WARN_[A-Z_]+$/)).optional(),
        disclosure: z
          .strictObject({
            purpose: z.enum(Object.keys(PURPOSES) as [Purpose, ...Purpose[]]),
            disclosed: z.array(z.enum(GROUP_NAMES)),
            withheld: z.array(z.enum(GROUP_NAMES)),
          })
          .optional(),
        text: z.string(),
        now: z.iso.datetime(),
        options: z
          .strictObject({
            nonce: z.string().optional(),
            strict: z.boolean().optional(),
            proofMaxAge: z.number().optional(),
            statusList: z
              .string()
              .regex(/^[a-z0-9-]+\.jwt$/)
              .optional(),
            issuer: z.string().optional(),
            acceptVersion1: z.boolean().optional(),
          })
          .optional(),
      }),
    )
    .min(1),
});
type FixtureCase = z.infer<typeof fixtureFile>['cases'][number];

const VECTORS = new URL('../vectors/', import.meta.url);
const fixtures = fixtureFile.parse(
  JSON.parse(readFileSync(new URL('presentations.json', VECTORS), 'utf8')),
);
const trustJwks: unknown = JSON.parse(readFileSync(new URL(fixtures.trust, VECTORS), 'utf8'));

/** A status list token file of test/vectors/status-lists/ (one token, then a newline). */
function statusListToken(name: string): string {
  const text = readFileSync(new URL(`status-lists/${name}`, VECTORS), 'utf8');
  if (!text.endsWith('\n')) throw new Error(`${name}: expected a final newline`);
  return text.slice(0, -1);
}

interface Verifier {
  readonly trust: TrustStore;
  readonly lists: Map<string, VerifiedStatusList>;
}

/** The police app's backend: Ed25519 by WebCrypto (here Node's) inside its runs. */
const web = await webCryptoBackend();

const verifiers = new Map<CryptoBackend, Verifier>(
  [...BACKENDS, web].map((backend) => [
    backend,
    { trust: createTrustStore([trustJwks], backend), lists: new Map() },
  ]),
);

function verifierFor(backend: CryptoBackend): Verifier {
  const v = verifiers.get(backend);
  if (v === undefined) throw new Error(`no verifier for ${backend.name}`);
  return v;
}

/** The status list file, verified once per backend with the same trust store. */
function statusList(backend: CryptoBackend, name: string): VerifiedStatusList {
  const v = verifierFor(backend);
  let list = v.lists.get(name);
  if (list === undefined) {
    list = verifyStatusList(statusListToken(name), v.trust);
    v.lists.set(name, list);
  }
  return list;
}

function optionsFor(c: FixtureCase, backend: CryptoBackend): VerifyOptions {
  const o = c.options ?? {};
  const list = o.statusList === undefined ? undefined : statusList(backend, o.statusList);
  return {
    trust: verifierFor(backend).trust,
    now: new Date(c.now),
    ...(list === undefined ? {} : { statusLists: new Map([[list.uri, list]]) }),
    ...(o.nonce === undefined ? {} : { nonce: o.nonce }),
    ...(o.strict === undefined ? {} : { strict: o.strict }),
    ...(o.proofMaxAge === undefined ? {} : { proofMaxAge: o.proofMaxAge }),
    ...(o.issuer === undefined ? {} : { issuer: o.issuer }),
    ...(o.acceptVersion1 === undefined ? {} : { acceptVersion1: o.acceptVersion1 }),
  };
}

function verifyCase(c: FixtureCase, backend: CryptoBackend): VerificationReport {
  return verifyPresentation(c.text, optionsFor(c, backend));
}

/** Checks whose failure ends the verification: every later check is SKIPPED. */
const FAIL_FAST: ReadonlySet<CheckId> = new Set([
  'parse',
  'type',
  'issuer_known',
  'issuer_signature',
  'claims',
  'disclosures',
]);

/** The licence fields each group carries (holder: the name; its `ph` is credential.portraitHash). */
function fieldsOf(group: GroupName): readonly string[] {
  if (group === 'age_over_18' || group === 'age_over_60') return [];
  return GROUP_MEMBERS[group].flatMap((m) => (m === 'ph' ? [] : [LICENCE_FIELD_OF_MEMBER[m]]));
}

/** The report's disclosure against the case's (version 2) or everything shown (version 1). */
function expectDisclosure(c: FixtureCase, report: VerificationReport): void {
  if (c.text.startsWith(PRESENTATION_PREFIX_V2)) {
    expect(c.disclosure, 'a version 2 case past disclosures names its disclosure').toBeDefined();
  }
  const expected = c.disclosure ?? { purpose: 'police', disclosed: GROUP_NAMES, withheld: [] };
  expect(report.disclosure).toMatchObject({
    version: c.disclosure === undefined ? 1 : 2,
    ...expected,
  });
  const licence = report.licence ?? {};
  for (const g of expected.disclosed)
    for (const f of fieldsOf(g)) expect(licence, `${g}.${f} shown`).toHaveProperty(f);
  for (const g of expected.withheld)
    for (const f of fieldsOf(g)) expect(licence, `${g}.${f} withheld`).not.toHaveProperty(f);
  // Version 1 shows a portrait hash when the credential has one; the version 2 fixtures all do.
  if (c.disclosure !== undefined)
    expect(report.credential?.portraitHash !== undefined).toBe(
      c.disclosure.disclosed.includes('holder'),
    );
  expect(report.disclosure?.ageOver18 !== undefined).toBe(
    expected.disclosed.includes('age_over_18'),
  );
}

/** The licence checks a presentation that withheld `driving` does not run (FORMAT.md §8.8). */
const NOT_SHOWN_CHECKS: readonly CheckId[] = ['licence_status', 'licence_validity'];

const HAN = /\p{Script=Han}/u;
const PRINTABLE_ASCII = /^[\x20-\x7E]+$/;

function expectWords(words: { zh: string; en: string }, where: string): void {
  expect(words.zh, `${where} zh`).toMatch(HAN);
  expect(words.en, `${where} en`).toMatch(PRINTABLE_ASCII);
}

function outcome(report: VerificationReport): string {
  return report.valid ? 'valid' : (report.code ?? 'invalid without a code');
}

// --- Fixtures ---

describe('presentations.json', () => {
  it('when it is loaded, then case ids are unique and every failure mode of the verifier has a case', () => {
    expect(new Set(fixtures.cases.map((c) => c.id)).size).toBe(fixtures.cases.length);
    const expected = new Set(fixtures.cases.map((c) => c.expected));
    for (const code of [
      'valid',
      'ERR_MALFORMED',
      'ERR_TOO_LARGE',
      'ERR_ALG_NOT_ALLOWED',
      'ERR_WRONG_TYPE',
      'ERR_CRIT_UNSUPPORTED',
      'ERR_KEY_IN_HEADER',
      'ERR_HEADER_INVALID',
      'ERR_UNKNOWN_ISSUER',
      'ERR_BAD_SIGNATURE',
      'ERR_CLAIMS_INVALID',
      'ERR_ISSUER_MISMATCH',
      'ERR_HOLDER_SIGNATURE',
      'ERR_PROOF_EXPIRED',
      'ERR_PROOF_NOT_YET_VALID',
      'ERR_NONCE_MISMATCH',
      'ERR_CREDENTIAL_EXPIRED',
      'ERR_CREDENTIAL_NOT_YET_VALID',
      'ERR_LICENCE_EXPIRED',
      'ERR_LICENCE_NOT_YET_VALID',
      'ERR_SUSPENDED',
      'ERR_REVOKED',
      'ERR_CANCELLED',
      'ERR_POINTS_EXCEEDED',
      'ERR_RENEWAL_OVERDUE',
      'ERR_LICENCE_NOT_VALID',
      'ERR_SUPERSEDED',
      'ERR_STATUS_UNKNOWN',
      'ERR_STATUS_UNCHECKED',
      'ERR_STATUS_STALE',
    ]) {
      expect(expected.has(code), code).toBe(true);
    }
    const warnings = new Set(fixtures.cases.flatMap((c) => c.warnings ?? []));
    expect([...warnings].sort()).toEqual(['WARN_STATUS_STALE', 'WARN_STATUS_UNCHECKED']);
  });

  describe.each(BACKENDS)('on the $name backend', (backend) => {
    for (const c of fixtures.cases) {
      it(`when ${c.id} (${c.why}), then ${c.expected} decided by ${c.check}`, () => {
        const report = verifyCase(c, backend);
        expect(outcome(report)).toBe(c.expected);
        expect(report.checks.map((k) => k.id)).toEqual(CHECK_IDS);
        expect(report.verifiedAt).toBe(new Date(c.now).toISOString());
        const index = CHECK_IDS.indexOf(c.check);
        const decisive = report.checks[index];
        if (c.expected === 'valid') {
          expect(report.code).toBeUndefined();
          expect(report.warnings).toEqual(c.warnings ?? []);
          const warning = c.warnings?.[0];
          expect(decisive).toMatchObject(
            warning === undefined ? { status: 'PASSED' } : { status: 'WARNING', code: warning },
          );
          expect(report.checks.filter((k) => k.status === 'FAILED')).toEqual([]);
        } else {
          expect(decisive).toMatchObject({ status: 'FAILED', code: c.expected });
          // The deciding check is the first that failed.
          expect(report.checks.findIndex((k) => k.status === 'FAILED')).toBe(index);
          expect(report.message).toEqual(decisive?.message);
        }
        const before = report.checks.slice(0, index).map((k) => k.status);
        const after = report.checks.slice(index + 1).map((k) => k.status);
        if (FAIL_FAST.has(c.check) && c.expected !== 'valid') {
          expect(before.every((s) => s === 'PASSED')).toBe(true);
          expect(after.every((s) => s === 'SKIPPED')).toBe(true);
          expect(report.licence).toBeUndefined();
        } else {
          expect(report.licence).toBeDefined();
          expect(report.credential?.kid).toBe(verifierFor(backend).trust.keys[0]?.thumbprint);
          expectDisclosure(c, report);
          const notShown = c.disclosure?.withheld.includes('driving') === true;
          for (const k of report.checks) {
            if (notShown && NOT_SHOWN_CHECKS.includes(k.id)) {
              expect(k, k.id).toEqual({ id: k.id, status: 'SKIPPED', message: NOT_SHOWN });
            } else if (k.id !== c.check) {
              expect(k.status, k.id).not.toBe('SKIPPED');
            }
          }
        }
        expectWords(report.message, 'verdict');
        for (const k of report.checks) {
          expectWords(k.message, k.id);
          if (k.status === 'FAILED' || k.status === 'WARNING') {
            expect(k.code, k.id).toBeDefined();
            expect(k.detail, k.id).toMatch(PRINTABLE_ASCII);
          }
        }
      });
    }
  });

  describe.each(BACKENDS)('the words on the $name backend', (backend) => {
    for (const c of fixtures.cases) {
      it(`when ${c.id} is verified, then each failed or warned check says what its code means`, () => {
        const report = verifyCase(c, backend);
        for (const k of report.checks) {
          if (k.code !== undefined) expect(k.message, `${k.id} ${k.code}`).toEqual(REASONS[k.code]);
        }
        if (report.code !== undefined) expect(report.message).toEqual(REASONS[report.code]);
      });
    }
  });

  describe('the two backends', () => {
    for (const c of fixtures.cases) {
      it(`when ${c.id} is verified, then noble and node give the same report`, () => {
        expect(verifyCase(c, nobleBackend)).toEqual(verifyCase(c, nodeBackend));
      });
    }
  });

  describe('the WebCrypto backend', () => {
    it('when it is made here, then its Ed25519 is WebCrypto’s', () => {
      expect(web.native).toBe(true);
    });

    for (const c of fixtures.cases) {
      it(`when ${c.id} is verified in a run, then the report is the node backend’s`, async () => {
        const report = await web.run(() => verifyCase(c, web));
        expect(report).toEqual(verifyCase(c, nodeBackend));
      });
    }
  });

  it('when a presentation that decodes is encoded again, then the text is identical', () => {
    let decoded = 0;
    for (const c of fixtures.cases) {
      let parts;
      try {
        parts = decodePresentation(c.text);
      } catch {
        continue;
      }
      decoded++;
      expect(encodePresentation(parts), c.id).toBe(c.text);
    }
    expect(decoded).toBeGreaterThan(60);
  });

  it('when a version 2 presentation that decodes is encoded again, then the text is identical', () => {
    let decoded = 0;
    for (const c of fixtures.cases.filter((k) => k.text.startsWith(PRESENTATION_PREFIX_V2))) {
      let parts;
      try {
        parts = decodePresentationV2(c.text, nodeBackend);
      } catch {
        continue;
      }
      decoded++;
      expect(encodePresentationV2(parts), c.id).toBe(c.text);
    }
    expect(decoded).toBeGreaterThan(20);
  });
});

// --- Programmatic ---

const keys = loadTestKeys();
const reference = referenceLicence(0);
const DAY = 86_400;
const TOL = DEFAULT_CLOCK_TOLERANCE;
const ISSUER = 'https://jtgl.example.cn';
const STATUS_URI = 'https://jtgl.example.cn/status/1';
/** 10:00 China time. */
const T = epochSeconds('2026-03-15T02:00:00Z');

function issueAt(
  issuedAt: number,
  validDays = 30,
  idx = 0,
  licence: LicenceRecord = reference,
): Promise<string> {
  return signCredential(
    {
      licence,
      holderKey: keys.holder.publicJwk.x,
      issuer: ISSUER,
      status: { idx, uri: STATUS_URI },
      now: at(issuedAt),
      validDays,
      jti: 'test-credential-0001',
    },
    keys.issuer,
  );
}

function byHand(over: Partial<CredentialClaimsInput>): Promise<string> {
  return signClaimsByHand(
    {
      iss: ISSUER,
      iat: T - DAY,
      nbf: T - DAY,
      exp: T + 29 * DAY,
      jti: 'test-by-hand-000001',
      holderKey: keys.holder.publicJwk.x,
      status: { idx: 0, uri: STATUS_URI },
      licence: reference,
      ...over,
    },
    keys.issuer,
  );
}

function presentAt(credential: string, proofIat: number, nonce?: string): Promise<string> {
  return createPresentation(credential, keys.holder, {
    now: at(proofIat),
    ...(nonce === undefined ? {} : { nonce }),
  });
}

describe.each(BACKENDS)('verifyPresentation on the $name backend', (backend) => {
  const trust = createTrustStore([keys.issuerJwks], backend);
  const verifyAt = (text: string, now: number, extra: Partial<VerifyOptions> = {}) =>
    verifyPresentation(text, { trust, now: at(now), ...extra });
  const verdict = (text: string, now: number, extra: Partial<VerifyOptions> = {}) =>
    outcome(verifyAt(text, now, extra));
  const checkOf = (report: VerificationReport, id: CheckId) =>
    report.checks.find((k) => k.id === id);

  describe('the proof window', () => {
    it('when the proof is exactly proofMaxAge + tolerance old, then valid; one second more, then ERR_PROOF_EXPIRED', async () => {
      const credential = await issueAt(T - DAY);
      const oldest = T - DEFAULT_PROOF_MAX_AGE - TOL;
      expect(verdict(await presentAt(credential, oldest), T)).toBe('valid');
      expect(verdict(await presentAt(credential, oldest - 1), T)).toBe('ERR_PROOF_EXPIRED');
    });

    it('when proofMaxAge and clockTolerance are set, then the window is exactly their sum', async () => {
      const credential = await issueAt(T - DAY);
      const options = { proofMaxAge: 30, clockTolerance: 0 };
      expect(verdict(await presentAt(credential, T - 30), T, options)).toBe('valid');
      expect(verdict(await presentAt(credential, T - 31), T, options)).toBe('ERR_PROOF_EXPIRED');
    });

    it('when the proof iat is exactly now + tolerance, then valid; one second later, then ERR_PROOF_NOT_YET_VALID', async () => {
      const credential = await issueAt(T - DAY);
      expect(verdict(await presentAt(credential, T + TOL), T)).toBe('valid');
      expect(verdict(await presentAt(credential, T + TOL + 1), T)).toBe('ERR_PROOF_NOT_YET_VALID');
    });

    it('when the verifier clock has milliseconds, then it counts whole seconds', async () => {
      const credential = await issueAt(T - DAY);
      const text = await presentAt(credential, T + TOL);
      const report = verifyPresentation(text, { trust, now: new Date(T * 1000 + 999) });
      expect(outcome(report)).toBe('valid');
    });
  });

  describe('the credential window', () => {
    it('when now is exp + tolerance − 1, then valid; at exp + tolerance, then ERR_CREDENTIAL_EXPIRED', async () => {
      // The tolerance extends validity, as for every other time (RFC 7519 §4.1.4 leeway; jose
      // `clockTolerance`): exp is exclusive, so at now − tolerance = exp the credential is expired.
      const credential = await issueAt(T - DAY, 1);
      const exp = T;
      expect(verdict(await presentAt(credential, exp + TOL - 1), exp + TOL - 1)).toBe('valid');
      expect(verdict(await presentAt(credential, exp + TOL), exp + TOL)).toBe(
        'ERR_CREDENTIAL_EXPIRED',
      );
    });

    it('when the tolerance is 0, then the credential is valid at exp − 1 and expired at exp', async () => {
      const credential = await issueAt(T - DAY, 1);
      const exp = T;
      const options = { clockTolerance: 0 };
      expect(verdict(await presentAt(credential, exp - 1), exp - 1, options)).toBe('valid');
      expect(verdict(await presentAt(credential, exp), exp, options)).toBe(
        'ERR_CREDENTIAL_EXPIRED',
      );
    });

    it('when now is nbf − tolerance, then valid; one second earlier, then ERR_CREDENTIAL_NOT_YET_VALID', async () => {
      const credential = await issueAt(T);
      expect(verdict(await presentAt(credential, T - TOL), T - TOL)).toBe('valid');
      expect(verdict(await presentAt(credential, T - TOL - 1), T - TOL - 1)).toBe(
        'ERR_CREDENTIAL_NOT_YET_VALID',
      );
    });
  });

  describe('the licence dates, in China time', () => {
    it('when it is 23:59:59 China time on validTo (+ tolerance), then valid; one second later, then ERR_LICENCE_EXPIRED', async () => {
      expect(reference.validTo).toBe('2030-05-20');
      const lastSecond = epochSeconds('2030-05-20T23:59:59+08:00');
      expect(chinaDate(at(lastSecond))).toBe('2030-05-20');
      expect(chinaDate(at(lastSecond + 1))).toBe('2030-05-21');
      // A credential that outlives the licence (signCredential would cap exp at the licence's end).
      const credential = await byHand({
        iat: lastSecond - DAY,
        nbf: lastSecond - DAY,
        exp: lastSecond + 30 * DAY,
      });
      const valid = verifyAt(await presentAt(credential, lastSecond + TOL), lastSecond + TOL);
      expect(outcome(valid)).toBe('valid');
      expect(checkOf(valid, 'licence_validity')?.status).toBe('PASSED');
      const late = lastSecond + TOL + 1;
      const expired = verifyAt(await presentAt(credential, late), late);
      expect(outcome(expired)).toBe('ERR_LICENCE_EXPIRED');
      expect(checkOf(expired, 'licence_validity')?.status).toBe('FAILED');
    });

    it('when the issuer capped exp at the end of validTo, then credential and licence expire at the same second, and the verdict is the licence past its date, which no refresh mends', async () => {
      const lastSecond = epochSeconds('2030-05-20T23:59:59+08:00');
      const credential = await issueAt(lastSecond - DAY, 30);
      const lastValid = verifyAt(await presentAt(credential, lastSecond + TOL), lastSecond + TOL);
      expect(outcome(lastValid)).toBe('valid');
      const late = lastSecond + TOL + 1;
      const report = verifyAt(await presentAt(credential, late), late);
      expect(outcome(report)).toBe('ERR_LICENCE_EXPIRED');
      expect(report.message.zh).toBe('驾驶证已超过有效期限');
      expect(
        [checkOf(report, 'credential_time'), checkOf(report, 'licence_validity')].map((c) => [
          c?.status,
          c?.code,
        ]),
      ).toEqual([
        ['FAILED', 'ERR_CREDENTIAL_EXPIRED'],
        ['FAILED', 'ERR_LICENCE_EXPIRED'],
      ]);
    });

    it('when it is 00:00:00 China time on validFrom (− tolerance), then valid; one second earlier, then ERR_LICENCE_NOT_YET_VALID', async () => {
      const firstSecond = epochSeconds('2026-04-01T00:00:00+08:00');
      expect(chinaDate(at(firstSecond))).toBe('2026-04-01');
      expect(chinaDate(at(firstSecond - 1))).toBe('2026-03-31');
      const credential = await byHand({
        iat: firstSecond - 10 * DAY,
        nbf: firstSecond - 10 * DAY,
        exp: firstSecond + 10 * DAY,
        licence: { ...reference, validFrom: '2026-04-01', validTo: '2032-04-01' },
      });
      const first = firstSecond - TOL;
      expect(verdict(await presentAt(credential, first), first)).toBe('valid');
      expect(verdict(await presentAt(credential, first - 1), first - 1)).toBe(
        'ERR_LICENCE_NOT_YET_VALID',
      );
    });
  });

  describe('the status list age', () => {
    async function withList(validFor: number) {
      const token = await signStatusList(
        { uri: STATUS_URI, statuses: [0, 1], bits: 2, now: at(T), validFor, ttl: 600 },
        keys.issuer,
      );
      const list = verifyStatusList(token, trust);
      return new Map([[list.uri, list]]);
    }

    it('when the list is exactly statusMaxAge old, then PASSED; one second older, then WARN_STATUS_STALE', async () => {
      const statusLists = await withList(7 * DAY);
      const credential = await issueAt(T - DAY);
      const edge = T + DEFAULT_STATUS_MAX_AGE;
      const fresh = verifyAt(await presentAt(credential, edge), edge, { statusLists });
      expect(checkOf(fresh, 'status_list')?.status).toBe('PASSED');
      expect(fresh.warnings).toEqual([]);
      const stale = verifyAt(await presentAt(credential, edge + 1), edge + 1, { statusLists });
      expect(checkOf(stale, 'status_list')).toMatchObject({
        status: 'WARNING',
        code: 'WARN_STATUS_STALE',
      });
      expect(outcome(stale)).toBe('valid');
      const strict = verifyAt(await presentAt(credential, edge + 1), edge + 1, {
        statusLists,
        strict: true,
      });
      expect(outcome(strict)).toBe('ERR_STATUS_STALE');
    });

    it('when statusMaxAge is set, then the list is stale one second after it', async () => {
      const statusLists = await withList(7 * DAY);
      const credential = await issueAt(T - DAY);
      const options = { statusLists, statusMaxAge: 600 };
      const fresh = verifyAt(await presentAt(credential, T + 600), T + 600, options);
      expect(fresh.warnings).toEqual([]);
      const stale = verifyAt(await presentAt(credential, T + 601), T + 601, options);
      expect(stale.warnings).toEqual(['WARN_STATUS_STALE']);
    });

    it('when now is the list exp + tolerance − 1, then PASSED; at exp + tolerance, then WARN_STATUS_STALE', async () => {
      const statusLists = await withList(3600);
      const credential = await issueAt(T - DAY);
      const exp = T + 3600;
      const fresh = verifyAt(await presentAt(credential, exp + TOL - 1), exp + TOL - 1, {
        statusLists,
      });
      expect(fresh.warnings).toEqual([]);
      const stale = verifyAt(await presentAt(credential, exp + TOL), exp + TOL, { statusLists });
      expect(stale.warnings).toEqual(['WARN_STATUS_STALE']);
      expect(checkOf(stale, 'status_list')?.detail).toContain('past its exp');
    });

    it('when the list was signed after the verifier clock (beyond tolerance), then WARN_CLOCK_BEHIND; strict: ERR_CLOCK_BEHIND', async () => {
      const statusLists = await withList(3600);
      const credential = await issueAt(T - DAY);
      const edge = T - TOL;
      const ok = verifyAt(await presentAt(credential, edge), edge, { statusLists });
      expect(ok.warnings).toEqual([]);
      const behind = T - TOL - 1;
      const report = verifyAt(await presentAt(credential, behind), behind, { statusLists });
      expect(report.valid).toBe(true);
      expect(checkOf(report, 'status_list')).toMatchObject({
        status: 'WARNING',
        code: 'WARN_CLOCK_BEHIND',
      });
      const strict = verifyAt(await presentAt(credential, behind), behind, {
        statusLists,
        strict: true,
      });
      expect(outcome(strict)).toBe('ERR_CLOCK_BEHIND');
    });

    it('when the credential has expired and the live list says revoked, suspended or superseded, then the list decides; a list that says nothing of the licence does not', async () => {
      const token = await signStatusList(
        { uri: STATUS_URI, statuses: [0, 1, 2, 3], bits: 2, now: at(T), validFor: DAY, ttl: 600 },
        keys.issuer,
      );
      const list = verifyStatusList(token, trust);
      const statusLists = new Map([[list.uri, list]]);
      const verdicts: string[] = [];
      for (const idx of [0, 1, 2, 3]) {
        const credential = await issueAt(T - 2 * DAY, 1, idx);
        verdicts.push(verdict(await presentAt(credential, T), T, { statusLists }));
      }
      expect(verdicts).toEqual([
        'ERR_CREDENTIAL_EXPIRED',
        'ERR_REVOKED',
        'ERR_SUSPENDED',
        'ERR_SUPERSEDED',
      ]);
      // No list under strict: "status not checked" says nothing of the licence.
      const credential = await issueAt(T - 2 * DAY, 1, 1);
      const strict = verifyAt(await presentAt(credential, T), T, { strict: true });
      expect(checkOf(strict, 'status_list')?.code).toBe('ERR_STATUS_UNCHECKED');
      expect(outcome(strict)).toBe('ERR_CREDENTIAL_EXPIRED');
      // An entry the list does not have is no word on the licence either.
      const beyond = await issueAt(T - 2 * DAY, 1, 64);
      const unknown = verifyAt(await presentAt(beyond, T), T, { statusLists });
      expect(checkOf(unknown, 'status_list')?.code).toBe('ERR_STATUS_UNKNOWN');
      expect(outcome(unknown)).toBe('ERR_CREDENTIAL_EXPIRED');
    });

    it('when the entry is revoked and the list is stale, then the revocation decides', async () => {
      const statusLists = await withList(3600);
      const credential = await issueAt(T - DAY, 30, 1);
      const late = T + 2 * DAY;
      expect(verdict(await presentAt(credential, late), late, { statusLists })).toBe('ERR_REVOKED');
    });
  });

  describe('tampering', () => {
    it('when one payload byte is changed and the proof made again over it, then ERR_BAD_SIGNATURE', async () => {
      const parts = decodePresentation(await presentAt(await issueAt(T - DAY), T));
      for (const index of [0, 1, Math.floor(parts.credentialPayload.length / 2), -1]) {
        const text = await presentParts(
          { ...parts, credentialPayload: flipByte(parts.credentialPayload, index, 0x40) },
          keys.holder,
          T,
        );
        const report = verifyAt(text, T);
        expect(outcome(report), `byte ${index}`).toBe('ERR_BAD_SIGNATURE');
        expect(checkOf(report, 'holder_signature')?.status).toBe('SKIPPED');
      }
    });

    it('when the proof is made with the holder key over the right credential and nonce, then valid', async () => {
      const text = await presentAt(await issueAt(T - DAY), T, 'abc-DEF_123');
      expect(verdict(text, T, { nonce: 'abc-DEF_123' })).toBe('valid');
      expect(verifyAt(text, T).proof).toEqual({ iat: T, nonce: 'abc-DEF_123' });
    });
  });

  describe('garbage', () => {
    it('when given 1000 random strings, then it never throws and never says valid', async () => {
      const base = await presentAt(await issueAt(T - DAY), T);
      const random = mulberry32(0x4c5a31);
      const pick = (n: number) => Math.floor(random() * n);
      const digitsOf = (n: number) => Array.from({ length: n }, () => String(pick(10))).join('');
      const groupLengths = [0, 3, 5, 8, 10, 13];
      let deep = 0;
      for (let i = 0; i < 1000; i++) {
        let text: string;
        switch (i % 4) {
          case 0:
            text = Array.from({ length: pick(200) }, () =>
              String.fromCodePoint(random() < 0.8 ? 32 + pick(95) : pick(0x3000)),
            ).join('');
            break;
          case 1:
            text = PRESENTATION_PREFIX + digitsOf(pick(1500));
            break;
          case 2:
            text = PRESENTATION_PREFIX + digitsOf(15 * pick(90) + (groupLengths[pick(6)] ?? 0));
            break;
          default: {
            // A real presentation with one to three digits changed.
            const chars = Array.from({ length: base.length }, (_, k) => base.charAt(k));
            for (let n = 0; n <= pick(3); n++) {
              const at =
                PRESENTATION_PREFIX.length + pick(chars.length - PRESENTATION_PREFIX.length);
              chars[at] = String(pick(10));
            }
            text = chars.join('');
          }
        }
        const report = verifyAt(text, T);
        if (text === base) continue;
        expect(report.valid, JSON.stringify(text.slice(0, 80))).toBe(false);
        expect(report.code).toBeDefined();
        if (report.checks[0]?.status === 'PASSED') deep++;
      }
      // Some of them got past the parser, so the later checks were exercised too.
      expect(deep).toBeGreaterThan(100);
    });
  });

  describe('the prefix', () => {
    it('when the text starts with neither LZ1: nor LZ2:, then ERR_MALFORMED at parse, naming both', () => {
      for (const [text, found] of [
        ['hello', 'neither'],
        ['LZ3:1234', '"LZ3:"'],
        ['', 'neither'],
      ] as const) {
        const report = verifyAt(text, T);
        expect(report.code, text).toBe('ERR_MALFORMED');
        expect(report.checks[0]).toMatchObject({
          id: 'parse',
          code: 'ERR_MALFORMED',
          detail: `presentation: expected text starting "LZ1:" or "LZ2:", found ${found}`,
        });
      }
      // Over the limit, the length is said first, as for a text with a prefix.
      expect(verdict('x'.repeat(5000), T)).toBe('ERR_TOO_LARGE');
    });

    it('when a code has spaces pasted after it or a letter in it, then ERR_MALFORMED naming the character and where, whatever the length', async () => {
      const text = await presentAt(await issueAt(T - DAY), T);
      for (const [bad, found] of [
        [`${text}  `, `" " at offset ${text.length}`],
        [`${text} `, `" " at offset ${text.length}`],
        [`${text.slice(0, 40)}O${text.slice(41)}`, '"O" at offset 40'],
      ] as const) {
        expect(verifyAt(bad, T).checks[0], JSON.stringify(bad.slice(-3))).toMatchObject({
          id: 'parse',
          code: 'ERR_MALFORMED',
          detail: `presentation digits: expected 0-9, found ${found}`,
        });
      }
    });
  });

  describe('options', () => {
    it('when now is an invalid Date, then RangeError', () => {
      expect(() => verifyPresentation('LZ1:', { trust, now: new Date(Number.NaN) })).toThrow(
        RangeError,
      );
    });

    it('when clockTolerance, proofMaxAge or statusMaxAge is negative or not finite, then RangeError', () => {
      for (const bad of [
        { clockTolerance: -1 },
        { proofMaxAge: -1 },
        { statusMaxAge: Number.POSITIVE_INFINITY },
        { clockTolerance: Number.NaN },
      ]) {
        expect(() => verifyAt('LZ1:', T, bad), JSON.stringify(bad)).toThrow(RangeError);
      }
    });

    it('when text is not a string, then TypeError', () => {
      expect(() => verifyAt(42 as unknown as string, T)).toThrow(TypeError);
    });
  });
});

describe('encodePresentation', () => {
  it('when the credential header is canonical, then only its key id travels (header length 0)', async () => {
    const text = await presentAt(await issueAt(T - DAY), T);
    const envelope = decodeDigits(text.slice(PRESENTATION_PREFIX.length));
    expect(envelope[0]).toBe(0);
  });
});

describe('decodePresentation', () => {
  it('when the canonical header is written out instead of its key id, then ERR_MALFORMED saying so', async () => {
    const parts = decodePresentation(await presentAt(await issueAt(T - DAY), T));
    const envelope = decodeDigits(encodePresentation(parts).slice(PRESENTATION_PREFIX.length));
    const header = parts.credentialHeader;
    expect(header.length).toBeLessThan(0x80);
    const writtenOut = Uint8Array.from([header.length, ...header, ...envelope.subarray(1 + 32)]);
    const text = PRESENTATION_PREFIX + encodeDigits(writtenOut);
    expect(() => decodePresentation(text)).toThrow(
      expect.objectContaining({
        code: 'ERR_MALFORMED',
        message:
          'credential header: expected the canonical header as its key id only (length 0), found it written out',
      }),
    );
  });
});
