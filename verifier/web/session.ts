/*
 * The police app's verification session, without a DOM: scan → verify → verdict, the history,
 * the trusted clock, and the keys and lists with their freshness. The page (main.ts) feeds it
 * codes and draws what it answers; everything it needs from the browser comes in SessionEnv, so
 * that it runs as well in a test.
 */
import { nobleBackend } from '../backends/noble.js';
import { webCryptoBackend, type WebCryptoBackend } from '../backends/webcrypto.js';
import { maskLicenceNumber } from '../../shared/licence/id-number.js';
import type { TrustStore } from '../trust-store.js';
import {
  DEFAULT_CLOCK_TOLERANCE,
  verifyPresentation,
  type VerifierRequest,
} from '../verify-presentation.js';
import { ClockKeeper, type ReadClocks } from './clock-keeper.js';
import { decideVerdict, type Verdict } from './decide-verdict.js';
import { fetchPortrait, type PortraitOutcome } from './fetch-portrait.js';
import type { LocalStore } from './local-store.js';
import { ScanHistory } from './scan-history.js';
import { checkSettings, issuerUrlOf, loadSettings, type Settings } from './settings.js';
import { TrustData } from './trust-data.js';
import { reportForGroups } from './role-filter.js';
import { VerifierIdentity, type EnrolOutcome, type ShownRequest } from './verifier-identity.js';
import type { Signer } from '../../shared/crypto-backend.js';
import type { Purpose } from '../../shared/sd/groups.js';
import { keptKeyPair, webCryptoSigner } from '../../shared/web/webcrypto-key.js';

/** Seconds before a list that could not be fetched is asked for again at a scan. */
export const LIST_RETRY_S = 30;

/** No keys yet: every credential's issuer is unknown. */
const NO_KEYS: TrustStore = { backend: nobleBackend, keys: [], byThumbprint: () => undefined };

/** What the session takes from the browser. */
export interface SessionEnv {
  readonly store: LocalStore;
  /** The page's origin: the issuer when the settings name none. */
  readonly origin: string;
  /** Whether the device believes it is online (navigator.onLine). */
  readonly online: () => boolean;
  /** A monotonic clock in ms (performance.now). */
  readonly monoMs: () => number;
  /** The device and monotonic clocks, for the trusted clock; the browser's by default. */
  readonly readClocks?: ReadClocks;
  readonly fetch?: typeof fetch;
  /**
   * The device key as a Signer; by default a WebCrypto Ed25519 pair made non-extractable and
   * kept in the store.
   */
  readonly deviceSigner?: () => Promise<Signer>;
  /** What verifies: Ed25519 by the browser's WebCrypto where it has it, else noble's. */
  readonly backend?: WebCryptoBackend;
}

/** The device key of the browser: made once, kept in the store by structured clone. */
function storedDeviceSigner(store: LocalStore): () => Promise<Signer> {
  let signer: Promise<Signer> | undefined;
  return () =>
    (signer ??= keptKeyPair({
      load: () => store.get<CryptoKeyPair>('deviceKey'),
      keep: (pair) => store.set('deviceKey', pair),
    }).then(webCryptoSigner));
}

/** How the device's link to the issuer stands. */
export type Link = 'online' | 'unreachable' | 'offline';

/** What the status strip shows: the link, and how old the keys and lists are. */
export interface DataStatus {
  readonly link: Link;
  /** Seconds since the keys were fetched; undefined when never. */
  readonly keysAgeS?: number;
  /** Seconds since the oldest list kept was fetched; undefined when none is kept. */
  readonly listAgeS?: number;
  /** Whether any list is held. */
  readonly hasLists: boolean;
  /** How many status lists are held, and their bytes: what an offline shift checks against. */
  readonly listCount: number;
  readonly listBytes: number;
  /** Keys missing, or keys or a list older than the setting allows. */
  readonly stale: boolean;
}

/** One code judged. */
export interface Scan {
  /** The presentation text. */
  readonly text: string;
  readonly verdict: Verdict;
  /** When, by the trusted clock (ms). */
  readonly atMs: number;
  /**
   * Whether the holder's portrait is to be fetched: a verdict that is not red, of a code that
   * showed the holder (name and portrait hash).
   */
  readonly wantsPortrait: boolean;
  /** False when the code withheld the holder group: the portrait box says 照片未出示. */
  readonly portraitShown: boolean;
  /** The request the code was checked as an answer to, when it was. */
  readonly request?: ShownRequest;
}

/** The officer's session on this device. */
export class VerificationSession {
  readonly history: ScanHistory;
  /**
   * Whether codes scanned now answer this device's request (the request screen's camera): they
   * are checked against the last request made and the nonces already accepted.
   */
  answering = false;
  /** How the last enrolment attempt ended. */
  enrolment: EnrolOutcome | undefined;
  private lastText: string | undefined;
  private scanSeq = 0;
  private refreshing: Promise<void> | undefined;
  private readonly listTried = new Map<string, number>();
  /** Whether the issuer answered the last update. */
  private reached = false;
  /** Called whenever the data status may have changed. */
  onChange: () => void = () => undefined;

  private constructor(
    private readonly env: SessionEnv,
    private readonly clock: ClockKeeper,
    private readonly trust: TrustData,
    private current: Settings,
    readonly identity: VerifierIdentity,
    private readonly backend: WebCryptoBackend,
  ) {
    this.history = new ScanHistory(env.store);
  }

  /** Restores what the device keeps (trusted time, keys, lists, settings). */
  static async open(env: SessionEnv): Promise<VerificationSession> {
    const clock = new ClockKeeper(env.store, DEFAULT_CLOCK_TOLERANCE * 1000, env.readClocks);
    await clock.load();
    const backend = env.backend ?? (await webCryptoBackend());
    const trust = new TrustData(env.store, clock, env.fetch, backend);
    await trust.load();
    const identity = new VerifierIdentity({
      store: env.store,
      deviceSigner: env.deviceSigner ?? storedDeviceSigner(env.store),
      ...(env.fetch === undefined ? {} : { fetch: env.fetch }),
    });
    await identity.load();
    return new VerificationSession(
      env,
      clock,
      trust,
      await loadSettings(env.store),
      identity,
      backend,
    );
  }

  get settings(): Settings {
    return this.current;
  }

  /** The issuer asked: the setting, or the page's origin. */
  get issuerUrl(): string {
    return issuerUrlOf(this.current, this.env.origin);
  }

  /** The link and the age of the data, by the trusted clock. */
  dataStatus(): DataStatus {
    const snap = this.trust.snapshot;
    const now = this.clock.now().nowMs;
    const keysAgeS =
      snap.keysFetchedAt === undefined ? undefined : (now - snap.keysFetchedAt) / 1000;
    const listTimes = [...snap.listFetchedAt.values()];
    const listAgeS = listTimes.length === 0 ? undefined : (now - Math.min(...listTimes)) / 1000;
    const maxAgeS = this.current.maxAgeS;
    return {
      link: this.reached ? 'online' : this.env.online() ? 'unreachable' : 'offline',
      ...(keysAgeS === undefined ? {} : { keysAgeS }),
      ...(listAgeS === undefined ? {} : { listAgeS }),
      hasLists: snap.lists.size > 0,
      listCount: snap.lists.size,
      listBytes: snap.listBytes,
      stale: keysAgeS === undefined || keysAgeS > maxAgeS || (listAgeS ?? 0) > maxAgeS,
    };
  }

  /**
   * Fetches keys and lists again (one update at a time), and enrols or renews the device's
   * certificate when it needs it; never rejects.
   */
  refresh(): Promise<void> {
    this.refreshing ??= this.trust
      .refresh(this.issuerUrl)
      .then(async (outcome) => {
        this.reached = outcome.reached;
        // New keys or lists: the code still in front of the camera gets a new verdict.
        if (outcome.changed) this.lastText = undefined;
        await this.renewCertificate();
        if (outcome.reached) await this.checkOwnStatus();
      })
      .catch(() => undefined)
      .finally(() => {
        this.refreshing = undefined;
        this.onChange();
      });
    return this.refreshing;
  }

  /**
   * Reads the device's own certificate entry in its verifier status list, fetched now and checked
   * with the issuer's keys (part of every refresh that reached the issuer): a revoked or suspended
   * device stops making requests and says why. A list that cannot be fetched or does not verify
   * changes nothing. Never rejects.
   */
  async checkOwnStatus(): Promise<void> {
    const claims = this.identity.identity?.claims;
    if (claims === undefined) return;
    const list = await this.trust
      .fetchOther(claims.status.uri, claims.iss, this.issuerUrl)
      .catch(() => undefined);
    if (list !== undefined) await this.identity.noteStatus(list).catch(() => false);
  }

  /**
   * 离线准备: fetches the keys and every status list of the issuer now (a refresh, awaited);
   * resolves with whether the issuer answered. Never rejects.
   */
  async prepareOffline(): Promise<boolean> {
    await this.refresh();
    return this.reached;
  }

  /** The time by the trusted clock (ms). */
  nowMs(): number {
    return this.clock.now().nowMs;
  }

  /**
   * Enrols the device key, or renews its certificate, when needed and online (part of every
   * refresh); never rejects.
   */
  async renewCertificate(): Promise<EnrolOutcome> {
    if (this.current.token === '' && this.identity.identity !== undefined)
      await this.identity.forget().catch(() => undefined);
    const outcome = await this.identity
      .renew({
        issuerUrl: this.issuerUrl,
        token: this.current.token,
        online: this.env.online(),
        nowMs: this.nowMs(),
      })
      .catch((): EnrolOutcome => 'unreachable');
    this.enrolment = outcome;
    return outcome;
  }

  /**
   * A new request to show (the last one is replaced): the role's own purpose, or custom with
   * groups the certificate allows. Local: no network.
   * @throws {Error} without a certificate; {CertificateWithdrawnError} when the device was
   * revoked or suspended; {RangeError} for a purpose or groups not allowed.
   */
  makeRequest(purpose: Purpose, groups?: readonly number[]): Promise<ShownRequest> {
    this.lastText = undefined;
    return this.identity.makeRequest(this.nowMs(), purpose, groups);
  }

  /** The device went offline: the issuer no longer counts as reached. */
  wentOffline(): void {
    this.reached = false;
    this.onChange();
  }

  /** The next code gets a verdict even when it is the last one judged. */
  forgetLastCode(): void {
    this.lastText = undefined;
  }

  /**
   * Judges a code and adds it to the history. Undefined when it is the code just judged (one
   * verdict per code), or when a newer code came while this one was being verified.
   */
  async scan(text: string): Promise<Scan | undefined> {
    if (text === this.lastText) return undefined;
    this.lastText = text;
    const seq = ++this.scanSeq;
    const last = this.identity.lastRequest;
    let request = this.answering ? last : undefined;
    const withRequest = async (r: ShownRequest) => ({
      ...r,
      answered: await this.identity.answered(this.nowMs()),
    });
    let { verdict, atMs } = await this.verify(
      text,
      request === undefined ? undefined : await withRequest(request),
    );
    // On the direct scan, an answer to this device's own request is still checked as one.
    if (request === undefined && last !== undefined && verdict.code === 'ERR_WRONG_VERIFIER') {
      request = last;
      ({ verdict, atMs } = await this.verify(text, await withRequest(last)));
    }
    if (seq !== this.scanSeq) return undefined;
    // An answer accepted uses its request up: the same code again is refused (ERR_NONCE_USED).
    if (request !== undefined && verdict.tone !== 'invalid')
      await this.identity.accept(request.nonce, atMs);
    const { licence, disclosure, credential } = verdict.report;
    void this.history.add({
      at: atMs,
      tone: verdict.tone,
      ...(verdict.code === undefined ? {} : { code: verdict.code }),
      ...(disclosure === undefined ? {} : { purpose: disclosure.purpose }),
      // Only a number the code showed: a withheld one is not kept, not even masked.
      ...(licence?.licenceNumber === undefined
        ? {}
        : { masked: maskLicenceNumber(licence.licenceNumber) }),
    });
    const portraitShown = disclosure === undefined || disclosure.disclosed.includes('holder');
    const wantsPortrait = verdict.tone !== 'invalid' && credential !== undefined && portraitShown;
    return {
      text,
      verdict,
      atMs,
      wantsPortrait,
      portraitShown,
      ...(request === undefined ? {} : { request }),
    };
  }

  /**
   * The holder's portrait for a scan, checked against the credential. Never rejects. Ask only
   * when `wantsPortrait`: a code that withheld the holder has no portrait hash to check against.
   */
  portrait(scan: Scan): Promise<PortraitOutcome> {
    return fetchPortrait({
      issuerUrl: this.issuerUrl,
      token: this.current.token,
      presentation: scan.text,
      ...(scan.request === undefined ? {} : { request: scan.request.text }),
      portraitHash: scan.verdict.report.credential?.portraitHash,
      online: this.env.online(),
      ...(this.env.fetch === undefined ? {} : { fetch: this.env.fetch }),
    });
  }

  /**
   * Checks and keeps the settings as entered, then updates from the issuer they name.
   * @throws {SettingError} naming the setting that is wrong (nothing is kept then).
   */
  async saveSettings(entered: Settings): Promise<void> {
    this.current = checkSettings(entered);
    await this.env.store.set('settings', this.current);
    this.lastText = undefined;
    this.onChange();
    void this.refresh();
  }

  /**
   * Where noble verifies (a browser without Ed25519 in WebCrypto), its first verification pays
   * for its precomputed tables (tens of ms): pay it at start, with a signature that cannot verify
   * (R the base point, S = 1), not at the first scan.
   */
  warmUp(): void {
    if (this.backend.native) return;
    const key = this.trust.snapshot.trust?.keys[0]?.key;
    if (key === undefined) return;
    const signature = new Uint8Array(64);
    signature[0] = 0x58;
    signature.fill(0x66, 1, 32);
    signature[32] = 1;
    nobleBackend.verify(key, new Uint8Array(1), signature);
  }

  /** The core's report on `text` now, with the keys and lists of now. */
  private async runCore(text: string, request: VerifierRequest | undefined) {
    const time = this.clock.now();
    const snap = this.trust.snapshot;
    const may = this.identity.may;
    const { acceptVersion1 } = this.current;
    // One clock, one set of keys and lists, one setting for the run (it may run the core twice).
    const report = await this.backend.run(() =>
      // What the device may not see never reaches the screen or the history.
      reportForGroups(
        verifyPresentation(text, {
          trust: snap.trust ?? NO_KEYS,
          statusLists: snap.lists,
          now: new Date(time.nowMs),
          clockTolerance: DEFAULT_CLOCK_TOLERANCE,
          acceptVersion1,
          ...(request === undefined ? {} : { request }),
        }),
        may,
      ),
    );
    return { report, time, snap };
  }

  private async verify(
    text: string,
    request: VerifierRequest | undefined,
  ): Promise<{ verdict: Verdict; atMs: number }> {
    let run = await this.runCore(text, request);
    const credential = run.report.credential;
    if (
      credential !== undefined &&
      !run.snap.lists.has(credential.status.uri) &&
      this.env.online()
    ) {
      // A list not seen yet (only once the issuer's signature has passed): fetch it first.
      const tried = this.listTried.get(credential.status.uri);
      const now = this.env.monoMs();
      if (tried === undefined || now - tried > LIST_RETRY_S * 1000) {
        this.listTried.set(credential.status.uri, now);
        await this.trust
          .fetchList(credential.status.uri, credential.iss, this.issuerUrl)
          .catch(() => false);
        run = await this.runCore(text, request);
        this.onChange();
      }
    }
    const { report, time, snap } = run;
    const uri = report.credential?.status.uri;
    const listAt = uri === undefined ? undefined : snap.listFetchedAt.get(uri);
    const verdict = decideVerdict(report, {
      maxAgeS: this.current.maxAgeS,
      ...(snap.keysFetchedAt === undefined
        ? {}
        : { keysAgeS: (time.nowMs - snap.keysFetchedAt) / 1000 }),
      ...(listAt === undefined ? {} : { listAgeS: (time.nowMs - listAt) / 1000 }),
      clock: time.state,
    });
    return { verdict, atMs: time.nowMs };
  }
}
