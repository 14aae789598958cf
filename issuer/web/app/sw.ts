/*
 * The driver app's service worker: the app shell kept for offline use (the licence and its QR
 * come from IndexedDB, not from here), the API never cached (personal data), and Web Push
 * notices shown and opened. The build writes the shell's file list and version at the top.
 */
/// <reference lib="webworker" />
export {};

declare const self: ServiceWorkerGlobalScope & {
  readonly __LZ_PRECACHE__?: { readonly version: string; readonly files: readonly string[] };
};

const precache = self.__LZ_PRECACHE__ ?? { version: 'dev', files: ['./'] };
const CACHE = `lz-app-${precache.version}`;

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll([...precache.files]))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) =>
        Promise.all(
          keys.filter((k) => k.startsWith('lz-app-') && k !== CACHE).map((k) => caches.delete(k)),
        ),
      )
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== self.location.origin) return;
  if (!url.pathname.startsWith(new URL('./', self.location.href).pathname)) return;
  // Pages: the network first (a new build), the kept shell when offline.
  if (event.request.mode === 'navigate') {
    event.respondWith(
      fetch(event.request).catch(async () => {
        const cached = await caches.match('./', { ignoreSearch: true });
        return cached ?? Response.error();
      }),
    );
    return;
  }
  event.respondWith(caches.match(event.request).then((hit) => hit ?? fetch(event.request)));
});

interface Notice {
  readonly title?: unknown;
  readonly body?: unknown;
  readonly url?: unknown;
  readonly tag?: unknown;
}

self.addEventListener('push', (event) => {
  let notice: Notice = {};
  try {
    notice = (event.data?.json() ?? {}) as Notice;
  } catch {
    // Not JSON: shown with the default title.
  }
  const title = typeof notice.title === 'string' ? notice.title : '亮证';
  event.waitUntil(
    self.registration.showNotification(title, {
      body: typeof notice.body === 'string' ? notice.body : '',
      icon: './icon.svg',
      ...(typeof notice.tag === 'string' ? { tag: notice.tag } : {}),
      data: { url: typeof notice.url === 'string' ? notice.url : './' },
    }),
  );
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const data = event.notification.data as { url?: unknown } | null;
  const target = new URL(typeof data?.url === 'string' ? data.url : './', self.location.href);
  event.waitUntil(
    self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then((windows) => {
      const open = windows.find((w) => w.url === target.href);
      if (open !== undefined) return open.focus();
      return self.clients.openWindow(target.href);
    }),
  );
});
