/**
 * The credential states as a property, on both engines: random sequences of issue, refresh and
 * take-over (a phone asks for its e-licence), suspend, restore, revoke, replace (补证), photo
 * change (a camera application approved) and re-issue (a key rotation, a restart and
 * `reissueAll`). After every step each phone shows the last code it received, verified against
 * the JWKS and status lists fetched then: exactly the phone holding the e-licence verifies while
 * the licence is usable, and every other code fails with the code its history calls for
 * (superseded, suspended, revoked). The model below is written from the rules a driver and an
 * officer know, not from the service's tables.
 *
 * A failure prints the seed and the steps; `LZ_STATES_SEED=<seed>` replays them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reissueAll } from '../../issuer/credentials/reissue-all.js';
import type { ServiceDeps } from '../../issuer/deps.js';
import { ServiceError } from '../../issuer/service-error.js';
import { rotateKey } from '../../issuer/keys/key-store.js';
import { changeLicence } from '../../issuer/lifecycle/change-licence.js';
import type { LicenceChange } from '../../issuer/lifecycle/transitions.js';
import { createPresentationV2 } from '../../shared/sd/presentation-v2.js';
import { verifyPresentation } from '../../verifier/verify-presentation.js';
import {
  addDevice,
  credentialPath,
  fetchVerifierView,
  ISSUER,
  newDriver,
  newStaff,
  restartService,
  syntheticLicence,
  uploadPhoto,
  type IssuedBody,
  type Restarted,
  type StaffClient,
  type TestDevice,
  type TestDriver,
} from './fixtures.js';
import { Client, ENGINES, startService, type TestService } from './harness.js';
import { portraitJpeg } from './photos.js';
import { mulberry32 } from '../helpers/random.js';

const SEQUENCES = 6;
const STEPS = 14;
const PHONES = 3;

type Op =
  | { readonly kind: 'ask'; readonly phone: number }
  | { readonly kind: 'suspend' | 'restore' | 'revoke' | 'replace' | 'photo' | 'reissue' };

function randomOp(next: () => number): Op {
  const r = next();
  // Asking (issue, refresh, take-over) is what phones do most.
  if (r < 0.45) return { kind: 'ask', phone: Math.floor(next() * PHONES) };
  const others = ['suspend', 'restore', 'revoke', 'replace', 'photo', 'reissue'] as const;
  return { kind: others[Math.floor(next() * others.length)] ?? 'suspend' };
}

/** What the model knows: the licence's status, who holds the e-licence, each slot's fate. */
interface Model {
  status: 'A' | 'D' | 'F';
  /** The phone holding the live credential. */
  holder: number | undefined;
  /** Per slot (`list:index`): held, or how it ended. */
  readonly slots: Map<string, 'held' | 'superseded' | 'revoked'>;
  /** Per phone: the last credential it received, and its slot. */
  readonly shown: Map<number, IssuedBody>;
}

const slotOf = (c: Pick<IssuedBody, 'listId' | 'index'>) => `${c.listId}:${c.index}`;

/** The verdict code the model expects for a phone's code; undefined for valid. */
function expected(model: Model, credential: IssuedBody): string | undefined {
  const fate = model.slots.get(slotOf(credential));
  if (fate === 'superseded') return 'ERR_SUPERSEDED';
  if (fate === 'revoked') return 'ERR_REVOKED';
  return model.status === 'A' ? undefined : 'ERR_SUSPENDED';
}

/** Ends every held slot (a renewal or replacement, a revocation). */
function endAll(model: Model, fate: 'superseded' | 'revoked'): void {
  for (const [slot, state] of model.slots) if (state === 'held') model.slots.set(slot, fate);
  model.holder = undefined;
}

describe.each(ENGINES)('credential states on %s', (engine) => {
  let first: TestService;
  /** The service now: the first one, or the one a re-issue restarted. */
  let node: Pick<Restarted, 'deps' | 'url' | 'now' | 'advance' | 'running'>;
  let reviewer: StaffClient;
  let serial = engine === 'sqlite' ? 4000 : 5000;
  let photoSeed = 1;
  const baseSeed = Number(process.env.LZ_STATES_SEED ?? Math.floor(Math.random() * 2 ** 31));

  beforeAll(async () => {
    first = await startService(engine, {
      env: {
        // Every refresh signs a new credential; a photo may change at once; a new key signs at once.
        CREDENTIAL_REFRESH_AFTER: '0',
        PHOTO_CHANGE_INTERVAL_DAYS: '0',
        KEY_PUBLISH_AHEAD: '0',
      },
    });
    node = first;
    reviewer = await newStaff(first, 'reviewer');
  });
  afterAll(async () => {
    if (node !== first) await node.running.stop();
    await first.close();
  });

  /** A restart on the same data, as after `liangzheng keys rotate`. */
  async function restart(): Promise<void> {
    const restarted = await restartService({ ...first, ...node });
    node = restarted;
    reviewer = await newStaff(
      { ...restarted, client: () => new Client(restarted.url) },
      'reviewer',
    );
  }

  async function runSequence(seed: number): Promise<void> {
    const next = mulberry32(seed);
    const ops = Array.from({ length: STEPS }, () => randomOp(next));
    const driver: TestDriver = await newDriver(node, syntheticLicence(serial++), {
      // The stored path's application, issued: the e-licence may be asked for at once.
      sessionLifetime: 30 * 86_400,
    });
    const phones: TestDevice[] = [];
    for (let i = 0; i < PHONES; i++) phones.push(await addDevice(driver));
    const model: Model = { status: 'A', holder: undefined, slots: new Map(), shown: new Map() };
    const done: string[] = [];

    for (const op of ops) {
      node.advance(1);
      done.push(op.kind === 'ask' ? `ask(${op.phone})` : op.kind);
      const where = `seed ${seed}, steps ${done.join(' ')}`;
      const http = driver.http.at(node.url);
      switch (op.kind) {
        case 'ask': {
          const phone = phones[op.phone];
          if (phone === undefined) throw new Error('no phone');
          const reply = await http.post<IssuedBody & { code?: string }>(
            credentialPath(phone.deviceId),
          );
          if (model.status !== 'A') {
            expect({ status: reply.status, code: reply.body.code }, where).toEqual({
              status: 409,
              code: 'ERR_LICENCE_NOT_USABLE',
            });
            break;
          }
          expect(reply.status, `${where}: ${reply.text}`).toBe(201);
          const slot = slotOf(reply.body);
          if (model.holder === op.phone) {
            // A refresh: the same slot.
            const before = model.shown.get(op.phone);
            expect(before && slotOf(before), where).toBe(slot);
          } else {
            // A first issue or a take-over: a slot never used before; the holder's ends.
            expect(model.slots.has(slot), where).toBe(false);
            const held = model.holder === undefined ? undefined : model.shown.get(model.holder);
            if (held !== undefined) model.slots.set(slotOf(held), 'superseded');
          }
          model.slots.set(slot, 'held');
          model.holder = op.phone;
          model.shown.set(op.phone, reply.body);
          break;
        }
        case 'suspend':
        case 'restore':
        case 'revoke':
        case 'replace': {
          // 暂扣 and 补证 from A, restore from D, 吊销 from both (lifecycle/transitions.ts).
          const allowed =
            op.kind === 'restore'
              ? model.status === 'D'
              : op.kind === 'revoke'
                ? model.status !== 'F'
                : model.status === 'A';
          const outcome = await lifecycle(node.deps, driver, { action: op.kind });
          if (!allowed) {
            expect(outcome, where).toBe('ERR_ILLEGAL_TRANSITION');
            break;
          }
          expect(outcome, where).toBe('ok');
          if (op.kind === 'suspend') model.status = 'D';
          else if (op.kind === 'restore') model.status = 'A';
          else if (op.kind === 'revoke') {
            model.status = 'F';
            endAll(model, 'revoked');
          } else endAll(model, 'superseded');
          break;
        }
        case 'photo': {
          // A photo change needs a usable licence; it is not asked for otherwise.
          if (model.status !== 'A') break;
          const started = await http.post<{ id: number }>('/api/me/application', {
            path: 'camera',
          });
          expect(started.status, `${where}: ${started.text}`).toBe(201);
          const photo = await portraitJpeg(250, { seed: photoSeed++ });
          const uploaded = await uploadPhoto(node.url, { http }, photo);
          expect(uploaded.status, `${where}: ${await uploaded.text()}`).toBe(200);
          const approved = await reviewer.post(
            `/api/review/applications/${started.body.id}/approve`,
            {},
          );
          expect(approved.status, `${where}: ${approved.text}`).toBe(200);
          // The e-licence goes, with the new portrait, to the phone holding it, else to the
          // newest phone; the old slot ends.
          const to = model.holder ?? PHONES - 1;
          const held = model.holder === undefined ? undefined : model.shown.get(model.holder);
          if (held !== undefined) model.slots.set(slotOf(held), 'superseded');
          const live = await http.get<IssuedBody & { deviceId: number }>('/api/me/credential');
          expect(live.status, `${where}: ${live.text}`).toBe(200);
          expect(live.body.deviceId, where).toBe(phones[to]?.deviceId);
          expect(model.slots.has(slotOf(live.body)), where).toBe(false);
          model.slots.set(slotOf(live.body), 'held');
          model.holder = to;
          model.shown.set(to, live.body);
          break;
        }
        case 'reissue': {
          // The phones keep what they were shown; the live credential moves to the new key in
          // its slot, and the next refresh brings it.
          await rotateKey(node.deps.config.dataDir);
          await restart();
          await reissueAll(node.deps, { signThreads: 0 });
          break;
        }
      }
      await checkPhones(model, phones, where);
    }
  }

  /** Every phone's code, verified now, against what the model expects. */
  async function checkPhones(model: Model, phones: TestDevice[], where: string): Promise<void> {
    const shown = [...model.shown];
    if (shown.length === 0) return;
    const view = await fetchVerifierView(
      node.url,
      shown.map(([, c]) => c.listId),
    );
    const at = new Date(node.now() * 1000);
    const valid: number[] = [];
    for (const [phone, credential] of shown) {
      const signer = phones[phone]?.signer;
      if (signer === undefined) throw new Error('no phone');
      const text = await createPresentationV2(credential.holderCopy, signer, { now: at });
      const report = verifyPresentation(text, {
        trust: view.trust,
        statusLists: view.statusLists,
        now: at,
        issuer: ISSUER,
      });
      expect(report.valid ? undefined : report.code, `${where}: phone ${phone}`).toBe(
        expected(model, credential),
      );
      if (report.valid) valid.push(phone);
    }
    // Exactly the holder's code verifies while the licence is usable; nobody's otherwise.
    expect(valid, where).toEqual(
      model.status === 'A' && model.holder !== undefined ? [model.holder] : [],
    );
  }

  it(`when ${SEQUENCES} random sequences of ${STEPS} steps run, then after each step only the holder's code verifies and every other fails with its code`, async () => {
    console.log(`credential states on ${engine}: seed ${baseSeed}`);
    for (let s = 0; s < SEQUENCES; s++) await runSequence(baseSeed + s);
  }, 240_000);
});

/** A lifecycle change as an admin's route makes it: `ok`, or the refusal's code. */
async function lifecycle(
  deps: ServiceDeps,
  driver: TestDriver,
  change: LicenceChange,
): Promise<string> {
  try {
    await changeLicence(deps, driver.licence.licenceNumber, change, 'staff:1');
    return 'ok';
  } catch (error) {
    if (error instanceof ServiceError) return error.code;
    throw error;
  }
}
