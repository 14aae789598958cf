/** The queue by deadline, overdue marked; an entry opens its application. */
import { chinaDateTime } from '../../../shared/china-time.js';
import { button, h } from '../../../shared/web/dom.js';
import type { Screen } from '../../../shared/web/screens.js';
import { applicationScreen } from './application.js';
import { go, inSection, t } from './frame.js';
import { reviewQueue } from './replies.js';

export const queueScreen: Screen = async (main) => {
  inSection('queue');
  const refresh = button({ class: 'secondary small', id: 'refresh' }, t('refresh'), () => {
    go(queueScreen);
  });
  main.append(h('div', { class: 'title-row' }, h('h2', {}, t('queue')), refresh));
  const { applications, waiting, overdue } = await reviewQueue();
  if (applications.length === 0) {
    main.append(h('p', { class: 'notice', id: 'queue-empty' }, t('queueEmpty')));
    return;
  }
  main.append(counts(waiting, overdue, applications.length));
  const list = h('ul', { class: 'queue', id: 'queue' });
  for (const a of applications) {
    const item = h(
      'button',
      { type: 'button', class: a.overdue ? 'entry overdue' : 'entry', 'data-id': String(a.id) },
      h('span', { class: 'entry-id' }, `#${a.id}`),
      h('span', { class: 'entry-number' }, a.licenceNumber),
      a.overdue ? h('span', { class: 'badge' }, t('overdue')) : null,
      h('span', { class: 'entry-path' }, t(`path_${a.path}`)),
      h(
        'span',
        { class: 'entry-deadline' },
        a.deadline === null
          ? ''
          : t('deadline', { time: chinaDateTime(a.deadline * 1000, 'minute') }),
        a.deadline !== null && a.deadlineProvisional
          ? h('span', { class: 'entry-provisional' }, ` · ${t('provisional')}`)
          : null,
      ),
    );
    item.addEventListener('click', () => {
      go(applicationScreen(a.id));
    });
    list.append(h('li', {}, item));
  }
  main.append(list);
};

/**
 * How many wait, how many of them are overdue, and, when the list is not all of them, that it
 * holds the most urgent: 共 250 件待审核 · 其中 3 件已超期 · 下面列出期限最近的 200 件.
 */
function counts(waiting: number, overdue: number, listed: number): HTMLElement {
  return h(
    'p',
    { class: 'queue-counts', id: 'queue-counts' },
    h('span', {}, t('queueWaiting', { n: waiting })),
    overdue === 0 ? null : ' · ',
    overdue === 0 ? null : h('span', { class: 'overdue-text' }, t('queueOverdue', { n: overdue })),
    listed === waiting ? null : ' · ',
    listed === waiting ? null : h('span', {}, t('queueListed', { n: listed })),
  );
}
