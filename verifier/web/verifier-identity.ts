/*
 * Who this verifier device is (FORMAT.md §9): its device key, the certificate the authority
 * issued to that key (POST /api/verifier/certificate with the device token), and the requests it
 * shows a holder. Without a DOM: the key comes as a Signer, the store and fetch are given, the
 * time is the caller's (the trusted clock), so that it runs as well in a test. Once the
 * certificate is kept, making a request and checking its answer need no network.
 */
import { decodeBase64url, encodeBase64url } from '../../shared/base64url.js';
import type { Signer } from '../../shared/crypto-backend.js';
import {
  readCertificatePayload,
  ROLES,
  type Role,
  type VerifierCertificate,
} from '../../shared/request/certificate.js';
import { createRequest, REQUEST_MAX_AGE } from '../../shared/request/request.js';
import { GROUP_NAMES, PURPOSES, type GroupIndex, type Purpose } from '../../shared/sd/groups.js';
import { readStatus, STATUS } from '../../shared/status-list.js';
import { utf8 } from '../../shared/utf8.js';
import { nobleBackend } from '../backends/noble.js';
import type { VerifierRequest } from '../verify-presentation.js';
import type { VerifiedStatusList } from '../verify-status-list.js';
import type { LocalStore } from './local-store.js';

/** Seconds an accepted answer's nonce is kept: twice a request's life. */
export const ANSWERED_KEEP_S = 2 * REQUEST_MAX_AGE;
/** A certificate is renewed once less than this share of its lifetime remains. */
export const RENEW_SHARE = 1 / 3;
const FETCH_TIMEOUT_MS = 8000;

/**
 * What the certificate's own entry in the verifier status list said when last read: `valid`,
 * `suspended` (2), or `revoked` (the device was revoked: 1; or any other value, or no such
 * entry, which a holder's phone refuses as well).
 */
export type Standing = 'valid' | 'revoked' | 'suspended';

/** The certificate as the device keeps it. */
export interface KeptCertificate {
  /** The compact JWS, as the authority signed it. */
  readonly certificate: string;
  /** The certificate's status list, as the service named it. */
  readonly statusUri: string;
  /** The device token it was enrolled with: another token enrols again. */
  readonly token: string;
  /** Its entry as last read, with the `iat` of the list read; absent until read once. */
  readonly checked?: { readonly standing: Standing; readonly iat: number };
}

/** Why a request cannot be made: the certificate's entry says the device may not ask. */
export class CertificateWithdrawnError extends Error {
  override readonly name = 'CertificateWithdrawnError';

  constructor(readonly code: 'ERR_DEVICE_REVOKED' | 'ERR_DEVICE_SUSPENDED') {
    super(
      code === 'ERR_DEVICE_REVOKED'
        ? 'certificate: its status entry says the device was revoked; phones refuse its requests'
        : 'certificate: its status entry says the device is suspended; phones refuse its requests',
    );
  }
}

const STANDINGS: readonly Standing[] = ['valid', 'revoked', 'suspended'];

/** What a status value means for the device's own certificate. */
function standingOf(value: number): Standing {
  if (value === STATUS.VALID) return 'valid';
  return value === STATUS.SUSPENDED ? 'suspended' : 'revoked';
}

/** The certificate's claims that the screen shows, read from the kept certificate. */
export interface Identity {
  readonly certificate: string;
  readonly claims: VerifierCertificate;
  /** base64url SHA-256 of the compact certificate: the audience an answer names. */
  readonly audience: string;
}

/** A request on screen: its QR text and what it asks for. */
export interface ShownRequest extends VerifierRequest {
  readonly text: string;
  readonly purpose: Purpose;
  readonly groups: readonly GroupIndex[];
  /** Until when (seconds) an answer is accepted: iat + 300. */
  readonly answerBy: number;
}

/** How an attempt to enrol or renew ended. */
export type EnrolOutcome =
  | 'kept' // the kept certificate is good for a while yet
  | 'enrolled' // a new certificate was issued and kept
  | 'no-token'
  | 'offline'
  | 'refused' // the service said no (a token not a verifier device's, a bad key)
  | 'unreachable';

/** What the identity takes from its surroundings. */
export interface IdentityEnv {
  readonly store: LocalStore;
  /** The device key as a Signer (made and kept on first use). */
  readonly deviceSigner: () => Promise<Signer>;
  readonly fetch?: typeof fetch;
}

/** One accepted nonce, with when it was accepted (ms). */
interface Answered {
  readonly nonce: string;
  readonly at: number;
}

/**
 * Reads a kept certificate's claims (no signature check: the device's own, as the service sent
 * it; a holder's phone checks it against the authority's keys).
 * @throws {Error} when it is not a certificate.
 */
export function readIdentity(certificate: string): Identity {
  const parts = certificate.split('.');
  if (parts.length !== 3) throw new Error('certificate: expected a compact JWS');
  const claims = readCertificatePayload(
    decodeBase64url(parts[1] ?? '', 'certificate payload'),
    nobleBackend,
  );
  return {
    certificate,
    claims,
    audience: encodeBase64url(nobleBackend.sha256(utf8(certificate))),
  };
}

/** Whether `role`'s own purpose asks only for groups the certificate allows. */
export function ownPurposeAllowed(claims: Pick<VerifierCertificate, 'role' | 'may'>): boolean {
  return PURPOSES[claims.role].groups.every((g) => claims.may.includes(g));
}

/** The device's certificate, its requests and the nonces it accepted. */
export class VerifierIdentity {
  private kept: KeptCertificate | undefined;
  private current: Identity | undefined;
  private shown: ShownRequest | undefined;
  /** Whether the request shown has had its answer. */
  private used = false;
  private enrolling: Promise<EnrolOutcome> | undefined;

  constructor(private readonly env: IdentityEnv) {}

  /** Restores the kept certificate (a damaged one is dropped). */
  async load(): Promise<void> {
    const kept = await this.env.store.get<KeptCertificate>('certificate');
    this.kept = undefined;
    this.current = undefined;
    if (kept === undefined || typeof kept.certificate !== 'string') return;
    try {
      this.current = readIdentity(kept.certificate);
      const { checked, ...rest } = kept;
      // A damaged reading is dropped (read again at the next update); the certificate stays.
      this.kept =
        checked !== undefined &&
        STANDINGS.includes(checked.standing) &&
        Number.isSafeInteger(checked.iat)
          ? kept
          : rest;
    } catch {
      await this.env.store.delete('certificate');
    }
  }

  /** The certificate kept, read; undefined before enrolment. */
  get identity(): Identity | undefined {
    return this.current;
  }

  /**
   * What the certificate's status entry said when last read online: `valid` until read otherwise
   * (offline, or the list out of reach, the certificate stays in use).
   */
  get standing(): Standing {
    return this.kept?.checked?.standing ?? 'valid';
  }

  /**
   * Reads the certificate's own entry in `list`, a verifier status list whose signature has
   * passed with the issuer's keys, and keeps what it says. A list of another URI, or signed
   * before the one last read (a cached or replayed copy), changes nothing; one signed in the same
   * second does not undo a withdrawal. True when the standing changed.
   */
  async noteStatus(list: VerifiedStatusList): Promise<boolean> {
    const kept = this.kept;
    const claims = this.current?.claims;
    if (kept === undefined || claims === undefined || list.uri !== claims.status.uri) return false;
    let value: number;
    try {
      value = readStatus(list.list, list.bits, claims.status.idx);
    } catch {
      value = -1;
    }
    const standing = standingOf(value);
    const before = this.standing;
    const last = kept.checked;
    if (
      last !== undefined &&
      (list.iat < last.iat || (list.iat === last.iat && before !== 'valid' && standing === 'valid'))
    )
      return false;
    const next: KeptCertificate = { ...kept, checked: { standing, iat: list.iat } };
    this.kept = next;
    await this.env.store.set('certificate', next);
    return standing !== before;
  }

  /** The role this device acts in: police until a certificate says otherwise. */
  get role(): Role {
    return this.current?.claims.role ?? 'police';
  }

  /** The groups this device may see: its certificate's `may`; all six until there is one. */
  get may(): readonly GroupIndex[] {
    return this.current?.claims.may ?? ROLES.police;
  }

  /** Whether the kept certificate is missing, for another token, or near or past its expiry. */
  needsRenewal(token: string, nowMs: number): boolean {
    const claims = this.current?.claims;
    if (claims === undefined || this.kept?.token !== token) return true;
    const now = nowMs / 1000;
    return claims.exp - now < (claims.exp - claims.nbf) * RENEW_SHARE;
  }

  /**
   * Enrols the device key (POST /api/verifier/certificate with the device token) when the kept
   * certificate needs renewal and the device is online; one attempt at a time. The kept
   * certificate stays in use whatever happens. Never rejects.
   */
  renew(options: {
    readonly issuerUrl: string;
    readonly token: string;
    readonly online: boolean;
    readonly nowMs: number;
  }): Promise<EnrolOutcome> {
    if (options.token === '') return Promise.resolve('no-token');
    if (!this.needsRenewal(options.token, options.nowMs)) return Promise.resolve('kept');
    if (!options.online) return Promise.resolve('offline');
    this.enrolling ??= this.enrol(options.issuerUrl, options.token).finally(() => {
      this.enrolling = undefined;
    });
    return this.enrolling;
  }

  private async enrol(issuerUrl: string, token: string): Promise<EnrolOutcome> {
    const signer = await this.env.deviceSigner();
    const doFetch = this.env.fetch ?? ((input, init) => fetch(input, init));
    let response: Response;
    try {
      const base = issuerUrl.endsWith('/') ? issuerUrl : `${issuerUrl}/`;
      response = await doFetch(new URL('api/verifier/certificate', base).href, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ publicKey: signer.publicJwk.x }),
        signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
      });
    } catch {
      return 'unreachable';
    }
    if (!response.ok) return response.status >= 500 ? 'unreachable' : 'refused';
    try {
      const body = (await response.json()) as { certificate?: unknown; statusUri?: unknown };
      if (typeof body.certificate !== 'string') return 'refused';
      const identity = readIdentity(body.certificate);
      // A certificate for another key would make every request fail on the holder's phone.
      if (identity.claims.holderKey !== signer.publicJwk.x) return 'refused';
      const kept: KeptCertificate = {
        certificate: body.certificate,
        statusUri: typeof body.statusUri === 'string' ? body.statusUri : identity.claims.status.uri,
        token,
      };
      await this.env.store.set('certificate', kept);
      this.kept = kept;
      this.current = identity;
      this.shown = undefined;
      return 'enrolled';
    } catch {
      return 'refused';
    }
  }

  /** Forgets the certificate (the token was removed). */
  async forget(): Promise<void> {
    this.kept = undefined;
    this.current = undefined;
    this.shown = undefined;
    await this.env.store.delete('certificate');
  }

  /** The request on screen while it can be answered; undefined when none, expired or used up. */
  activeRequest(nowMs: number): ShownRequest | undefined {
    const shown = this.shown;
    if (shown === undefined || this.used || nowMs / 1000 > shown.answerBy) return undefined;
    if (this.standing !== 'valid') return undefined;
    return shown;
  }

  /**
   * The request last made, even when expired or answered: an answer scanned again is checked
   * against it, and refused as used.
   */
  get lastRequest(): ShownRequest | undefined {
    return this.shown;
  }

  /**
   * Makes a new request: the role's own purpose, or `custom` with groups within the
   * certificate's `may`. It replaces any request shown before.
   * @throws {Error} without a certificate; {CertificateWithdrawnError} when its status entry says
   * the device was revoked or suspended; {RangeError} for groups the certificate does not allow.
   */
  async makeRequest(
    nowMs: number,
    purpose: Purpose,
    groups?: readonly number[],
  ): Promise<ShownRequest> {
    const identity = this.current;
    if (identity === undefined) throw new Error('no certificate: enrol the device first');
    const standing = this.standing;
    if (standing !== 'valid')
      throw new CertificateWithdrawnError(
        standing === 'revoked' ? 'ERR_DEVICE_REVOKED' : 'ERR_DEVICE_SUSPENDED',
      );
    const { claims } = identity;
    if (purpose === 'custom') {
      const beyond = (groups ?? []).filter((g) => !claims.may.includes(g as GroupIndex));
      if (groups === undefined || groups.length === 0 || beyond.length > 0)
        throw new RangeError(
          `groups: expected some of ${claims.may.join(',')}, found ${(groups ?? []).join(',') || 'none'}`,
        );
    } else if (purpose !== claims.role || !ownPurposeAllowed(claims))
      throw new RangeError(`purpose: expected ${claims.role} or custom, found ${purpose}`);
    const signer = await this.env.deviceSigner();
    const sorted = purpose === 'custom' ? [...new Set(groups)].sort((a, b) => a - b) : undefined;
    const made = await createRequest(identity.certificate, signer, {
      now: new Date(nowMs),
      purpose,
      ...(sorted === undefined ? {} : { groups: sorted }),
    });
    this.shown = {
      text: made.text,
      nonce: made.nonce,
      iat: made.iat,
      audience: identity.audience,
      purpose,
      groups: (sorted ?? PURPOSES[purpose].groups ?? []) as GroupIndex[],
      answerBy: made.iat + REQUEST_MAX_AGE,
    };
    this.used = false;
    return this.shown;
  }

  /** The nonces accepted in the last ten minutes. */
  async answered(nowMs: number): Promise<Set<string>> {
    return new Set((await this.keptAnswered(nowMs)).map((a) => a.nonce));
  }

  /** A valid answer came for `nonce`: it is kept as used, and its request is used up. */
  async accept(nonce: string, nowMs: number): Promise<void> {
    const kept = await this.keptAnswered(nowMs);
    kept.push({ nonce, at: nowMs });
    await this.env.store.set('answered', kept);
    if (this.shown?.nonce === nonce) this.used = true;
  }

  private async keptAnswered(nowMs: number): Promise<Answered[]> {
    const kept = (await this.env.store.get<Answered[]>('answered')) ?? [];
    return kept.filter(
      (a) =>
        typeof a.nonce === 'string' &&
        typeof a.at === 'number' &&
        nowMs - a.at <= ANSWERED_KEEP_S * 1000,
    );
  }
}

/** The group names of `groups`, in order. */
export const groupNames = (groups: readonly GroupIndex[]) => groups.map((g) => GROUP_NAMES[g]);
