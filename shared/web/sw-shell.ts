/**
 * The app shell offline, for a web app's service worker. At install, every file of the build
 * (the list and a version are written at the top of sw.js by the build, see vite.web.ts) goes
 * into a cache named after the build; navigations go to the network first and fall back to the
 * cached page; the other files of the shell come from the cache. Anything else (the API, keys,
 * lists, portraits) is left alone: the apps fetch and keep those themselves.
 */

/** What the build sets first thing in sw.js, as `self.__LZ_PRECACHE__`. */
interface Precache {
  readonly version: string;
  readonly files: readonly string[];
}

// The minimal part of the service worker scope used here (the DOM lib lacks it).
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

/** How long a navigation waits for the network before the kept page is shown. */
const NETWORK_TIMEOUT_MS = 4000;

/** Keeps the shell of this worker's app offline, in caches named `${prefix}<version>`. */
export function keepShellOffline(prefix: string): void {
  const worker = self as unknown as WorkerScope & { readonly __LZ_PRECACHE__?: Precache };
  const precache: Precache = worker.__LZ_PRECACHE__ ?? { version: 'dev', files: ['./'] };
  const cacheName = `${prefix}${precache.version}`;
  const scope = new URL(worker.registration.scope);
  const shellUrls = new Set(precache.files.map((f) => new URL(f, scope).href));

  const networkFirst = async (request: Request): Promise<Response> => {
    try {
      const response = await fetch(request, { signal: AbortSignal.timeout(NETWORK_TIMEOUT_MS) });
      if (response.ok) {
        const cache = await caches.open(cacheName);
        await cache.put(scope.href, response.clone());
      }
      return response;
    } catch {
      const cached = await caches.match(scope.href);
      return cached ?? Response.error();
    }
  };

  const cacheFirst = async (request: Request): Promise<Response> => {
    const cached = await caches.match(request, { ignoreSearch: true });
    return cached ?? fetch(request);
  };

  worker.addEventListener('install', (event) => {
    event.waitUntil(
      caches
        .open(cacheName)
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
              .filter((n) => n.startsWith(prefix) && n !== cacheName)
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
}
