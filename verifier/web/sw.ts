/*
 * The app shell offline. At install, every file of this build (the list is written in at build
 * time, see vite.config.ts) goes into a cache named after the build; navigations go to the network
 * first and fall back to the cached page; the other files of the app come from the cache. Keys,
 * status lists and portraits are not the shell's: the app fetches and keeps those itself
 * (IndexedDB), so the worker leaves every other request alone.
 */

/** What the build sets first thing in sw.js, as `self.__LZ_PRECACHE__`. */
interface Precache {
  readonly version: string;
  readonly files: readonly string[];
}

// The minimal part of the service worker scope this file uses (the DOM lib lacks it).
interface ExtendableEvent extends Event {
  waitUntil(promise: Promise<unknown>): void;
}
interface FetchEvent extends ExtendableEvent {
  readonly request: Request;
  respondWith(response: Promise<Response>): void;
}
interface WorkerScope {
  readonly registration: { readonly scope: string };
  readonly clients: { claim(): Promise<void> };
  skipWaiting(): Promise<void>;
  addEventListener(type: 'install' | 'activate', listener: (event: ExtendableEvent) => void): void;
  addEventListener(type: 'fetch', listener: (event: FetchEvent) => void): void;
}

const worker = self as unknown as WorkerScope & { readonly __LZ_PRECACHE__?: Precache };
const NETWORK_TIMEOUT_MS = 4000;

const precache: Precache = worker.__LZ_PRECACHE__ ?? { version: 'dev', files: ['./'] };
const CACHE = `lz-verifier-${precache.version}`;
const scope = new URL(worker.registration.scope);
const shellUrls = new Set(precache.files.map((f) => new URL(f, scope).href));

worker.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll([...shellUrls]))
      .then(() => worker.skipWaiting()),
  );
});

worker.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(
          names
            .filter((n) => n.startsWith('lz-verifier-') && n !== CACHE)
            .map((n) => caches.delete(n)),
        ),
      )
      .then(() => worker.clients.claim()),
  );
});

worker.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== scope.origin || !url.pathname.startsWith(scope.pathname)) return;
  if (request.mode === 'navigate') {
    event.respondWith(networkFirst(request));
    return;
  }
  url.search = '';
  if (shellUrls.has(url.href)) event.respondWith(cacheFirst(request));
});

async function networkFirst(request: Request): Promise<Response> {
  try {
    const response = await fetch(request, { signal: AbortSignal.timeout(NETWORK_TIMEOUT_MS) });
    if (response.ok) {
      const cache = await caches.open(CACHE);
      await cache.put(scope.href, response.clone());
    }
    return response;
  } catch {
    const cached = await caches.match(scope.href);
    return cached ?? Response.error();
  }
}

async function cacheFirst(request: Request): Promise<Response> {
  const cached = await caches.match(request, { ignoreSearch: true });
  return cached ?? fetch(request);
}
