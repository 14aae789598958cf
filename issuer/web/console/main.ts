/*
 * The staff console: sign-in; for a reviewer the queue by deadline (overdue marked) and one
 * application with its photo, its pre-check and audit trail, and the decision; for an admin the
 * same, and the admin's sections (licences, staff, verifier devices, the registry import, the
 * signing keys, the audit log). Screens are in their own modules; this one draws the header and
 * the sections' bar, and decides where to start.
 */
import { setCsrfToken } from '../common/api.js';
import { button, byId, h } from '../../../shared/web/dom.js';
import { languageButton } from '../../../shared/web/i18n.js';
import type { Screen } from '../../../shared/web/screens.js';
import { auditScreen } from './audit-log.js';
import { devicesScreen } from './devices.js';
import {
  forgetSession,
  go,
  i18n,
  onSection,
  redraw,
  SECTIONS,
  state,
  t,
  type Section,
} from './frame.js';
import { importScreen } from './import.js';
import { keysScreen } from './keys.js';
import { licencesScreen } from './licences.js';
import type { MessageKey } from './messages.js';
import { queueScreen } from './queue.js';
import { isStaff, signOut, whoAmI, type Me } from './replies.js';
import { signInScreen } from './sign-in.js';
import { staffScreen } from './staff.js';

/** The first screen of each section. */
const SCREENS: Readonly<Record<Section, () => Screen>> = {
  queue: () => queueScreen,
  licences: () => licencesScreen,
  staff: () => staffScreen(),
  devices: () => devicesScreen(),
  import: () => importScreen,
  keys: () => keysScreen,
  audit: () => auditScreen,
};

/** The admin's sections, the one in view marked; hidden for a reviewer and before sign-in. */
function sections(): void {
  const bar = byId('sections');
  if (!state.signedIn || state.role !== 'admin') {
    bar.hidden = true;
    bar.replaceChildren();
    return;
  }
  bar.hidden = false;
  bar.setAttribute('aria-label', t('sections'));
  bar.replaceChildren(
    ...SECTIONS.map((section) =>
      button(
        {
          class: 'section',
          id: `to-${section}`,
          'data-section': section,
          'aria-current': section === state.section ? 'page' : false,
        },
        t(`section_${section}` as MessageKey),
        () => {
          go(SCREENS[section]());
        },
      ),
    ),
  );
}

/** The header: the title, the language, and sign-out when signed in. */
function header(): void {
  const lang = languageButton(i18n, t('switchLang'), () => {
    header();
    redraw();
  });
  const out = button({ id: 'sign-out' }, t('signOut'), () => {
    void signOut()
      .catch(() => undefined)
      .then(() => {
        setCsrfToken(undefined);
        forgetSession();
        enter(undefined);
      });
  });
  const title = state.signedIn && state.role === 'admin' ? t('titleAdmin') : t('title');
  document.title = title;
  byId('bar').replaceChildren(h('h1', {}, title), h('nav', {}, lang, state.signedIn ? out : null));
  sections();
}

/** The queue for a member of staff (the admin's sections too), else the sign-in. */
function enter(me: Me | undefined): void {
  const staff = me !== undefined && isStaff(me);
  state.signedIn = staff;
  state.role = staff && (me.role === 'admin' || me.role === 'reviewer') ? me.role : undefined;
  state.staffId = staff && 'staffId' in me ? me.staffId : undefined;
  state.section = 'queue';
  header();
  go(
    staff
      ? queueScreen
      : signInScreen(() => {
          whoAmI().then(enter, () => {
            enter(undefined);
          });
        }),
  );
}

onSection(sections);

whoAmI().then(enter, () => {
  enter(undefined);
});
