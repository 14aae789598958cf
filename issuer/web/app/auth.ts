/**
 * Sign-up (licence number, name, phone, password: the account, then binding) and sign-in of a
 * driver, by licence number or phone number.
 */
import { api } from '../common/api.js';
import { button, h } from '../../../shared/web/dom.js';
import { field, formScreen, numberValue, passwordValue, TYPED_MAX, value } from './forms.js';
import { bindingScreen, resetScreen } from './enrol.js';
import { forgetAll, load } from './store.js';
import { go, setSignedIn, t, type Screen } from './ui.js';
import type { Me, Session } from './replies.js';

/** What happens once signed in. */
let afterSignIn: Screen = () => undefined;

/** Sets the screen shown after a sign-in. */
export function setAfterSignIn(screen: Screen): void {
  afterSignIn = screen;
}

/** The sign-in screen; `notice` is shown above the form (after a sign-up). */
export function signInScreen(notice?: string, licenceNumber = ''): Screen {
  return (main) => {
    setSignedIn(false);
    const form = h(
      'form',
      { class: 'card form', id: 'sign-in' },
      h('h2', {}, t('signIn')),
      notice === undefined ? null : h('p', { class: 'notice' }, notice),
      field('licenceNumber', t('accountId'), 'text', {
        autocomplete: 'username',
        inputmode: 'text',
        maxlength: TYPED_MAX.licenceNumber,
        value: licenceNumber,
      }),
      field('password', t('passwordPlain'), 'password', { autocomplete: 'current-password' }),
      h('button', { type: 'submit', class: 'primary' }, t('signIn')),
    );
    const other = button({ class: 'link' }, t('noAccount'), () => {
      go(signUpScreen);
    });
    const forgot = button({ class: 'link', id: 'forgot-password' }, t('forgotPassword'), () => {
      go(resetScreen);
    });
    formScreen(
      main,
      form,
      (f) => {
        const id = numberValue(f, 'licenceNumber');
        const password = passwordValue(f);
        return api<Session>('POST', '/api/session', {
          json: PHONE.test(id)
            ? { kind: 'phone', phone: id, password }
            : { kind: 'driver', licenceNumber: id, password },
        }).then(signedIn);
      },
      h('p', { class: 'links' }, other, forgot),
    );
  };
}

/** A mainland mobile number: the account's phone, not a licence number. */
const PHONE = /^1[3-9]\d{9}$/;

/** After a sign-in: the phone forgets another account's e-licence; binding first when needed. */
async function signedIn(): Promise<void> {
  // Another account's device and credential never stay on the phone.
  const me = await api<Me>('GET', '/api/me');
  const device = await load('device');
  if (device !== undefined && device.account !== `driver:${me.driverId}`) await forgetAll();
  setSignedIn(true);
  go(me.licenceNumber === null ? bindingScreen : afterSignIn);
}

/** The sign-up screen. */
export const signUpScreen: Screen = (main) => {
  setSignedIn(false);
  const form = h(
    'form',
    { class: 'card form', id: 'sign-up' },
    h('h2', {}, t('signUp')),
    field('licenceNumber', t('licenceNumber'), 'text', {
      maxlength: TYPED_MAX.licenceNumber,
      autocomplete: 'username',
    }),
    field('name', t('name'), 'text', { autocomplete: 'name', maxlength: '50' }),
    field('phone', t('phone'), 'tel', {
      inputmode: 'numeric',
      maxlength: TYPED_MAX.phone,
      autocomplete: 'tel',
    }),
    field('password', t('password'), 'password', { autocomplete: 'new-password', minlength: '10' }),
    h('button', { type: 'submit', class: 'primary' }, t('signUp')),
  );
  const other = button({ class: 'link' }, t('haveAccount'), () => {
    go(signInScreen());
  });
  formScreen(
    main,
    form,
    (f) => {
      const phone = numberValue(f, 'phone');
      const password = passwordValue(f);
      return (
        api('POST', '/api/drivers', {
          json: {
            licenceNumber: numberValue(f, 'licenceNumber'),
            name: value(f, 'name'),
            phone,
            password,
          },
        })
          // The account exists: signed in by its phone, it goes on to the code and the check.
          .then(() =>
            api<Session>('POST', '/api/session', { json: { kind: 'phone', phone, password } }),
          )
          .then(signedIn)
      );
    },
    other,
  );
};
