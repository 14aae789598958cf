/*
 * A driver's enrolment over HTTP, as the app makes it: register (phone, password and the licence
 * to bind), sign in by phone, enter the code the development SMS adapter kept, pass the
 * development real-person check. The client ends signed in, holding the licence.
 */
import { expect } from 'vitest';
import type { DevIdentityCheck } from '../../issuer/application/identity-check-dev.js';
import type { DevSms } from '../../issuer/sms/sms-dev.js';
import type { Client, TestService } from './harness.js';
import { SELFIE } from './photos.js';

/** What a registration sends. */
export interface Enrolment {
  readonly licenceNumber: string;
  readonly name: string;
  readonly phone: string;
  readonly password: string;
}

/** The service's development SMS adapter, whose codes the tests read. */
export function devSms(service: Pick<TestService, 'deps'>): DevSms {
  const sms = service.deps.sms as DevSms;
  if (sms.name !== 'development') throw new Error('expected the development SMS adapter');
  return sms;
}

/** The service's development real-person check, whose outcomes the tests choose. */
export function devIdentityCheck(service: Pick<TestService, 'deps'>): DevIdentityCheck {
  const check = service.deps.identityCheck as DevIdentityCheck;
  if (check.name !== 'development') throw new Error('expected the development identity check');
  return check;
}

/** The code last sent to `phone`. */
export function lastCode(service: Pick<TestService, 'deps'>, phone: string): string {
  const code = devSms(service).lastCode(phone);
  if (code === undefined) throw new Error(`no code was sent to ${phone}`);
  return code;
}

/** Signs `client` in by phone number. */
export async function signInByPhone(client: Client, phone: string, password: string) {
  const reply = await client.post<{ csrfToken: string }>('/api/session', {
    kind: 'phone',
    phone,
    password,
  });
  expect(reply.status).toBe(200);
  client.csrfToken = reply.body.csrfToken;
  return reply;
}

/**
 * Registers, signs in by phone, enters the code and passes the check: the account holds the
 * licence. @returns the account's id and whether it took the licence over from another.
 */
export async function enrol(
  service: Pick<TestService, 'deps'>,
  client: Client,
  who: Enrolment,
): Promise<{ driverId: number; takenOver: boolean }> {
  const registered = await client.post<{ driverId: number }>('/api/drivers', who);
  expect(registered.status).toBe(201);
  await signInByPhone(client, who.phone, who.password);
  const code = await client.post('/api/me/binding/code', { code: lastCode(service, who.phone) });
  expect(code.status).toBe(200);
  const check = await client.post<{ takenOver: boolean }>('/api/me/binding/check', {
    selfie: SELFIE,
  });
  expect(check.status).toBe(200);
  return { driverId: registered.body.driverId, takenOver: check.body.takenOver };
}
