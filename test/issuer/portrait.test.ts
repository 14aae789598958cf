/*
 * The portrait over HTTP, on both engines: an admin sets registry photos and registers police
 * verifier devices; a device fetches the portrait of the licence a driver presents, with the
 * driver's fresh QR as consent; every refusal with its exact code, every access in the audit log.
 */
import { createHash, randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession } from '../../issuer/http/session.js';
import { demoPortrait } from '../../issuer/demo/demo-portrait.js';
import { PORTRAIT_REQUESTS_PER_MINUTE } from '../../issuer/portraits/routes.js';
import type { LicenceRecord } from '../../shared/licence/record.js';
import { createPresentation } from '../../shared/create-presentation.js';
import { createJwkSigner, generateKeyPair } from '../../shared/node/keys.js';
import { createRequest } from '../../shared/request/request.js';
import {
  createPresentationV2,
  type PresentationOptionsV2,
} from '../../shared/sd/presentation-v2.js';
import { signCredential } from '../../issuer/sign-credential.js';
import { parseHolderCopy } from '../../shared/sd/credential-v2.js';
import {
  ISSUER,
  addDevice,
  insertDriver,
  insertLicence,
  insertSession,
  insertStaff,
  issue,
  presentAndVerify,
  SessionClient,
  syntheticLicence,
  type IssuedBody,
  type TestDevice,
  type TestDriver,
  uploadPhoto,
} from './fixtures.js';
import { ENGINES, startService, type TestService } from './harness.js';

/** Tuesday 10 March 2026, 10:00 in China: a working day. */
const NOW = Date.UTC(2026, 2, 10, 2, 0, 0) / 1000;

/** A selfie: any JPEG will do for the development identity check. */
const SELFIE = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1]).toString(
  'base64',
);

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('base64url');

interface Problem {
  readonly code: string;
  readonly verdict?: string;
  readonly failures?: readonly { rule: string }[];
}

/** A JSON answer: its status and body. */
interface JsonReply<T> {
  readonly status: number;
  readonly body: T;
}

/** A signed-in admin: cookie and CSRF token, as sign-in would give them. */
interface Admin {
  readonly id: number;
  request(method: string, path: string, body?: BodyInit, type?: string): Promise<Response>;
  json<T = unknown>(method: string, path: string, body?: unknown): Promise<JsonReply<T>>;
}

async function newAdmin(service: TestService): Promise<Admin> {
  const id = await insertStaff(service.deps.db, service.now(), {
    username: `admin-${randomBytes(4).toString('hex')}`,
    role: 'admin',
  });
  const { cookie, csrfToken } = await createSession(
    service.deps.db,
    { subject: 'staff', subjectId: id, role: 'admin' },
    service.now(),
    3600,
  );
  const request = (method: string, path: string, body?: BodyInit, type?: string) =>
    fetch(new URL(path, service.url), {
      method,
      headers: {
        cookie,
        'x-csrf-token': csrfToken,
        ...(type === undefined ? {} : { 'content-type': type }),
      },
      ...(body === undefined ? {} : { body }),
    });
  return {
    id,
    request,
    async json<T = unknown>(method: string, path: string, body?: unknown): Promise<JsonReply<T>> {
      const reply = await request(
        method,
        path,
        body === undefined ? undefined : JSON.stringify(body),
        body === undefined ? undefined : 'application/json',
      );
      return { status: reply.status, body: (await reply.json()) as T };
    },
  };
}

/** A driver with a licence in the registry and a session, who has not applied yet. */
async function newApplicant(service: TestService, licence: LicenceRecord): Promise<TestDriver> {
  const { db } = service.deps;
  await insertLicence(db, licence, service.now());
  const driverId = await insertDriver(db, licence.licenceNumber, service.now());
  const { cookie, csrfToken } = await insertSession(db, driverId, service.now());
  return { driverId, licence, http: new SessionClient(service.url, cookie, csrfToken) };
}

describe.each(ENGINES)('the portrait on %s', (engine) => {
  let service: TestService;
  let admin: Admin;
  let serial = 9100;
  let photos: Buffer[];

  beforeAll(async () => {
    service = await startService(engine, { now: NOW });
    admin = await newAdmin(service);
    photos = await Promise.all([0, 1, 2].map((seed) => demoPortrait(seed)));
  });
  afterAll(async () => {
    await service.close();
  });

  const photo = (i: number) => photos[i] ?? Buffer.alloc(0);

  const setPhoto = (licenceNumber: string, bytes: Uint8Array, type = 'image/jpeg') =>
    admin.request(
      'PUT',
      `/api/registry/licences/${licenceNumber}/photo`,
      new Uint8Array(bytes),
      type,
    );

  const registerDevice = async (name = 'Checkpoint 3, handset 12') => {
    const reply = await admin.json<{ id: number; name: string; token: string }>(
      'POST',
      '/api/admin/verifier-devices',
      { name },
    );
    expect(reply.status).toBe(201);
    return reply.body;
  };

  const askPortrait = (token: string | undefined, body: unknown, headers = {}) =>
    fetch(new URL('/api/verifier/portrait', service.url), {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
        ...headers,
      },
      body: JSON.stringify(body),
    });

  /** The portrait hash the service signed: `ph` of the holder group in the holder's copy. */
  const phOf = (issued: IssuedBody) => {
    const { ph } = parseHolderCopy(issued.holderCopy).values[0];
    if (ph === undefined) throw new Error('the credential carries no portrait hash');
    return ph;
  };

  /** The QR the phone shows, made from its holder's copy (for the police unless told). */
  const present = (
    issued: IssuedBody,
    device: TestDevice,
    at = service.now(),
    options: Pick<PresentationOptionsV2, 'purpose' | 'groups' | 'nonce' | 'audience'> = {},
  ) =>
    createPresentationV2(issued.holderCopy, device.signer, {
      ...options,
      now: new Date(at * 1000),
    });

  /** A driver whose registry photo is set, e-licence issued on the stored path, credential in hand. */
  const holder = async (photoIndex = 0) => {
    const d = await newApplicant(service, syntheticLicence(serial++));
    expect((await setPhoto(d.licence.licenceNumber, photo(photoIndex))).status).toBe(200);
    expect((await d.http.post('/api/me/application', { path: 'stored' })).status).toBe(201);
    const confirmed = await d.http.post('/api/me/application/confirm-stored', { selfie: SELFIE });
    expect(confirmed.status, confirmed.text).toBe(200);
    const device = await addDevice(d);
    const issued = await issue(d, device);
    return { driver: d, device, issued };
  };

  const accessLog = async (deviceId: number) =>
    (
      await service.deps.db.kysely
        .selectFrom('audit_log')
        .select(['subject', 'after'])
        .where('actor', '=', `verifier-device:${deviceId}`)
        .where('action', '=', 'portrait.access')
        .orderBy('id', 'asc')
        .execute()
    ).map((r) => ({ subject: r.subject, ...(JSON.parse(r.after ?? '{}') as object) }));

  /** Asserts that the one portrait request of the device was refused with `code`. */
  const expectOneRefusal = async (
    deviceId: number,
    licenceNumber: string,
    code: string,
    jti: string,
  ) => {
    expect(await accessLog(deviceId)).toEqual([
      { subject: licenceNumber, outcome: 'refused', code, jti },
    ]);
  };

  it('when an admin sets a registry photo, then the stored path is offered and the change audited', async () => {
    const d = await newApplicant(service, syntheticLicence(serial++));
    expect((await d.http.get('/api/me/application/paths')).body).toMatchObject({
      paths: ['camera', 'album'],
    });
    const reply = await setPhoto(d.licence.licenceNumber, photo(0));
    expect(reply.status).toBe(200);
    expect(reply.headers.get('cache-control')).toBe('no-store');
    const { portraitHash } = (await reply.json()) as { portraitHash: string };
    expect(portraitHash).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await d.http.get('/api/me/application/paths')).body).toMatchObject({
      paths: ['stored', 'camera', 'album'],
    });
    const audit = await admin.json<{
      entries: { actor: string; action: string; after: unknown }[];
    }>('GET', `/api/audit?subject=${d.licence.licenceNumber}`);
    expect(audit.body.entries).toContainEqual(
      expect.objectContaining({
        actor: `staff:${admin.id}`,
        action: 'licence.photo',
        before: { portraitHash: null },
        after: expect.objectContaining({ portraitHash, source: 'registry' }) as unknown,
      }),
    );
  });

  it('when the registry photo fails the pre-check, then 422 ERR_PHOTO_REJECTED and nothing is stored', async () => {
    const d = await newApplicant(service, syntheticLicence(serial++));
    const thumbnail = await sharp({
      create: { width: 120, height: 160, channels: 3, background: { r: 250, g: 250, b: 250 } },
    })
      .jpeg()
      .toBuffer();
    const reply = await setPhoto(d.licence.licenceNumber, thumbnail);
    expect(reply.status).toBe(422);
    const body = (await reply.json()) as Problem;
    expect(body.code).toBe('ERR_PHOTO_REJECTED');
    expect(body.failures?.map((f) => f.rule)).toEqual(['file_size', 'dimensions']);
    expect((await d.http.get('/api/me/application/paths')).body).toMatchObject({
      paths: ['camera', 'album'],
    });
  });

  it('when the registry photo is not an image type or names no licence, then 415 and 404', async () => {
    const d = await newApplicant(service, syntheticLicence(serial++));
    const wrongType = await setPhoto(d.licence.licenceNumber, photo(0), 'text/plain');
    expect(wrongType.status).toBe(415);
    expect(((await wrongType.json()) as Problem).code).toBe('ERR_UNSUPPORTED_MEDIA_TYPE');
    const unknown = await setPhoto(syntheticLicence(serial++).licenceNumber, photo(0));
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as Problem).code).toBe('ERR_NOT_FOUND');
  });

  it('when a registered device sends a fresh presentation, then it gets the portrait whose SHA-256 is ph', async () => {
    const { driver, device, issued } = await holder(0);
    const verifier = await registerDevice();
    expect(verifier.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const reply = await askPortrait(verifier.token, {
      presentation: await present(issued, device),
    });
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toBe('image/jpeg');
    expect(reply.headers.get('cache-control')).toBe('no-store');
    const bytes = new Uint8Array(await reply.arrayBuffer());
    // ph as a verifier reads it from the credential.
    const report = await presentAndVerify(service.url, service.now(), issued, device);
    expect(report.valid).toBe(true);
    const ph = report.credential?.portraitHash;
    expect(ph).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(sha256(bytes)).toBe(ph);
    expect(await accessLog(verifier.id)).toEqual([
      { subject: driver.licence.licenceNumber, outcome: 'granted', jti: issued.jti },
    ]);
  });

  it.each([
    ['a rental desk', { purpose: 'rental' }],
    ['an insurer', { purpose: 'insurance' }],
    ['a custom choice with the holder group', { purpose: 'custom', groups: [0] }],
  ] as const)(
    'when the presentation is for %s (the holder group shown), then the portrait',
    async (_who, options) => {
      const { driver, device, issued } = await holder(0);
      const verifier = await registerDevice();
      const reply = await askPortrait(verifier.token, {
        presentation: await present(issued, device, service.now(), options),
      });
      expect(reply.status).toBe(200);
      expect(sha256(new Uint8Array(await reply.arrayBuffer()))).toBe(phOf(issued));
      // The licence number was not shown: the credential's own record names the licence.
      expect(await accessLog(verifier.id)).toEqual([
        { subject: driver.licence.licenceNumber, outcome: 'granted', jti: issued.jti },
      ]);
    },
  );

  it.each([
    ['an age check', { purpose: 'age' }],
    ['a custom choice without the holder group', { purpose: 'custom', groups: [1, 4] }],
  ] as const)(
    'when the presentation is for %s (the holder group withheld), then 403 ERR_PORTRAIT_NOT_DISCLOSED, audited',
    async (_who, options) => {
      const { driver, device, issued } = await holder(0);
      const verifier = await registerDevice();
      const reply = await askPortrait(verifier.token, {
        presentation: await present(issued, device, service.now(), options),
      });
      expect(reply.status).toBe(403);
      expect(reply.headers.get('cache-control')).toBe('no-store');
      const body = (await reply.json()) as Problem & { detail: string };
      expect(body.code).toBe('ERR_PORTRAIT_NOT_DISCLOSED');
      expect(body.verdict).toBeUndefined();
      expect(body.detail).not.toContain(driver.licence.name);
      await expectOneRefusal(
        verifier.id,
        driver.licence.licenceNumber,
        'ERR_PORTRAIT_NOT_DISCLOSED',
        issued.jti,
      );
    },
  );

  it.each([
    ['an age-check device', { role: 'age', org: '某网吧' }],
    [
      'a rental device registered without the holder group',
      { role: 'rental', org: '某租车', may: [1] },
    ],
  ] as const)(
    'when %s asks, then 403 ERR_PORTRAIT_BEYOND_ROLE even for a police code that shows everything, audited',
    async (_who, body) => {
      const { device, issued } = await holder(0);
      const registered = await admin.json<{ id: number; token: string }>(
        'POST',
        '/api/admin/verifier-devices',
        { name: 'Counter 1', ...body },
      );
      expect(registered.status).toBe(201);
      const reply = await askPortrait(registered.body.token, {
        presentation: await present(issued, device),
      });
      expect(reply.status).toBe(403);
      expect(((await reply.json()) as Problem).code).toBe('ERR_PORTRAIT_BEYOND_ROLE');
      expect(await accessLog(registered.body.id)).toEqual([
        {
          subject: `verifier-device:${registered.body.id}`,
          outcome: 'refused',
          code: 'ERR_PORTRAIT_BEYOND_ROLE',
        },
      ]);
    },
  );

  it("when a code answers the device's own request, then the portrait with that request; without it, or with another device's, 403 with the code why", async () => {
    const { device, issued } = await holder(0);
    /** A registered device, its key enrolled: its certificate and a police request made with it. */
    const enrolledDevice = async () => {
      const registered = await registerDevice();
      const key = createJwkSigner(generateKeyPair().privateJwk);
      const enrolled = await fetch(new URL('/api/verifier/certificate', service.url), {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${registered.token}`,
        },
        body: JSON.stringify({ publicKey: key.publicJwk.x }),
      });
      expect(enrolled.status).toBe(200);
      const { certificate } = (await enrolled.json()) as { certificate: string };
      const request = await createRequest(certificate, key, {
        now: new Date(service.now() * 1000),
        purpose: 'police',
      });
      return { ...registered, certificate, request };
    };
    const police = await enrolledDevice();
    const other = await enrolledDevice();
    const answer = await present(issued, device, service.now(), {
      purpose: 'police',
      nonce: police.request.nonce,
      audience: sha256(new TextEncoder().encode(police.certificate)),
    });

    const withRequest = await askPortrait(police.token, {
      presentation: answer,
      request: police.request.text,
    });
    expect(withRequest.status).toBe(200);
    expect(sha256(new Uint8Array(await withRequest.arrayBuffer()))).toBe(phOf(issued));

    const refusals = [
      await askPortrait(police.token, { presentation: answer }),
      await askPortrait(police.token, { presentation: answer, request: other.request.text }),
      await askPortrait(other.token, { presentation: answer, request: other.request.text }),
      await askPortrait(police.token, { presentation: answer, request: 'LZQ1:x' }),
    ];
    const said = async (r: Response) => {
      const { code, verdict } = (await r.json()) as Problem;
      return [r.status, code, verdict];
    };
    expect(await Promise.all(refusals.map(said))).toEqual([
      [403, 'ERR_PRESENTATION_NOT_VALID', 'ERR_WRONG_VERIFIER'],
      [403, 'ERR_REQUEST_NOT_VALID', 'ERR_WRONG_VERIFIER'],
      [403, 'ERR_PRESENTATION_NOT_VALID', 'ERR_NONCE_MISMATCH'],
      [403, 'ERR_REQUEST_NOT_VALID', 'ERR_REQUEST_MALFORMED'],
    ]);
    expect(await accessLog(police.id)).toMatchObject([
      { outcome: 'granted' },
      { outcome: 'refused', code: 'ERR_WRONG_VERIFIER' },
      { outcome: 'refused', code: 'ERR_WRONG_VERIFIER' },
      { outcome: 'refused', code: 'ERR_REQUEST_MALFORMED' },
    ]);
  });

  it('when the presentation is of format version 1 (everything shown), then the portrait', async () => {
    const { driver, device, issued } = await holder(0);
    const verifier = await registerDevice();
    // A version 1 credential of the same slot, as the service issued before version 2.
    const v1 = await signCredential(
      {
        licence: driver.licence,
        holderKey: device.signer.publicJwk.x,
        issuer: ISSUER,
        status: { idx: issued.index, uri: `${ISSUER}/status/${issued.listId}` },
        portraitHash: phOf(issued),
        now: new Date(service.now() * 1000),
        validDays: 30,
        jti: issued.jti,
      },
      service.deps.keys.current(),
    );
    const reply = await askPortrait(verifier.token, {
      presentation: await createPresentation(v1, device.signer, {
        now: new Date(service.now() * 1000),
      }),
    });
    expect(reply.status).toBe(200);
    expect(sha256(new Uint8Array(await reply.arrayBuffer()))).toBe(phOf(issued));
  });

  it('when the body holds no presentation, then 422 ERR_VALIDATION', async () => {
    const verifier = await registerDevice();
    for (const body of [{}, { presentation: '' }, { presentation: 'x', extra: 1 }]) {
      const reply = await askPortrait(verifier.token, body);
      expect(reply.status).toBe(422);
      expect(((await reply.json()) as Problem).code).toBe('ERR_VALIDATION');
    }
  });

  it('when the proof is older than the window, then 403 ERR_PRESENTATION_NOT_VALID with ERR_PROOF_EXPIRED', async () => {
    const { driver, device, issued } = await holder(0);
    const verifier = await registerDevice();
    const presentation = await present(issued, device);
    // The verifier's window: 60 s, with 10 s of clock tolerance.
    service.advance(71);
    const reply = await askPortrait(verifier.token, { presentation });
    expect(reply.status).toBe(403);
    expect(reply.headers.get('cache-control')).toBe('no-store');
    const body = (await reply.json()) as Problem;
    expect(body).toMatchObject({
      code: 'ERR_PRESENTATION_NOT_VALID',
      verdict: 'ERR_PROOF_EXPIRED',
    });
    await expectOneRefusal(
      verifier.id,
      driver.licence.licenceNumber,
      'ERR_PROOF_EXPIRED',
      issued.jti,
    );
  });

  it('when the text is not a presentation, then 403 with the parse verdict, audited against the device', async () => {
    const verifier = await registerDevice();
    const reply = await askPortrait(verifier.token, { presentation: 'LZ1:not-a-qr' });
    expect(reply.status).toBe(403);
    const body = (await reply.json()) as Problem;
    expect(body.code).toBe('ERR_PRESENTATION_NOT_VALID');
    expect(body.verdict).toMatch(/^ERR_[A-Z_]+$/);
    expect(await accessLog(verifier.id)).toEqual([
      { subject: `verifier-device:${verifier.id}`, outcome: 'refused', code: body.verdict },
    ]);
  });

  it('when the device is unknown, revoked or sends no token, then 401 ERR_VERIFIER_DEVICE_UNKNOWN', async () => {
    const { device, issued } = await holder(0);
    const verifier = await registerDevice();
    const presentation = await present(issued, device);
    const refusals = [
      await askPortrait(undefined, { presentation }),
      await askPortrait(randomBytes(32).toString('base64url'), { presentation }),
      await askPortrait('not a token', { presentation }),
    ];
    const revoked = await admin.json<{ id: number; revokedAt: number }>(
      'POST',
      `/api/admin/verifier-devices/${verifier.id}/revoke`,
    );
    expect(revoked).toEqual({ status: 200, body: { id: verifier.id, revokedAt: service.now() } });
    refusals.push(await askPortrait(verifier.token, { presentation }));
    for (const reply of refusals) {
      expect(reply.status).toBe(401);
      expect(reply.headers.get('www-authenticate')).toBe('Bearer');
      expect(((await reply.json()) as Problem).code).toBe('ERR_VERIFIER_DEVICE_UNKNOWN');
    }
    // Refused before the presentation was read: nothing to audit against the device.
    expect(await accessLog(verifier.id)).toEqual([]);
  });

  it('when a signed-in client calls it with its cookie, then the session does not count', async () => {
    const { device, issued } = await holder(0);
    const verifier = await registerDevice();
    const presentation = await present(issued, device);
    const cookieOnly = await admin.request(
      'POST',
      '/api/verifier/portrait',
      JSON.stringify({ presentation }),
      'application/json',
    );
    expect(cookieOnly.status).toBe(401);
    expect(((await cookieOnly.json()) as Problem).code).toBe('ERR_VERIFIER_DEVICE_UNKNOWN');
    // A bearer request is not asked for a CSRF token, even with a stray cookie.
    const withCookie = await askPortrait(
      verifier.token,
      { presentation },
      { cookie: '__Host-lz_session=' + 'A'.repeat(43) },
    );
    expect(withCookie.status).toBe(200);
  });

  it('when the licence is suspended, then 403 ERR_PRESENTATION_NOT_VALID with ERR_SUSPENDED', async () => {
    const { driver, device, issued } = await holder(1);
    const verifier = await registerDevice();
    const suspended = await admin.json(
      'POST',
      `/api/registry/licences/${driver.licence.licenceNumber}/suspend`,
      {},
    );
    expect(suspended.status).toBe(200);
    const reply = await askPortrait(verifier.token, {
      presentation: await present(issued, device),
    });
    expect(reply.status).toBe(403);
    expect(await reply.json()).toMatchObject({
      code: 'ERR_PRESENTATION_NOT_VALID',
      verdict: 'ERR_SUSPENDED',
    });
    await expectOneRefusal(verifier.id, driver.licence.licenceNumber, 'ERR_SUSPENDED', issued.jti);
  });

  it('when the photo changed since the credential was issued, then 404 ERR_PORTRAIT_NOT_FOUND', async () => {
    const { driver, device, issued } = await holder(0);
    const verifier = await registerDevice();
    expect((await setPhoto(driver.licence.licenceNumber, photo(2))).status).toBe(200);
    const reply = await askPortrait(verifier.token, {
      presentation: await present(issued, device),
    });
    expect(reply.status).toBe(404);
    expect(((await reply.json()) as Problem).code).toBe('ERR_PORTRAIT_NOT_FOUND');
    // A credential issued now carries the new hash, and finds the new photo.
    const fresh = await issue(driver, device);
    const again = await askPortrait(verifier.token, { presentation: await present(fresh, device) });
    expect(again.status).toBe(200);
    expect(sha256(new Uint8Array(await again.arrayBuffer()))).toBe(
      (await presentAndVerify(service.url, service.now(), fresh, device)).credential?.portraitHash,
    );
    expect((await accessLog(verifier.id)).map((e) => e)).toEqual([
      {
        subject: driver.licence.licenceNumber,
        outcome: 'refused',
        code: 'ERR_PORTRAIT_NOT_FOUND',
        jti: issued.jti,
      },
      { subject: driver.licence.licenceNumber, outcome: 'granted', jti: fresh.jti },
    ]);
  });

  it('when an album photo is approved, then it becomes the portrait a device is shown', async () => {
    const d = await newApplicant(service, syntheticLicence(serial++));
    const reviewer = await newAdmin(service);
    expect((await d.http.post('/api/me/application', { path: 'album' })).status).toBe(201);
    const uploaded = await uploadPhoto(service.url, d, photo(1));
    expect(uploaded.status).toBe(200);
    const { id } = (await d.http.get<{ id: number }>('/api/me/application')).body;
    const approved = await reviewer.json('POST', `/api/review/applications/${id}/approve`, {});
    expect(approved.status).toBe(200);
    const device = await addDevice(d);
    const issued = await issue(d, device);
    const verifier = await registerDevice();
    const reply = await askPortrait(verifier.token, {
      presentation: await present(issued, device),
    });
    expect(reply.status).toBe(200);
    const bytes = new Uint8Array(await reply.arrayBuffer());
    expect(sha256(bytes)).toBe(
      (await presentAndVerify(service.url, service.now(), issued, device)).credential?.portraitHash,
    );
    const stored = await service.deps.db.kysely
      .selectFrom('portraits')
      .select(['source', 'hash'])
      .where('licence_number', '=', d.licence.licenceNumber)
      .executeTakeFirstOrThrow();
    expect(stored).toEqual({ source: 'application', hash: sha256(bytes) });
  });

  it(`when a device asks more than ${PORTRAIT_REQUESTS_PER_MINUTE} times a minute, then 429 ERR_RATE_LIMITED`, async () => {
    const verifier = await registerDevice();
    const other = await registerDevice('Checkpoint 4, handset 1');
    for (let i = 0; i < PORTRAIT_REQUESTS_PER_MINUTE; i++) {
      const reply = await askPortrait(verifier.token, { presentation: 'LZ1:x' });
      expect(reply.status).toBe(403);
      await reply.arrayBuffer();
    }
    const limited = await askPortrait(verifier.token, { presentation: 'LZ1:x' });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await limited.json()) as Problem).code).toBe('ERR_RATE_LIMITED');
    // Per device: another device is not held back.
    expect((await askPortrait(other.token, { presentation: 'LZ1:x' })).status).toBe(403);
    service.advance(60);
    expect((await askPortrait(verifier.token, { presentation: 'LZ1:x' })).status).toBe(403);
  });

  it('when an admin lists and revokes verifier devices, then no token is shown and each step is audited', async () => {
    const verifier = await registerDevice('Checkpoint 9, handset 2');
    const list = await admin.json<{ devices: Record<string, unknown>[] }>(
      'GET',
      '/api/admin/verifier-devices',
    );
    expect(list.status).toBe(200);
    const listed = list.body.devices.find((d) => d.id === verifier.id);
    expect(listed).toEqual({
      id: verifier.id,
      name: 'Checkpoint 9, handset 2',
      org: '公安交通管理部门',
      role: 'police',
      may: [0, 1, 2, 3, 4, 5],
      createdBy: admin.id,
      createdAt: service.now(),
      revokedAt: null,
      enrolledAt: null,
      keyThumbprint: null,
      certificateExpiresAt: null,
    });
    expect(JSON.stringify(list.body)).not.toContain(verifier.token);
    const first = await admin.json<{ revokedAt: number }>(
      'POST',
      `/api/admin/verifier-devices/${verifier.id}/revoke`,
    );
    service.advance(5);
    const second = await admin.json<{ revokedAt: number }>(
      'POST',
      `/api/admin/verifier-devices/${verifier.id}/revoke`,
    );
    expect(second).toEqual(first);
    const missing = await admin.json<Problem>('POST', '/api/admin/verifier-devices/999999/revoke');
    expect(missing).toMatchObject({ status: 404, body: { code: 'ERR_NOT_FOUND' } });
    const invalid = await admin.json<Problem>('POST', '/api/admin/verifier-devices', { name: '' });
    expect(invalid).toMatchObject({ status: 422, body: { code: 'ERR_VALIDATION' } });
    const audit = await service.deps.db.kysely
      .selectFrom('audit_log')
      .select(['actor', 'action', 'before', 'after'])
      .where('subject', '=', `verifier-device:${verifier.id}`)
      .orderBy('id', 'asc')
      .execute();
    expect(audit).toEqual([
      {
        actor: `staff:${admin.id}`,
        action: 'verifier-device.register',
        before: null,
        after: JSON.stringify({
          name: 'Checkpoint 9, handset 2',
          org: '公安交通管理部门',
          role: 'police',
          may: [0, 1, 2, 3, 4, 5],
        }),
      },
      {
        actor: `staff:${admin.id}`,
        action: 'verifier-device.revoke',
        before: JSON.stringify({ revokedAt: null }),
        after: JSON.stringify({ revokedAt: first.body.revokedAt }),
      },
    ]);
    const listings = await service.deps.db.kysely
      .selectFrom('audit_log')
      .select(['actor'])
      .where('action', '=', 'verifier-device.list')
      .execute();
    expect(listings).toContainEqual({ actor: `staff:${admin.id}` });
    // Only the hash of the token is kept.
    const row = await service.deps.db.kysely
      .selectFrom('verifier_devices')
      .select('token_hash')
      .where('id', '=', verifier.id)
      .executeTakeFirstOrThrow();
    expect(row.token_hash).toBe(sha256(Buffer.from(verifier.token)));
  });
});
