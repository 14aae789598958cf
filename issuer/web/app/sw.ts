/*
 * The driver app's service worker: the app shell kept for offline use (shared/web/sw-shell.ts;
 * the licence and its QR come from IndexedDB, not from here, and the API is never cached: it
 * holds personal data), and Web Push notices shown and opened.
 */
/// <reference lib="webworker" />
import { keepShellOffline } from '../../../shared/web/sw-shell.js';

declare const self: ServiceWorkerGlobalScope;

keepShellOffline('lz-app-');

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
