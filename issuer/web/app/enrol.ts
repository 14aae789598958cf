/*
 * Binding the licence to the account (docs/DOMAIN.md §1.1): the licence named, the code sent to
 * the phone entered, then the real-person check; and 忘记密码: a code, the check when the
 * account holds a licence, a new password.
 */
import { api } from '../common/api.js';
import { button, h } from '../../../shared/web/dom.js';
import { field, formScreen, numberValue, passwordValue, TYPED_MAX, value } from './forms.js';
import type { Binding, ResetCode } from './replies.js';
import { takeSelfie } from './selfie.js';
import { errorBox, go, setSignedIn, t, type Screen } from './ui.js';

/** Where a bound account goes next (set by main), and where a finished reset goes (sign-in). */
let bound: Screen = () => undefined;
let signIn: (notice: string) => Screen = () => () => undefined;

/** Wires the screens this module leads to. */
export function setEnrolTargets(targets: {
  bound: Screen;
  signIn: (notice: string) => Screen;
}): void {
  bound = targets.bound;
  signIn = targets.signIn;
}

/** Where the account stands in binding, and the step it needs now. */
export const bindingScreen: Screen = async (main) => {
  setSignedIn(true);
  const state = await api<Binding>('GET', '/api/me/binding');
  if (state.state === 'bound') go(bound);
  else if (state.state === 'none') claimScreen(main);
  else if (state.state === 'code_sent') codeScreen(main);
  else checkScreen(main);
};

/** Names the licence to bind (an account whose licence was taken over, or never bound). */
function claimScreen(main: HTMLElement): void {
  const form = h(
    'form',
    { class: 'card form', id: 'claim' },
    h('h2', {}, t('bindTitle')),
    h('p', {}, t('bindIntro')),
    field('licenceNumber', t('licenceNumber'), 'text', { maxlength: TYPED_MAX.licenceNumber }),
    field('name', t('name'), 'text', { maxlength: '50' }),
    h('button', { type: 'submit', class: 'primary' }, t('sendCode')),
  );
  formScreen(main, form, async (f) => {
    await api('POST', '/api/me/binding', {
      json: { licenceNumber: numberValue(f, 'licenceNumber'), name: value(f, 'name') },
    });
    go(bindingScreen);
  });
}

/** The code sent to the account's phone. */
function codeScreen(main: HTMLElement): void {
  const form = h(
    'form',
    { class: 'card form', id: 'binding-code' },
    h('h2', {}, t('bindTitle')),
    h('p', {}, t('codeSent')),
    field('code', t('code'), 'text', {
      inputmode: 'numeric',
      autocomplete: 'one-time-code',
      maxlength: TYPED_MAX.code,
    }),
    h('button', { type: 'submit', class: 'primary' }, t('confirmCode')),
  );
  const resend = button({ class: 'link', id: 'resend-code' }, t('resendCode'), () => {
    api('POST', '/api/me/binding/code/resend').then(
      () => {
        go(bindingScreen);
      },
      (error: unknown) => {
        main.append(errorBox(error));
      },
    );
  });
  formScreen(
    main,
    form,
    async (f) => {
      await api('POST', '/api/me/binding/code', { json: { code: numberValue(f, 'code') } });
      go(bindingScreen);
    },
    resend,
  );
}

/** The real-person check that binds the licence. */
function checkScreen(main: HTMLElement): void {
  const card = h(
    'section',
    { class: 'card', id: 'binding-check' },
    h('h2', {}, t('bindTitle')),
    h('p', {}, t('bindCheckIntro')),
  );
  const start = button({ class: 'primary', id: 'start-check' }, t('startCheck'), () => {
    go(selfieForBinding);
  });
  card.append(start);
  main.append(card);
}

const selfieForBinding: Screen = async (main) => {
  try {
    const selfie = await takeSelfie(main);
    if (selfie === undefined) {
      go(bindingScreen);
      return;
    }
    main.replaceChildren(h('p', { class: 'notice' }, t('loading')));
    await api('POST', '/api/me/binding/check', { json: { selfie } });
    go(bound);
  } catch (error) {
    main.replaceChildren(
      errorBox(error),
      button({ class: 'primary', id: 'retry-check' }, t('retrySelfie'), () => {
        go(bindingScreen);
      }),
    );
  }
};

/** 忘记密码: the phone number first. */
export const resetScreen: Screen = (main) => {
  setSignedIn(false);
  const form = h(
    'form',
    { class: 'card form', id: 'reset' },
    h('h2', {}, t('forgotPassword')),
    h('p', {}, t('resetIntro')),
    field('phone', t('phone'), 'tel', { inputmode: 'numeric', maxlength: TYPED_MAX.phone }),
    h('button', { type: 'submit', class: 'primary' }, t('sendCode')),
  );
  formScreen(main, form, async (f) => {
    const phone = numberValue(f, 'phone');
    await api('POST', '/api/password-reset', { json: { phone } });
    go(resetCodeScreen(phone));
  });
};

function resetCodeScreen(phone: string): Screen {
  return (main) => {
    const form = h(
      'form',
      { class: 'card form', id: 'reset-code' },
      h('h2', {}, t('forgotPassword')),
      h('p', {}, t('resetCodeSent')),
      field('code', t('code'), 'text', {
        inputmode: 'numeric',
        autocomplete: 'one-time-code',
        maxlength: TYPED_MAX.code,
      }),
      field('password', t('newPassword'), 'password', {
        autocomplete: 'new-password',
        minlength: '10',
      }),
      h('button', { type: 'submit', class: 'primary' }, t('resetPassword')),
    );
    formScreen(main, form, async (f) => {
      const entered = await api<ResetCode>('POST', '/api/password-reset/code', {
        json: { phone, code: numberValue(f, 'code') },
      });
      const password = passwordValue(f);
      go(resetFinishScreen(entered, password));
    });
  };
}

/** The real-person check when the account holds a licence, then the new password is set. */
function resetFinishScreen(entered: ResetCode, password: string): Screen {
  return async (main) => {
    try {
      let selfie: string | undefined;
      if (entered.checkNeeded) {
        selfie = await takeSelfie(main);
        if (selfie === undefined) {
          go(resetScreen);
          return;
        }
      }
      main.replaceChildren(h('p', { class: 'notice' }, t('loading')));
      await api('POST', '/api/password-reset/complete', {
        json: { token: entered.token, password, ...(selfie === undefined ? {} : { selfie }) },
      });
      go(signIn(t('passwordReset')));
    } catch (error) {
      main.replaceChildren(
        errorBox(error),
        button({ class: 'primary' }, t('retrySelfie'), () => {
          go(resetFinishScreen(entered, password));
        }),
      );
    }
  };
}
