import type { Generated } from 'kysely';

/*
 * The tables (migrations/ create them). Times are integer seconds since the epoch, so that both
 * engines store and compare them the same way; JSON is text; binary is BLOB / bytea.
 */

/** The licence registry: one row per licence, the record as the model validated it. */
export interface LicenceTable {
  licence_number: string;
  /** The LicenceRecord as JSON. */
  record: string;
  /** Copies of record.status and record.issuingAuthority, for queries and partitioning. */
  status: string;
  issuing_authority: string;
  /** SHA-256 (base64url) of the registry photo when it holds a compliant one. */
  portrait_hash: string | null;
  version: number;
  /** When the record or the portrait last changed: a credential signed before it is out of date. */
  updated_at: number;
}

/**
 * A driver's account: a phone number and a password, holding at most one licence, and that only
 * after a one-time code to the phone and a real-person check (accounts/bind-licence.ts).
 */
export interface DriverTable {
  id: Generated<number>;
  /** The licence the account holds; null before binding, or after another account took it over. */
  licence_number: string | null;
  /** Unique: names the account at sign-in and recovery. */
  phone: string;
  password_hash: string;
  created_at: number;
  /** When the licence was bound; null while none is. */
  bound_at: Generated<number | null>;
  /** The real-person check that bound it ({@link BindingCheck} as JSON); null before 007. */
  binding_check: Generated<string | null>;
}

/** What is kept of the real-person check that bound a licence, for reviewers. */
export interface BindingCheck {
  readonly outcome: 'match';
  readonly score: number;
  readonly providerRef: string;
  readonly at: number;
}

/** Why a one-time code was sent. */
export type PhoneCodePurpose = 'binding' | 'recovery' | 'phone_change';

/** A one-time code sent by SMS; only its hash is kept. */
export interface PhoneCodeTable {
  id: Generated<number>;
  phone: string;
  purpose: PhoneCodePurpose;
  /** SHA-256 (base64url) of the phone, purpose and code. */
  code_hash: string;
  sent_at: number;
  expires_at: number;
  /** Wrong codes tried against it; at the limit it is spent. */
  attempts: number;
  passed_at: number | null;
}

/** The licence an account asked to bind, until the real-person check passes. */
export interface BindingClaimTable {
  driver_id: number;
  licence_number: string;
  /** When the code sent to the account's phone was entered right. */
  code_passed_at: number | null;
  created_at: number;
}

/** A password reset under way: its code was entered; the token (hash kept) finishes it. */
export interface AccountResetTable {
  token_hash: string;
  driver_id: number;
  expires_at: number;
  created_at: number;
}

/** A member of staff: reviewer or admin. */
export interface StaffTable {
  id: Generated<number>;
  username: string;
  role: 'reviewer' | 'admin';
  password_hash: string;
  created_at: number;
  /** When an admin disabled the account; null while it may sign in (migration 011). */
  disabled_at: Generated<number | null>;
}

/**
 * Failed sign-ins under one sign-in name (a licence number, a phone number, a staff username),
 * whether or not an account has it; keyed by a hash of the kind and the name
 * (accounts/sign-in-failures.ts).
 */
export interface SignInFailureTable {
  name_hash: string;
  /** Failures in a row since the last success or lock. */
  failures: number;
  /** When the lock ends; 0 when the name was never locked. */
  locked_until: number;
  last_failure_at: number;
}

/** A signed-in session; the cookie holds the token, the table only its SHA-256. */
export interface SessionTable {
  token_hash: string;
  subject: 'driver' | 'staff';
  subject_id: number;
  role: 'driver' | 'reviewer' | 'admin';
  csrf_token: string;
  created_at: number;
  expires_at: number;
}

/** A holder device key registered by a driver. */
export interface DeviceTable {
  id: Generated<number>;
  driver_id: number;
  /** The Ed25519 public key, base64url (JWK x). */
  public_key: string;
  created_at: number;
  revoked_at: number | null;
}

/** A status list: 2 bits per entry, indices handed out once and never again. */
export interface StatusListTable {
  id: number;
  next_index: number;
  capacity: number;
  /** The packed statuses (Token Status List §4.1), `capacity` entries. */
  statuses: Uint8Array;
  version: number;
  updated_at: number;
  /** The signed token of `token_version`, reused until the list changes. */
  token: string | null;
  token_version: number;
  token_iat: number;
}

/**
 * An issued credential. `slot` ties the successive credentials of one licence on one device:
 * they share a status index; a new slot (and index) begins when the old one is superseded.
 */
export interface CredentialTable {
  jti: string;
  licence_number: string;
  device_id: number;
  list_id: number;
  status_index: number;
  kid: string;
  issued_at: number;
  expires_at: number;
  /** `live` for the latest credential of a live slot; at most one per licence. */
  state: 'live' | 'refreshed' | 'superseded' | 'revoked';
  /** Client-chosen key that makes a retried issuance return the same credential. */
  idempotency_key: string | null;
  /** The compact JWS. */
  credential: string;
  /**
   * The holder's copy of a version 2 credential (FORMAT.md §8.4: the JWS, the seed of its salts,
   * the values): what the phone presents from. Null for a version 1 credential (before 009).
   */
  holder_copy: string | null;
}

/** The issuer's signing keys; the private part lives in a file, never in the database. */
export interface IssuerKeyTable {
  kid: string;
  public_jwk: string;
  created_at: number;
  /** Set when a newer key took over signing. */
  retired_at: number | null;
  /** The latest `exp` of any credential this key signed. */
  last_expiry: number;
}

/** Append-only: who did what to which subject, with the state before and after. */
export interface AuditTable {
  id: Generated<number>;
  at: number;
  actor: string;
  action: string;
  subject: string;
  before: string | null;
  after: string | null;
}

/** A browser's Web Push subscription (RFC 8030), owned by a driver. */
export interface PushSubscriptionTable {
  id: Generated<number>;
  driver_id: number;
  /** The push service's capability URL for this browser: log its origin only. */
  endpoint: string;
  /** The browser's P-256 public key, uncompressed point, base64url (RFC 8291 §3.1). */
  p256dh: string;
  /** The 16-byte authentication secret, base64url (RFC 8291 §3.2). */
  auth: string;
  created_at: number;
  /** Consecutive failed notifications; reset by a success. */
  failures: number;
  last_failure_at: number | null;
}

/** The application's path to a photo (docs/DOMAIN.md §1.3): registry, phone camera, album. */
export type ApplicationPath = 'stored' | 'camera' | 'album';

/** The states of an application; issuer/application/transitions.ts says which moves are legal. */
export type ApplicationState =
  | 'draft'
  | 'identity_pending'
  | 'identity_failed'
  | 'abandoned'
  | 'submitted'
  | 'approved'
  | 'rejected'
  | 'issued';

/** A driver's application for an e-licence. */
export interface ApplicationTable {
  id: Generated<number>;
  driver_id: number;
  licence_number: string;
  path: ApplicationPath;
  state: ApplicationState;
  /** SHA-256 (base64url) of `photo`, or of the registry photo on the stored path. */
  photo_hash: string | null;
  /** The pre-checked photo, re-encoded JPEG without metadata (camera and album paths). */
  photo: Uint8Array | null;
  /** The pre-check report as JSON (width, height). */
  precheck: string | null;
  submitted_at: number | null;
  /** When the review is due: one working day after submission. */
  deadline: number | null;
  decided_at: number | null;
  reviewer_id: number | null;
  /** Why the reviewer rejected the photo. */
  reason: string | null;
  created_at: number;
  updated_at: number;
}

/** A notice kept for the driver, shown in the app whether or not a push arrived. */
export interface InboxTable {
  id: Generated<number>;
  driver_id: number;
  at: number;
  kind: string;
  title: string;
  body: string;
  read_at: number | null;
}

/** Where a portrait came from: set by an admin, or the photo of an issued application. */
export type PortraitSource = 'registry' | 'application';

/** The current portrait of a licence: the image a credential's `ph` is the SHA-256 of. */
export interface PortraitTable {
  licence_number: string;
  /** JPEG, re-encoded by the pre-check, without metadata. */
  photo: Uint8Array;
  /** SHA-256 (base64url) of `photo`; equal to `licences.portrait_hash`. */
  hash: string;
  source: PortraitSource;
  updated_at: number;
}

/** A police verifier device, allowed to fetch portraits with its bearer token. */
export interface VerifierDeviceTable {
  id: Generated<number>;
  name: string;
  /** SHA-256 (base64url) of the token; the token is shown once and never stored. */
  token_hash: string;
  /** The admin (staff id) who registered it. */
  created_by: number;
  created_at: number;
  revoked_at: number | null;
  /** The organisation a holder reads; null: the authority's configured name (a police device). */
  org: string | null;
  /** police, rental, insurance, employer or age (shared/request/certificate.ts ROLES). */
  role: string;
  /** The groups it may ask for, indices comma-separated; null: all of its role's. */
  may: string | null;
  /** Its entry in a verifier status list, from its first enrolment on. */
  status_list_id: number | null;
  status_index: number | null;
  /** Its last enrolment: the key's RFC 7638 thumbprint, when, and its certificate's `exp`. */
  key_thumbprint: string | null;
  enrolled_at: number | null;
  certificate_expires_at: number | null;
}

export interface Database {
  licences: LicenceTable;
  drivers: DriverTable;
  phone_codes: PhoneCodeTable;
  binding_claims: BindingClaimTable;
  account_resets: AccountResetTable;
  staff: StaffTable;
  sign_in_failures: SignInFailureTable;
  sessions: SessionTable;
  devices: DeviceTable;
  status_lists: StatusListTable;
  credentials: CredentialTable;
  issuer_keys: IssuerKeyTable;
  audit_log: AuditTable;
  push_subscriptions: PushSubscriptionTable;
  applications: ApplicationTable;
  inbox: InboxTable;
  portraits: PortraitTable;
  verifier_devices: VerifierDeviceTable;
  /** The verifier status lists: as `status_lists`, one entry per enrolled verifier device. */
  verifier_status_lists: StatusListTable;
}
