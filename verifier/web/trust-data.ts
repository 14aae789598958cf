import type { CryptoBackend } from '../../shared/crypto-backend.js';
import { nobleBackend } from '../backends/noble.js';
import { createTrustStore, type TrustStore } from '../trust-store.js';
import { verifyStatusList, type VerifiedStatusList } from '../verify-status-list.js';
import type { ClockKeeper } from './clock-keeper.js';
import type { LocalStore } from './local-store.js';
import { statusListUrl } from './status-list-url.js';

const FETCH_TIMEOUT_MS = 5000;
/**
 * Most status lists kept: one authority has a handful (2^20 credentials a list), each a few
 * dozen KiB at most; past this, the ones fetched longest ago go first.
 */
const MAX_LISTS = 64;
/** Where the service lists its credential status lists (GET /status). */
const INDEX_PATH = 'status';

/** A JWKS as kept: the document and when (trusted time, ms) it was fetched. */
interface KeptJwks {
  readonly jwks: unknown;
  readonly fetchedAt: number;
}

/** A status list token as kept, with the issuer it was named by and when it was fetched. */
interface KeptList {
  readonly uri: string;
  readonly iss: string;
  readonly token: string;
  readonly fetchedAt: number;
}

/** What the verifier holds at one moment; replaced whole, never changed in place. */
export interface TrustSnapshot {
  /** Absent until keys have been fetched once. */
  readonly trust?: TrustStore;
  readonly keysFetchedAt?: number;
  readonly lists: ReadonlyMap<string, VerifiedStatusList>;
  /** When each list was fetched (trusted time, ms), by URI. */
  readonly listFetchedAt: ReadonlyMap<string, number>;
  /** Bytes of the kept list tokens that verify: what the device holds for offline use. */
  readonly listBytes: number;
}

/** The outcome of a refresh. */
export interface RefreshOutcome {
  /** Whether the issuer answered. */
  readonly reached: boolean;
  /** Whether the keys or any list differ from before. */
  readonly changed: boolean;
}

/**
 * The issuer's keys (/.well-known/jwks.json) and its status lists — every list of its index
 * (GET /status, so that a device that goes offline before its first scan still checks codes:
 * 离线准备) and any other list a credential named — fetched when online, checked (a list only
 * with a trusted key, and only for its own URI), and kept in the local store for offline use.
 * Every fetch also tells the clock the issuer's time.
 */
export class TrustData {
  private current: TrustSnapshot = { lists: new Map(), listFetchedAt: new Map(), listBytes: 0 };
  private jwks: KeptJwks | undefined;
  private kept = new Map<string, KeptList>();

  constructor(
    private readonly store: LocalStore,
    private readonly clock: ClockKeeper,
    private readonly doFetch: typeof fetch = (input, init) => fetch(input, init),
    /** What imports the keys and verifies with them (the session's). */
    private readonly backend: CryptoBackend = nobleBackend,
  ) {}

  /** What to verify with now. */
  get snapshot(): TrustSnapshot {
    return this.current;
  }

  /** Restores what an earlier session kept, checking it again. */
  async load(): Promise<void> {
    this.jwks = await this.store.get<KeptJwks>('jwks');
    const lists = (await this.store.get<KeptList[]>('lists')) ?? [];
    this.kept = new Map(lists.map((l) => [l.uri, l]));
    this.rebuild();
  }

  /** Fetches the keys, then every list of the issuer's index, then every other list kept. */
  async refresh(issuerUrl: string): Promise<RefreshOutcome> {
    const before = this.current;
    const jwks = await this.getJson(new URL('.well-known/jwks.json', root(issuerUrl)).href);
    if (jwks === undefined) return { reached: false, changed: false };
    let changed = false;
    try {
      createTrustStore([jwks.body], this.backend);
      if (JSON.stringify(jwks.body) !== JSON.stringify(this.jwks?.jwks)) changed = true;
      this.jwks = { jwks: jwks.body, fetchedAt: jwks.fetchedAt };
      await this.store.set('jwks', this.jwks);
    } catch {
      // A JWKS that does not parse is not taken; the keys kept stay.
    }
    this.rebuild();
    const fetched = new Set<string>();
    for (const { uri, iss } of await this.index(issuerUrl)) {
      fetched.add(uri);
      if (await this.fetchListToken(uri, iss, issuerUrl)) changed = true;
    }
    for (const list of [...this.kept.values()]) {
      if (fetched.has(list.uri)) continue;
      if (await this.fetchListToken(list.uri, list.iss, issuerUrl)) changed = true;
    }
    this.rebuild();
    await this.persistLists();
    return { reached: true, changed: changed || before.trust !== this.current.trust };
  }

  /**
   * Fetches one list named by a credential whose issuer signature has passed. True when a list
   * was taken that differs from the one kept.
   */
  async fetchList(uri: string, iss: string, issuerUrl: string): Promise<boolean> {
    const changed = await this.fetchListToken(uri, iss, issuerUrl);
    this.rebuild();
    await this.persistLists();
    return changed;
  }

  /**
   * The lists the issuer's index names, with the issuer identifier their URIs start with; none
   * when the index cannot be read (an older service, or the link dropped): the lists kept stay.
   */
  private async index(issuerUrl: string): Promise<{ uri: string; iss: string }[]> {
    const reply = await this.getJson(new URL(INDEX_PATH, root(issuerUrl)).href);
    const body = reply?.body as { iss?: unknown; lists?: unknown } | undefined;
    const iss = body?.iss;
    if (typeof iss !== 'string' || !Array.isArray(body?.lists)) return [];
    return body.lists
      .filter((uri): uri is string => typeof uri === 'string')
      .slice(0, MAX_LISTS)
      .map((uri) => ({ uri, iss }));
  }

  /**
   * Fetches a list that is not kept with the credentials' lists (the device's own certificate's,
   * in the verifier status lists) and checks it as any list: signed by a key of the issuer's
   * JWKS, for `uri` itself. Undefined when it cannot be fetched or does not verify.
   */
  async fetchOther(
    uri: string,
    iss: string,
    issuerUrl: string,
  ): Promise<VerifiedStatusList | undefined> {
    return (await this.fetchVerified(uri, iss, issuerUrl))?.list;
  }

  /** GETs the list at `uri` (from the issuer configured) and verifies it with the keys held. */
  private async fetchVerified(
    uri: string,
    iss: string,
    issuerUrl: string,
  ): Promise<{ list: VerifiedStatusList; text: string; fetchedAt: number } | undefined> {
    const trust = this.current.trust;
    if (trust === undefined) return undefined;
    let url: string;
    try {
      url = statusListUrl(uri, iss, issuerUrl);
    } catch {
      return undefined;
    }
    const reply = await this.getText(url);
    if (reply === undefined) return undefined;
    try {
      const list = verifyStatusList(reply.text, trust);
      if (list.uri !== uri) return undefined;
      await this.clock.observe(list.iat * 1000, false);
      return { list, ...reply };
    } catch {
      return undefined;
    }
  }

  private async fetchListToken(uri: string, iss: string, issuerUrl: string): Promise<boolean> {
    const reply = await this.fetchVerified(uri, iss, issuerUrl);
    if (reply === undefined) return false;
    const old = this.kept.get(uri);
    this.kept.set(uri, { uri, iss, token: reply.text, fetchedAt: reply.fetchedAt });
    while (this.kept.size > MAX_LISTS) {
      const oldest = [...this.kept.values()].sort((a, b) => a.fetchedAt - b.fetchedAt)[0];
      if (oldest === undefined) break;
      this.kept.delete(oldest.uri);
    }
    return old?.token !== reply.text;
  }

  private async persistLists(): Promise<void> {
    await this.store.set('lists', [...this.kept.values()]);
  }

  /** Imports the keys and checks every kept list again with them. */
  private rebuild(): void {
    let trust: TrustStore | undefined;
    try {
      trust =
        this.jwks === undefined ? undefined : createTrustStore([this.jwks.jwks], this.backend);
    } catch {
      trust = undefined;
    }
    const lists = new Map<string, VerifiedStatusList>();
    const listFetchedAt = new Map<string, number>();
    let listBytes = 0;
    if (trust !== undefined) {
      for (const kept of this.kept.values()) {
        try {
          const list = verifyStatusList(kept.token, trust);
          if (list.uri !== kept.uri) continue;
          lists.set(kept.uri, list);
          listFetchedAt.set(kept.uri, kept.fetchedAt);
          listBytes += kept.token.length;
        } catch {
          // Signed by a key no longer trusted, or damaged: not used.
        }
      }
    }
    const same =
      trust === undefined
        ? this.current.trust === undefined
        : this.current.trust !== undefined &&
          JSON.stringify(this.current.trust.keys.map((k) => k.thumbprint)) ===
            JSON.stringify(trust.keys.map((k) => k.thumbprint));
    this.current = {
      ...(trust === undefined
        ? {}
        : { trust: same && this.current.trust ? this.current.trust : trust }),
      ...(this.jwks === undefined ? {} : { keysFetchedAt: this.jwks.fetchedAt }),
      lists,
      listFetchedAt,
      listBytes,
    };
  }

  private async getJson(url: string): Promise<{ body: unknown; fetchedAt: number } | undefined> {
    const reply = await this.getText(url);
    if (reply === undefined) return undefined;
    try {
      return { body: JSON.parse(reply.text) as unknown, fetchedAt: reply.fetchedAt };
    } catch {
      return undefined;
    }
  }

  /** GET, revalidating any cached copy; tells the clock the response's Date. */
  private async getText(url: string): Promise<{ text: string; fetchedAt: number } | undefined> {
    try {
      const response = await this.doFetch(url, {
        cache: 'no-cache',
        credentials: 'omit',
        signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
      });
      if (!response.ok) return undefined;
      const text = await response.text();
      const date = Date.parse(response.headers.get('date') ?? '');
      if (Number.isFinite(date)) await this.clock.observe(date, true);
      return { text, fetchedAt: this.clock.now().nowMs };
    } catch {
      return undefined;
    }
  }
}

function root(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}
