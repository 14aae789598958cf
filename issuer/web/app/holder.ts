/*
 * The holder's side of the credential: the device key registered with the service, the
 * credential fetched and refreshed with it, the licence's current status and the portrait, each
 * kept on the phone so that the licence page works offline.
 */
import { api, ApiError } from '../common/api.js';
import { LicenceError } from '../../../shared/errors.js';
import { parseHolderCopy } from '../../../shared/sd/credential-v2.js';
import { refreshAuthority } from './authority.js';
import { heldOf } from './held.js';
import { deviceKeyPair, publicKeyX } from './device-key.js';
import { serviceNow } from './phone-clock.js';
import { forget, keep, load, type Kept } from './store.js';
import type { Devices, Issued, LicenceStatus, LiveCredential, Registered } from './replies.js';

/** The device of this phone, registered with the service once for `account`. */
export async function ensureDevice(account: string): Promise<number> {
  const pair = await deviceKeyPair();
  const publicKey = await publicKeyX(pair);
  const kept = await load('device');
  if (kept?.publicKey === publicKey && kept.account === account) return kept.deviceId;
  let deviceId: number;
  try {
    ({ deviceId } = await api<Registered>('POST', '/api/me/devices', {
      json: { publicKey },
    }));
  } catch (error) {
    if (!(error instanceof ApiError && error.code === 'ERR_DEVICE_EXISTS')) throw error;
    const { devices } = await api<Devices>('GET', '/api/me/devices');
    const found = devices.find((d) => d.publicKey === publicKey);
    if (found === undefined) throw error;
    deviceId = found.deviceId;
  }
  await keep('device', { deviceId, publicKey, account });
  return deviceId;
}

/**
 * Asks for the credential of this device and keeps it: the e-licence moves here if another
 * phone of the account held it (that one's is superseded).
 */
export async function fetchCredential(deviceId: number): Promise<void> {
  const ask = (id: number) => api<Issued>('POST', `/api/me/devices/${id}/credential`);
  let issued: Issued;
  try {
    issued = await ask(deviceId);
  } catch (error) {
    // 404: this phone's device was retired (later phones of the account took its place). It
    // registers its key again, which brings it back, and asks once more.
    const kept = await load('device');
    if (!(error instanceof ApiError && error.status === 404) || kept === undefined) throw error;
    await forget('device');
    issued = await ask(await ensureDevice(kept.account));
  }
  // The copy is checked before it replaces anything: every digest against the signed sd, the
  // values by the licence rules, and its credential the one the reply names.
  if (parseHolderCopy(issued.holderCopy).credential !== issued.credential)
    throw new LicenceError(
      'ERR_MALFORMED',
      'holder copy: expected the credential of the reply, found another',
    );
  await keep('credential', {
    text: issued.credential,
    jti: issued.jti,
    refreshedAt: serviceNow(),
    holderCopy: issued.holderCopy,
  });
  await forget('movedAway');
}

/** Reads the licence status now and keeps it. */
export async function fetchStatus(): Promise<Kept['status']> {
  const status = await api<LicenceStatus>('GET', '/api/me/licence');
  const kept = { ...status, at: serviceNow() };
  await keep('status', kept);
  return kept;
}

/** Fetches the portrait when the credential names another one than the phone keeps. */
export async function fetchPortrait(wanted: string | undefined): Promise<void> {
  if (wanted === undefined) return;
  const kept = await load('portrait');
  if (kept?.hash === wanted) return;
  const blob = await api<Blob>('GET', '/api/me/portrait');
  await keep('portrait', { blob, hash: wanted });
}

/**
 * Brings what the phone keeps up to date, online: the status; the credential (the service
 * answers with the one the phone has while it is current, and signs a new one after any change
 * of the licence — status, points, dates, photo —, a new issuer key, or a day); the portrait.
 * When the e-licence is live on another phone of the account, this one does not take it back
 * (two phones would take it from each other at every refresh): it notes `movedAway`, and the
 * driver decides. A licence that may not be used keeps its old credential: the verifier sees
 * the status list, and the QR turns red here.
 * @returns whether the credential, or where it lives, changed.
 */
export async function refreshAll(): Promise<boolean> {
  // The session first: a 401 here means signing in again; a 200 brings the CSRF token.
  await api('GET', '/api/me');
  await fetchStatus();
  // The authority's keys and the verifier lists, for 扫码出示 offline; what was kept stays on failure.
  await refreshAuthority().catch(() => undefined);
  const kept = await load('credential');
  const device = await load('device');
  if (device === undefined) return false;
  let changed = false;
  const live = await api<LiveCredential>('GET', '/api/me/credential').catch((error: unknown) => {
    if (error instanceof ApiError && error.status === 404) return undefined;
    throw error;
  });
  const away = (await load('movedAway')) !== undefined;
  if (live !== undefined && live.deviceId !== device.deviceId) {
    if (!away) await keep('movedAway', { at: serviceNow() });
    return !away;
  }
  try {
    await fetchCredential(device.deviceId);
    const fetched = await load('credential');
    // A version 1 credential replaced by a holder's copy changes what the page offers, even
    // were the jti the same.
    changed =
      away ||
      fetched?.jti !== kept?.jti ||
      (fetched?.holderCopy === undefined) !== (kept?.holderCopy === undefined);
  } catch (error) {
    if (!(error instanceof ApiError && error.code === 'ERR_LICENCE_NOT_USABLE')) throw error;
  }
  const now = await load('credential');
  if (now !== undefined) await fetchPortrait(heldOf(now).portraitHash).catch(() => undefined);
  return changed;
}
