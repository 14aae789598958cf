/**
 * 离线准备: what the device holds for an offline shift (how many status lists, their size and
 * age) and the button that downloads every list of the issuer now.
 */
import { button, h } from '../../shared/web/dom.js';
import type { Translator } from '../../shared/web/i18n.js';
import type { UiKey } from './app-messages.js';
import { formatAge } from './format.js';
import type { DataStatus } from './session.js';

type I18n = Translator<UiKey>;

/** Bytes as an officer reads them: 12 KB, 1.4 MB. */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/**
 * The settings' offline block.
 * @param prepare fetches the keys and every list; resolves with whether the issuer answered.
 * @param done called once the download ended, to draw the block again with what is held now.
 */
export function offlineDataBlock(
  data: DataStatus,
  i18n: I18n,
  prepare: () => Promise<boolean>,
  done: (reached: boolean) => void,
  outcome?: boolean,
): HTMLElement {
  const held =
    data.listCount === 0
      ? i18n.t('offlineNone')
      : i18n.t('offlineHeld', {
          count: data.listCount,
          size: formatSize(data.listBytes),
          age: formatAge(data.listAgeS ?? 0, i18n.lang()),
        });
  const message = h(
    'p',
    { id: 'offline-message', role: 'status' },
    outcome === undefined ? '' : i18n.t(outcome ? 'offlineDone' : 'offlineFailed'),
  );
  const download = button({ id: 'offline-prepare' }, i18n.t('offlinePrepare'), () => {
    download.disabled = true;
    message.textContent = i18n.t('offlinePreparing');
    void prepare().then(done, () => {
      done(false);
    });
  });
  return h(
    'section',
    {
      id: 'offline-data',
      class: 'settings-block',
      'data-lists': String(data.listCount),
      'data-bytes': String(data.listBytes),
    },
    h('h3', {}, i18n.t('offlineTitle')),
    h('p', { id: 'offline-held' }, held),
    h('div', { class: 'row' }, download),
    message,
  );
}
