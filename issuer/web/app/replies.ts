/*
 * The shape of every answer the driver's app reads from the service, in one place (the routes
 * under /api/me, /api/session and /api/push).
 */
import type { Kept } from './store.js';

/** How a photo reaches the application. */
export type Path = 'stored' | 'camera' | 'album';

/** The session just opened (POST /api/session). */
export interface Session {
  readonly role: string;
}

/** The driver signed in (GET /api/me). */
export interface Me {
  readonly driverId: number;
}

/** The driver's latest application (GET /api/me/application); times in seconds. */
export interface Application {
  readonly id: number;
  readonly path: Path;
  readonly state: string;
  readonly deadline: number | null;
  /** The deadline was counted past the service's working calendar (Monday to Friday). */
  readonly deadlineProvisional: boolean;
  readonly reason: string | null;
}

/** The ways open to the driver now (GET /api/me/application/paths). */
export interface Offer {
  readonly paths: Path[];
  readonly photoChange: boolean;
  readonly notBefore: number | null;
  /** Why no path is offered: the licence may not have an e-licence now. */
  readonly refusal?: { readonly reason: string };
}

/** A device registered (POST /api/me/devices). */
export interface Registered {
  readonly deviceId: number;
}

/** The account's devices (GET /api/me/devices). */
export interface Devices {
  readonly devices: readonly { readonly deviceId: number; readonly publicKey: string }[];
}

/** A credential issued to a device (POST /api/me/devices/:id/credential). */
export interface Issued {
  readonly credential: string;
  readonly jti: string;
  readonly expiresAt: number;
}

/** The account's live credential and the device it is on (GET /api/me/credential). */
export type LiveCredential = Issued & { readonly deviceId: number };

/** The licence's status now (GET /api/me/licence). */
export type LicenceStatus = Omit<Kept['status'], 'at'>;

/** One notice of the inbox (GET /api/me/inbox); times in seconds. */
export interface InboxEntry {
  readonly id: number;
  readonly at: number;
  readonly title: string;
  readonly body: string;
  readonly readAt: number | null;
}

/** The service's Web Push key (GET /api/push/key). */
export interface PushKey {
  readonly publicKey: string;
}
