/** The inbox, and the Web Push subscription (notices arrive even when the app is closed). */
import { api } from '../common/api.js';
import { chinaDateTime } from '../../../shared/china-time.js';
import { button, h } from '../../../shared/web/dom.js';
import { decodeBase64url } from '../../../shared/base64url.js';
import { go, t, type Screen } from './ui.js';
import type { InboxEntry, PushKey } from './replies.js';

/** Where "back" leads (set by main). */
let back: Screen = () => undefined;

/** How many notices are unread, as last heard from the service. */
let unread = 0;

/**
 * The 消息 button's count: the number unread, hidden at none. A screen reader hears the count
 * in words after the button's visible word (消息 2 条未读), not the figure of the badge.
 */
function drawUnread(): void {
  const badge = document.getElementById('unread-count');
  const words = document.getElementById('unread-words');
  if (badge === null || words === null) return;
  badge.textContent = unread > 99 ? '99+' : String(unread);
  badge.hidden = unread === 0;
  words.textContent = unread === 0 ? '' : t('inboxUnread', { n: unread });
}

/** The header's 消息 button, with its unread count; `open` opens the inbox. */
export function inboxButton(open: () => void): HTMLButtonElement {
  const inbox = button({ id: 'open-inbox' }, t('inbox'), open);
  inbox.append(
    h('span', {
      class: 'badge unread-count',
      id: 'unread-count',
      hidden: true,
      'aria-hidden': 'true',
    }),
    h('span', { class: 'visually-hidden', id: 'unread-words' }),
  );
  queueMicrotask(drawUnread);
  return inbox;
}

/** Asks the service how many notices are unread and shows it on 消息; quiet when it cannot. */
export async function refreshUnread(): Promise<void> {
  try {
    const { entries } = await api<{ entries: InboxEntry[] }>('GET', '/api/me/inbox');
    unread = entries.filter((e) => e.readAt === null).length;
    drawUnread();
  } catch {
    // Offline or signed out: the count stays as it was; the inbox itself says why.
  }
}

/** Sets where "back" leads. */
export function setInboxBack(screen: Screen): void {
  back = screen;
}

/** The inbox screen: newest first; unread ones marked read once shown. */
export const inboxScreen: Screen = async (main) => {
  const backButton = button({ class: 'link' }, t('back'), () => {
    go(back);
  });
  const push = h(
    'button',
    { type: 'button', class: 'secondary', id: 'push-enable' },
    t('pushEnable'),
  );
  const pushState = h('p', { class: 'hint', id: 'push-state', 'aria-live': 'polite' });
  push.addEventListener('click', () => {
    subscribe().then(
      (key) => {
        pushState.textContent = t(key);
      },
      () => {
        pushState.textContent = t('pushUnavailable');
      },
    );
  });
  main.append(
    backButton,
    h('h2', {}, t('inboxTitle')),
    h('div', { class: 'actions' }, push),
    pushState,
  );
  const { entries } = await api<{ entries: InboxEntry[] }>('GET', '/api/me/inbox');
  if (entries.length === 0) {
    main.append(h('p', { class: 'notice' }, t('inboxEmpty')));
    return;
  }
  main.append(
    h(
      'ul',
      { class: 'inbox', id: 'inbox' },
      ...entries.map((e) =>
        h(
          'li',
          { class: e.readAt === null ? 'unread' : '' },
          h(
            'p',
            { class: 'inbox-title' },
            e.title,
            e.readAt === null ? h('span', { class: 'badge' }, t('unread')) : null,
          ),
          h('p', { class: 'inbox-body' }, e.body),
          h('p', { class: 'inbox-time' }, chinaDateTime(e.at * 1000, 'minute')),
        ),
      ),
    ),
  );
  const marking = entries
    .filter((e) => e.readAt === null)
    .map((e) => api('POST', `/api/me/inbox/${e.id}/read`, { json: {} }));
  void Promise.allSettled(marking).then(refreshUnread);
};

/** Subscribes this browser to Web Push with the service's VAPID key. */
async function subscribe(): Promise<'pushOn' | 'pushDenied' | 'pushUnavailable'> {
  if (!('serviceWorker' in navigator) || !('PushManager' in window)) return 'pushUnavailable';
  const permission = await Notification.requestPermission();
  if (permission !== 'granted') return 'pushDenied';
  const registration = await navigator.serviceWorker.ready;
  const { publicKey } = await api<PushKey>('GET', '/api/push/key');
  const subscription = await registration.pushManager.subscribe({
    userVisibleOnly: true,
    applicationServerKey: decodeBase64url(publicKey, 'VAPID key') as BufferSource,
  });
  await api('POST', '/api/me/push-subscriptions', { json: subscription.toJSON() });
  return 'pushOn';
}
