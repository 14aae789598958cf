/** The staff sign-in screen. */
import { h } from '../../../shared/web/dom.js';
import type { Screen } from '../../../shared/web/screens.js';
import { problem, t } from './frame.js';
import { isStaff, signIn } from './replies.js';

/** Signs a reviewer or an admin in, then calls `onStaff`; anyone else is told no. */
export const signInScreen =
  (onStaff: () => void): Screen =>
  (main) => {
    const form = h(
      'form',
      { class: 'card form', id: 'sign-in' },
      h('h2', {}, t('signIn')),
      h(
        'label',
        { class: 'field' },
        h('span', {}, t('username')),
        h('input', { name: 'username', id: 'username', required: true, autocomplete: 'username' }),
      ),
      h(
        'label',
        { class: 'field' },
        h('span', {}, t('password')),
        h('input', {
          name: 'password',
          id: 'password',
          type: 'password',
          required: true,
          autocomplete: 'current-password',
        }),
      ),
      h('button', { type: 'submit', class: 'primary' }, t('signIn')),
    );
    const status = h('div', { 'aria-live': 'polite', id: 'sign-in-status' });
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const value = (name: string) => (form.elements.namedItem(name) as HTMLInputElement).value;
      signIn(value('username').trim(), value('password')).then(
        (who) => {
          if (isStaff(who)) onStaff();
          else status.replaceChildren(problem(new Error(t('notStaff'))));
        },
        (error: unknown) => {
          status.replaceChildren(problem(error));
        },
      );
    });
    main.append(form, status);
  };
