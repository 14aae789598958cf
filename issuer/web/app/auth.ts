/** Sign-up (licence number, name, phone, password) and sign-in of a driver. */
import { api } from '../common/api.js';
import { button, h } from '../../../shared/web/dom.js';
import { forgetAll, load } from './store.js';
import { errorBox, go, setSignedIn, t, type Screen } from './ui.js';
import type { Me, Session } from './replies.js';

/** What happens once signed in. */
let afterSignIn: Screen = () => undefined;

/** Sets the screen shown after a sign-in. */
export function setAfterSignIn(screen: Screen): void {
  afterSignIn = screen;
}

function field(id: string, label: string, type: string, extra: Record<string, string> = {}) {
  return h(
    'label',
    { class: 'field' },
    h('span', {}, label),
    h('input', { id, name: id, type, required: true, ...extra }),
  );
}

const value = (form: HTMLFormElement, name: string) =>
  (form.elements.namedItem(name) as HTMLInputElement).value.trim();

/** The sign-in screen; `notice` is shown above the form (after a sign-up). */
export function signInScreen(notice?: string, licenceNumber = ''): Screen {
  return (main) => {
    setSignedIn(false);
    const form = h(
      'form',
      { class: 'card form', id: 'sign-in' },
      h('h2', {}, t('signIn')),
      notice === undefined ? null : h('p', { class: 'notice' }, notice),
      field('licenceNumber', t('licenceNumber'), 'text', {
        autocomplete: 'username',
        inputmode: 'text',
        maxlength: '18',
        value: licenceNumber,
      }),
      field('password', t('passwordPlain'), 'password', { autocomplete: 'current-password' }),
      h('button', { type: 'submit', class: 'primary' }, t('signIn')),
    );
    const status = h('div', { 'aria-live': 'polite' });
    const other = button({ class: 'link' }, t('noAccount'), () => {
      go(signUpScreen);
    });
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      status.replaceChildren();
      const number = value(form, 'licenceNumber').toUpperCase();
      api<Session>('POST', '/api/session', {
        json: { kind: 'driver', licenceNumber: number, password: value(form, 'password') },
      })
        .then(async () => {
          // Another account's device and credential never stay on the phone.
          const me = await api<Me>('GET', '/api/me');
          const device = await load('device');
          if (device !== undefined && device.account !== `driver:${me.driverId}`) await forgetAll();
          setSignedIn(true);
          go(afterSignIn);
        })
        .catch((error: unknown) => {
          status.replaceChildren(errorBox(error));
        });
    });
    main.append(form, status, other);
  };
}

/** The sign-up screen. */
export const signUpScreen: Screen = (main) => {
  setSignedIn(false);
  const form = h(
    'form',
    { class: 'card form', id: 'sign-up' },
    h('h2', {}, t('signUp')),
    field('licenceNumber', t('licenceNumber'), 'text', {
      maxlength: '18',
      autocomplete: 'username',
    }),
    field('name', t('name'), 'text', { autocomplete: 'name', maxlength: '50' }),
    field('phone', t('phone'), 'tel', {
      inputmode: 'numeric',
      maxlength: '11',
      autocomplete: 'tel',
    }),
    field('password', t('password'), 'password', { autocomplete: 'new-password', minlength: '10' }),
    h('button', { type: 'submit', class: 'primary' }, t('signUp')),
  );
  const status = h('div', { 'aria-live': 'polite' });
  const other = button({ class: 'link' }, t('haveAccount'), () => {
    go(signInScreen());
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    status.replaceChildren();
    const licenceNumber = value(form, 'licenceNumber').toUpperCase();
    api('POST', '/api/drivers', {
      json: {
        licenceNumber,
        name: value(form, 'name'),
        phone: value(form, 'phone'),
        password: (form.elements.namedItem('password') as HTMLInputElement).value,
      },
    })
      .then(() => {
        go(signInScreen(t('signedUp'), licenceNumber));
      })
      .catch((error: unknown) => {
        status.replaceChildren(errorBox(error));
      });
  });
  main.append(form, status, other);
};
