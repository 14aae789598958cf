/*
 * 扫码出示: the camera (or a picture the driver picks, a screenshot sent by a counter) reads a
 * verifier's request code; the request is then shown in words for the driver's consent, or its
 * refusal with the reason. The check itself is verifier-request.ts's, offline.
 */
import { chinaDateTime } from '../../../shared/china-time.js';
import type { VerifiedRequest } from '../../../shared/request/request.js';
import { GROUP_NAMES } from '../../../shared/sd/groups.js';
import { GROUP_WORDS, groupsInSentence } from '../../../shared/sd/words.js';
import { startCameraScan } from '../../../shared/web/camera-scanner.js';
import { button, h, keepDatesWhole } from '../../../shared/web/dom.js';
import { createQrDecoder, decodeImageFile } from '../../../shared/web/qr-decoder.js';
import { i18n, t } from './ui.js';
import { ROLE_MESSAGE } from './roles.js';
import { REFUSAL_MESSAGE, type RefusalCode } from './verifier-request.js';

/**
 * Draws the scanner in `box`: the back camera reading the centre square, a picture to pick
 * instead, and cancel. Calls `onText` once with the first code read.
 * @returns what stops the camera.
 */
export async function scanPanel(
  box: HTMLElement,
  onText: (text: string) => void,
  onCancel: () => void,
): Promise<() => void> {
  const video = h('video', { class: 'camera-video', id: 'scan-video', muted: true });
  const problem = h('p', { class: 'error', id: 'scan-problem', role: 'alert', hidden: true });
  const say = (words: string) => {
    problem.textContent = words;
    problem.hidden = false;
  };
  // An object: the callbacks below change it while the camera starts.
  const state = { done: false };
  let stopCamera: () => void = () => undefined;
  const finish = (text: string) => {
    if (state.done) return;
    state.done = true;
    stopCamera();
    onText(text);
  };
  // Undefined when the reader's WebAssembly did not load: the screen says so (below).
  const decoder = await createQrDecoder().catch(() => undefined);
  const file = h('input', {
    type: 'file',
    accept: 'image/*',
    id: 'scan-file',
    class: 'visually-hidden',
  });
  file.addEventListener('change', () => {
    const picked = file.files?.[0];
    file.value = '';
    if (picked === undefined) return;
    if (decoder === undefined) {
      say(t('scanNoReader'));
      return;
    }
    decodeImageFile(picked, decoder).then(
      (text) => {
        if (text === undefined) say(t('scanNoCode'));
        else finish(text);
      },
      () => {
        say(t('scanBadImage'));
      },
    );
  });
  const pick = h(
    'label',
    { class: 'secondary button-like', id: 'scan-pick' },
    file,
    t('scanPickImage'),
  );
  const cancel = button({ class: 'secondary', id: 'scan-cancel' }, t('scanCancel'), () => {
    state.done = true;
    stopCamera();
    onCancel();
  });
  box.append(
    h('h2', { class: 'section-title' }, t('scanTitle')),
    h(
      'div',
      { class: 'camera scan-camera' },
      video,
      h(
        'div',
        { class: 'camera-frame', 'aria-hidden': 'true' },
        h('div', { class: 'scan-square' }),
      ),
    ),
    h('p', { class: 'hint' }, t('scanHint')),
    problem,
    h('div', { class: 'actions scan-actions' }, pick, cancel),
  );
  if (decoder === undefined) {
    say(t('scanNoReader'));
    return () => {
      state.done = true;
    };
  }
  try {
    const scan = await startCameraScan(video, decoder, (text) => {
      finish(text);
    });
    if (state.done) scan.stop();
    else
      stopCamera = () => {
        scan.stop();
      };
  } catch {
    say(t('scanNoCamera'));
  }
  return () => {
    state.done = true;
    stopCamera();
  };
}

/** Until when the request may be answered: the time, then （北京时间）, each kept whole. */
function untilValue(answerBy: number): HTMLElement {
  const time = chinaDateTime(answerBy * 1000, 'second');
  return h('span', { class: 'keep-words' }, ...keepDatesWhole(t('consentUntilValue', { time })));
}

/**
 * A request that verified, in words: who asks, in which role, for what, until when; whether its
 * certificate's status was checked. 同意 answers it, 拒绝 returns to the picker.
 */
export function consentPanel(
  request: VerifiedRequest,
  onAgree: () => void,
  onRefuse: () => void,
): HTMLElement {
  const asked = request.groups.map((g) => GROUP_NAMES[g]);
  const withheld = GROUP_NAMES.filter((g) => !asked.includes(g));
  const row = (label: string, id: string, value: HTMLElement | string) =>
    h('div', { class: 'consent-row' }, h('dt', {}, label), h('dd', { id }, value));
  return h(
    'section',
    { class: 'consent', id: 'consent', 'data-role': request.role, 'data-purpose': request.purpose },
    h('h2', { class: 'section-title' }, t('consentTitle')),
    h('p', { class: 'consent-valid', id: 'consent-valid' }, t('consentValid')),
    h(
      'dl',
      { class: 'consent-fields' },
      row(t('consentWho'), 'consent-org', request.org),
      row(t('consentRole'), 'consent-role', t(ROLE_MESSAGE[request.role])),
      row(
        t('consentAsks'),
        'consent-groups',
        h('ul', {}, ...asked.map((g) => h('li', { 'data-group': g }, i18n.say(GROUP_WORDS[g])))),
      ),
      row(t('consentUntil'), 'consent-until', untilValue(request.answerBy)),
    ),
    withheld.length === 0
      ? null
      : h(
          'p',
          { class: 'withheld', id: 'consent-withheld' },
          t('consentWithheld', {
            groups: groupsInSentence(withheld, i18n.lang()),
          }),
        ),
    request.statusUnchecked
      ? h('p', { class: 'warning', id: 'consent-unchecked' }, t('consentStatusUnchecked'))
      : null,
    h(
      'div',
      { class: 'actions' },
      button({ class: 'primary', id: 'consent-agree' }, t('consentAgree'), onAgree),
      button({ class: 'secondary', id: 'consent-refuse' }, t('consentRefuse'), onRefuse),
    ),
  );
}

/** A request refused, with its reason in words: scan again, or back to the picker. */
export function refusedPanel(
  code: RefusalCode,
  onAgain: () => void,
  onBack: () => void,
): HTMLElement {
  return h(
    'section',
    { class: 'refused', id: 'request-refused', 'data-code': code },
    h('h2', { class: 'section-title' }, t('refusedTitle')),
    h('p', { class: 'error', id: 'refused-reason', role: 'alert' }, t(REFUSAL_MESSAGE[code])),
    h(
      'div',
      { class: 'actions' },
      button({ class: 'primary', id: 'scan-again' }, t('scanAgain'), onAgain),
      button({ class: 'secondary', id: 'refused-back' }, t('backToPicker'), onBack),
    ),
  );
}
