/*
 * The shape of every answer the driver's app reads from the service, in one place (the routes
 * under /api/me, /api/session and /api/push): the types of the service's reply schemas, or the
 * part of one the app reads.
 */
import type {
  AccountReply,
  BindingStateReply,
  ResetCodeReply,
  SignInReply,
} from '../../accounts/replies.js';
import type { ApplicationReply, InboxEntryReply, PathsReply } from '../../application/replies.js';
import type {
  CredentialReply,
  DevicesReply,
  IssuedCredentialReply,
  RegisteredDeviceReply,
} from '../../credentials/replies.js';
import type { LicenceReply } from '../../driver/replies.js';
import type { PushKeyReply } from '../../notify/replies.js';

/** How a photo reaches the application. */
export type Path = ApplicationReply['path'];

/** The session just opened (POST /api/session). */
export type Session = SignInReply;

/** The driver signed in (GET /api/me); `licenceNumber` masked, null while it holds none. */
export type Me = Extract<AccountReply, { subject: 'driver' }>;

/** Where binding the licence stands (GET /api/me/binding). */
export type Binding = BindingStateReply;

/** A recovery code entered (POST /api/password-reset/code). */
export type ResetCode = ResetCodeReply;

/** The driver's latest application (GET /api/me/application); times in seconds. */
export type Application = ApplicationReply;

/** The ways open to the driver now (GET /api/me/application/paths). */
export type Offer = PathsReply;

/** A device registered (POST /api/me/devices). */
export type Registered = RegisteredDeviceReply;

/** The account's devices (GET /api/me/devices). */
export type Devices = DevicesReply;

/**
 * A credential issued to a device (POST /api/me/devices/:id/credential), with the holder's copy
 * (FORMAT.md §8.4) the phone keeps and makes its codes from.
 */
export type Issued = IssuedCredentialReply;

/** The account's live credential and the device it is on (GET /api/me/credential). */
export type LiveCredential = CredentialReply;

/** The licence's status now (GET /api/me/licence). */
export type LicenceStatus = LicenceReply;

/** One notice of the inbox (GET /api/me/inbox); times in seconds. */
export type InboxEntry = InboxEntryReply;

/** The service's Web Push key (GET /api/push/key). */
export type PushKey = PushKeyReply;
