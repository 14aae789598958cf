/*
 * The reviewers' console: staff sign-in, the queue by deadline (overdue marked), one
 * application with its photo, its pre-check and audit trail, and the decision. Screens are in
 * their own modules; this one draws the header and decides where to start.
 */
import { setCsrfToken } from '../common/api.js';
import { button, byId, h } from '../../../shared/web/dom.js';
import { languageButton } from '../../../shared/web/i18n.js';
import { go, i18n, redraw, state, t } from './frame.js';
import { queueScreen } from './queue.js';
import { isStaff, signOut, whoAmI } from './replies.js';
import { signInScreen } from './sign-in.js';

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
        enter(false);
      });
  });
  document.title = t('title');
  byId('bar').replaceChildren(
    h('h1', {}, t('title')),
    h('nav', {}, lang, state.signedIn ? out : null),
  );
}

/** The queue for a reviewer, else the sign-in. */
function enter(signedIn: boolean): void {
  state.signedIn = signedIn;
  header();
  go(
    signedIn
      ? queueScreen
      : signInScreen(() => {
          enter(true);
        }),
  );
}

whoAmI().then(
  (me) => {
    enter(isStaff(me));
  },
  () => {
    enter(false);
  },
);
