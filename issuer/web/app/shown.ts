/*
 * The record of the codes this phone showed (出示记录, shown-log.ts): kept on the phone, read on
 * its own screen, cleared on the driver's word (asked once more).
 */
import { chinaDateTime } from '../../../shared/china-time.js';
import { GROUP_NAMES } from '../../../shared/sd/groups.js';
import { groupsInSentence, PURPOSE_WORDS } from '../../../shared/sd/words.js';
import { button, h } from '../../../shared/web/dom.js';
import { MAX_SHOWN_LOG, withEntry, type ShownEntry } from './shown-log.js';
import { forget, keep, load } from './store.js';
import { go, i18n, redraw, t, type Screen } from './ui.js';
import { ROLE_MESSAGE } from './roles.js';

/** Notes a code shown, in front of the record, which keeps the last MAX_SHOWN_LOG. */
export async function logShown(entry: ShownEntry): Promise<void> {
  await keep('shownLog', withEntry(await load('shownLog'), entry));
}

/** Where "back" leads (set by main). */
let back: Screen = () => undefined;

/** Sets where "back" leads. */
export function setShownLogBack(screen: Screen): void {
  back = screen;
}

/** The record's screen: newest first, the time in China time, the purpose, the groups shown. */
export const shownLogScreen: Screen = async (main) => {
  const backButton = button({ class: 'link', id: 'shown-log-back' }, t('back'), () => {
    go(back);
  });
  const log = (await load('shownLog')) ?? [];
  main.append(
    backButton,
    h('h2', {}, t('shownLog')),
    h('p', { class: 'hint shown-note' }, t('shownLogNote', { max: MAX_SHOWN_LOG })),
  );
  if (log.length === 0) {
    main.append(h('p', { class: 'notice', id: 'shown-log-empty' }, t('shownLogEmpty')));
    return;
  }
  main.append(
    h(
      'ul',
      { class: 'shown-log', id: 'shown-log' },
      ...log.map((e) =>
        h(
          'li',
          {
            class: `shown-entry frame-${e.purpose === 'police' ? 'full' : 'partial'}`,
            'data-purpose': e.purpose,
            'data-groups': e.groups.map((g) => GROUP_NAMES[g]).join(' '),
            'data-org': e.verifier?.org,
          },
          h('p', { class: 'shown-purpose' }, i18n.say(PURPOSE_WORDS[e.purpose])),
          e.verifier === undefined
            ? null
            : h(
                'p',
                { class: 'shown-verifier' },
                t('shownTo', { org: e.verifier.org, role: t(ROLE_MESSAGE[e.verifier.role]) }),
              ),
          h('p', { class: 'shown-when' }, t('shownAt', { time: chinaDateTime(e.at, 'second') })),
          h(
            'p',
            { class: 'shown-groups' },
            // Everything in short; any part in full, which is what a record is read for.
            e.groups.length === GROUP_NAMES.length
              ? t('pickPoliceSub')
              : groupsInSentence(
                  e.groups.map((g) => GROUP_NAMES[g]),
                  i18n.lang(),
                ),
            e.version === 1 ? t('shownV1') : null,
          ),
        ),
      ),
    ),
  );
  const clear = button({ class: 'secondary', id: 'clear-log' }, t('clearLog'), () => {
    const yes = button({ class: 'primary danger', id: 'clear-log-yes' }, t('clearLogYes'), () => {
      void forget('shownLog').then(() => {
        redraw(shownLogScreen);
      });
    });
    const no = button({ class: 'secondary', id: 'clear-log-no' }, t('clearLogNo'), () => {
      asking.replaceWith(actions);
    });
    const asking = h(
      'div',
      { class: 'card confirm', id: 'clear-log-confirm' },
      h('p', {}, t('clearLogConfirm')),
      h('div', { class: 'actions' }, yes, no),
    );
    actions.replaceWith(asking);
  });
  const actions = h('div', { class: 'actions' }, clear);
  main.append(actions);
};
