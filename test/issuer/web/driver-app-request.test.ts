/**
 * 扫码出示 without a browser: a verifier's request read by the driver's app against what the
 * phone keeps (the authority's JWKS, the verifier status lists, verified before use), each
 * refusal with its code and words, and the record of a code answering a request naming who
 * asked.
 */
import { describe, expect, it } from 'vitest';
import { signStatusList } from '../../../issuer/sign-status-list.js';
import app from '../../../issuer/web/app/messages.json' with { type: 'json' };
import { withEntry, type ShownEntry } from '../../../issuer/web/app/shown-log.js';
import {
  checkRequest,
  REFUSAL_MESSAGE,
  ROLE_MESSAGE,
  verifiedLists,
  type KeptAuthority,
  type KeptVerifierLists,
  type RefusalCode,
} from '../../../issuer/web/app/verifier-request.js';
import {
  signVerifierCertificate,
  type VerifierCertificate,
} from '../../../shared/request/certificate.js';
import { createRequest, REQUEST_MAX_AGE } from '../../../shared/request/request.js';
import { STATUS } from '../../../shared/status-list.js';
import { nobleBackend } from '../../../verifier/backends/noble.js';
import { createTrustStore } from '../../../verifier/trust-store.js';
import { loadTestKeys } from '../../helpers/presentation-kit.js';

const keys = loadTestKeys();
const IAT = 1_780_000_000;
const NOW = new Date((IAT + 5) * 1000);
const LIST_URI = 'https://jtgl.example.cn/status/verifiers/1';
const authority: KeptAuthority = { jwks: keys.issuerJwks, at: 0 };

function certificate(over: Partial<VerifierCertificate> = {}): VerifierCertificate {
  return {
    iss: 'https://jtgl.example.cn',
    iat: IAT - 86_400,
    nbf: IAT - 86_400,
    exp: IAT + 365 * 86_400,
    jti: 'cert-0000000000000001',
    holderKey: keys.holder.publicJwk.x,
    status: { idx: 3, uri: LIST_URI },
    org: '平安汽车租赁',
    role: 'rental',
    may: [0, 1],
    ...over,
  };
}

async function rentalRequest(over: Partial<VerifierCertificate> = {}, signer = keys.issuer) {
  const cert = await signVerifierCertificate(certificate(over), signer);
  return (await createRequest(cert, keys.holder, { now: new Date(IAT * 1000), purpose: 'rental' }))
    .text;
}

/** A verifier list with index 3 at `value`, signed by `signer`, valid for `validFor` s from IAT. */
async function lists(value: number, signer = keys.issuer, validFor = 86_400) {
  const token = await signStatusList(
    {
      uri: LIST_URI,
      statuses: [0, 0, 0, value],
      bits: 2,
      now: new Date(IAT * 1000),
      validFor,
      ttl: 300,
    },
    signer,
  );
  return { tokens: [token], at: 0 } satisfies KeptVerifierLists;
}

const refusal = (check: ReturnType<typeof checkRequest>): RefusalCode | 'offered' =>
  check.ok ? 'offered' : check.code;

describe("a verifier's request on the driver's phone", () => {
  it('when a rental desk asks and the phone keeps the keys but no list, then it is offered with its org, role and groups, its status unchecked', async () => {
    const check = checkRequest(await rentalRequest(), { authority }, NOW, nobleBackend);
    if (!check.ok) throw new Error(`refused: ${check.code}`);
    expect(check.request).toMatchObject({
      org: '平安汽车租赁',
      role: 'rental',
      purpose: 'rental',
      groups: [0, 1],
      answerBy: IAT + REQUEST_MAX_AGE,
      statusUnchecked: true,
    });
  });

  it('when the kept list says the certificate is valid, then its status counts as checked', async () => {
    const check = checkRequest(
      await rentalRequest(),
      { authority, lists: await lists(STATUS.VALID) },
      NOW,
      nobleBackend,
    );
    expect(check.ok && check.request.statusUnchecked).toBe(false);
  });

  it('when the kept list says the certificate is revoked, then ERR_REQUEST_CERT_REVOKED', async () => {
    const check = checkRequest(
      await rentalRequest(),
      { authority, lists: await lists(STATUS.INVALID) },
      NOW,
      nobleBackend,
    );
    expect(refusal(check)).toBe('ERR_REQUEST_CERT_REVOKED');
  });

  it('when a kept list was signed by another authority, then it is not used: the status stays unchecked', async () => {
    const check = checkRequest(
      await rentalRequest(),
      { authority, lists: await lists(STATUS.INVALID, keys.otherIssuer) },
      NOW,
      nobleBackend,
    );
    expect(check.ok && check.request.statusUnchecked).toBe(true);
  });

  it('when a kept list is past its exp, then it is not used: the status stays unchecked', async () => {
    const check = checkRequest(
      await rentalRequest(),
      { authority, lists: await lists(STATUS.INVALID, keys.issuer, 4) },
      NOW,
      nobleBackend,
    );
    expect(check.ok && check.request.statusUnchecked).toBe(true);
  });

  it('when the lists are verified, then they are keyed by the URI they were signed for', async () => {
    const trust = createTrustStore([keys.issuerJwks], nobleBackend);
    const kept = await lists(STATUS.VALID);
    expect([...verifiedLists(kept.tokens, trust, IAT).keys()]).toEqual([LIST_URI]);
    expect([...verifiedLists(['not a token'], trust, IAT).keys()]).toEqual([]);
  });

  it('when the certificate was signed by another authority, then ERR_REQUEST_UNKNOWN_AUTHORITY', async () => {
    const text = await rentalRequest({}, keys.otherIssuer);
    expect(refusal(checkRequest(text, { authority }, NOW, nobleBackend))).toBe(
      'ERR_REQUEST_UNKNOWN_AUTHORITY',
    );
  });

  it('when the certificate has expired, then ERR_REQUEST_CERT_EXPIRED', async () => {
    const text = await rentalRequest({ exp: IAT - 60 });
    expect(refusal(checkRequest(text, { authority }, NOW, nobleBackend))).toBe(
      'ERR_REQUEST_CERT_EXPIRED',
    );
  });

  it('when the request is older than its five minutes, then ERR_REQUEST_EXPIRED', async () => {
    const later = new Date((IAT + REQUEST_MAX_AGE + 60) * 1000);
    expect(refusal(checkRequest(await rentalRequest(), { authority }, later, nobleBackend))).toBe(
      'ERR_REQUEST_EXPIRED',
    );
  });

  it('when what was scanned is a licence code or a web address, then ERR_REQUEST_NOT_A_REQUEST', () => {
    for (const text of ['LZ2:0123', 'https://example.cn/', ''])
      expect(refusal(checkRequest(text, { authority }, NOW, nobleBackend))).toBe(
        'ERR_REQUEST_NOT_A_REQUEST',
      );
  });

  it('when a request code is cut short, then ERR_REQUEST_MALFORMED', async () => {
    const text = await rentalRequest();
    expect(refusal(checkRequest(text.slice(0, 40), { authority }, NOW, nobleBackend))).toBe(
      'ERR_REQUEST_MALFORMED',
    );
  });

  it('when the phone never kept the keys, or keeps no JWKS that reads, then ERR_REQUEST_NO_KEYS', async () => {
    const text = await rentalRequest();
    expect(refusal(checkRequest(text, {}, NOW, nobleBackend))).toBe('ERR_REQUEST_NO_KEYS');
    expect(
      refusal(checkRequest(text, { authority: { jwks: { keys: [] }, at: 0 } }, NOW, nobleBackend)),
    ).toBe('ERR_REQUEST_NO_KEYS');
  });

  it('when a refusal or a role is shown, then the catalogue has its words in Chinese and English', () => {
    const catalogue = app as Record<string, { zh?: unknown; en?: unknown } | undefined>;
    for (const key of [...Object.values(REFUSAL_MESSAGE), ...Object.values(ROLE_MESSAGE)]) {
      expect(typeof catalogue[key]?.zh, key).toBe('string');
      expect(typeof catalogue[key]?.en, key).toBe('string');
      expect(String(catalogue[key]?.zh)).not.toMatch(/ERR_/);
    }
  });
});

describe('the record of a code answering a request', () => {
  it('when a code answers a request, then its entry names the organisation and its role', () => {
    const plain: ShownEntry = { at: 1, purpose: 'police', groups: [0, 1, 2, 3, 4, 5], version: 2 };
    const answered: ShownEntry = {
      at: 2,
      purpose: 'rental',
      groups: [0, 1],
      version: 2,
      verifier: { org: '平安汽车租赁', role: 'rental' },
    };
    expect(withEntry([plain], answered)).toEqual([
      {
        at: 2,
        purpose: 'rental',
        groups: [0, 1],
        version: 2,
        verifier: { org: '平安汽车租赁', role: 'rental' },
      },
      plain,
    ]);
  });
});
