/*
 * The application for the e-licence (docs/DOMAIN.md §1.3–1.5): the path the service offers, the
 * photo guidance before any camera opens, capture or album upload with the pre-check's answer at
 * once, the real-person check for the stored photo, and the application's state with its deadline.
 */
import { api, ApiError } from '../common/api.js';
import { chinaDateTime } from '../../../shared/china-time.js';
import { button, h, keepDatesWhole } from '../../../shared/web/dom.js';
import { takePicture } from './camera.js';
import type { MessageKey } from './messages.js';
import { fitPhoto } from './photo-fit.js';
import { takeSelfie } from './selfie.js';
import { serviceNow } from './phone-clock.js';
import { load } from './store.js';
import { adviceText, errorBox, go, onLeave, reasonText, t, type Screen } from './ui.js';
import type { Application, Offer } from './replies.js';

/** Where the flow goes once the e-licence is issued (set by main). */
let whenIssued: Screen = () => undefined;
/** Where a photo change returns to (the licence page). */
let home: Screen = () => undefined;

/** Wires the screens this module leads to. */
export function setApplyTargets(targets: { issued: Screen; home: Screen }): void {
  whenIssued = targets.issued;
  home = targets.home;
}

/** The latest application, or undefined when there is none. */
export async function latestApplication(): Promise<Application | undefined> {
  try {
    return await api<Application>('GET', '/api/me/application');
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return undefined;
    throw error;
  }
}

/** 审核截止时间：… with the time kept on one line. */
function deadlineLine(deadline: number): HTMLElement {
  const time = chinaDateTime(deadline * 1000, 'minute');
  return h('p', {}, ...keepDatesWhole(t('deadline', { time })));
}

/** The state of an application in words (and its deadline or reason). */
export function stateBlock(app: Application): HTMLElement {
  return h(
    'div',
    { class: `state state-${app.state}`, id: 'application-state' },
    h('p', { class: 'state-title' }, t(`state_${app.state}` as MessageKey)),
    app.state === 'draft'
      ? h('p', { id: 'draft-path' }, t('draftPath', { path: t(`path_${app.path}`) }))
      : null,
    app.state === 'submitted' && app.deadline !== null ? deadlineLine(app.deadline) : null,
    app.state === 'submitted' && app.deadline !== null && app.deadlineProvisional
      ? h('p', { class: 'provisional' }, t('deadlineProvisional'))
      : null,
    app.state === 'rejected' && app.reason !== null
      ? h('p', { class: 'reason' }, t('rejectReason', { reason: app.reason }))
      : null,
  );
}

/** The application screen: what to do next, from the latest application. */
export const applyScreen: Screen = async (main) => {
  main.append(h('h2', {}, t('applyTitle')));
  const app = await latestApplication();
  if (app?.state === 'issued') {
    go(whenIssued);
    return;
  }
  if (app === undefined || app.state === 'abandoned') {
    const offer = await api<Offer>('GET', '/api/me/application/paths');
    main.append(pathChoice(offer));
    return;
  }
  main.append(
    h(
      'section',
      { class: 'card' },
      stateBlock(app),
      h('div', { class: 'actions' }, ...nextSteps(app)),
    ),
  );
};

function nextSteps(app: Application): HTMLElement[] {
  const button = (label: string, action: () => void, primary = true) => {
    const b = h('button', { type: 'button', class: primary ? 'primary' : 'secondary' }, label);
    b.addEventListener('click', action);
    return b;
  };
  const abandon = button(
    t('abandon'),
    () => {
      api('POST', '/api/me/application/abandon', { json: {} }).then(
        () => {
          go(applyScreen);
        },
        (error: unknown) => {
          document.getElementById('main')?.append(errorBox(error));
        },
      );
    },
    false,
  );
  switch (app.state) {
    case 'draft':
      return [
        button(t('draftContinue'), () => {
          go(app.path === 'stored' ? storedScreen : guidanceScreen(app.path));
        }),
        abandon,
      ];
    case 'rejected':
      return [
        button(t('resubmit'), () => {
          go(guidanceScreen(app.path === 'camera' ? 'camera' : 'album'));
        }),
        abandon,
      ];
    case 'identity_failed':
      return [
        button(t('retrySelfie'), () => {
          go(selfieScreen);
        }),
        abandon,
      ];
    default:
      return [
        button(
          t('refreshState'),
          () => {
            go(applyScreen);
          },
          false,
        ),
      ];
  }
}

/**
 * 怎么办: what the driver can do about a licence that may not be used now, and where (`authority`,
 * the issuing office; '' when unknown); `held` on a phone that holds the e-licence, where it
 * stands right under the page's title (so its heading is an h2; on the application, an h3 under
 * the screen's).
 */
export function adviceBlock(reason: string, authority: string, held = false): HTMLElement {
  return h(
    'div',
    { class: 'advice', id: 'licence-advice' },
    h(held ? 'h2' : 'h3', {}, t('adviceTitle')),
    h('p', { id: 'advice-text' }, adviceText(reason, held)),
    authority === ''
      ? null
      : h(
          'p',
          { class: 'advice-office', id: 'advice-authority' },
          t('adviceAuthority', { authority }),
        ),
  );
}

function pathChoice(offer: Offer): HTMLElement {
  if (offer.refusal !== undefined) {
    // Said before any path is picked: none would be accepted. Then what to do, and where.
    return h(
      'section',
      { class: 'card' },
      h(
        'p',
        { class: 'error', role: 'alert', id: 'licence-not-usable' },
        t('err_ERR_LICENCE_NOT_USABLE', { reason: reasonText(offer.refusal.reason) }),
      ),
      adviceBlock(offer.refusal.reason, offer.refusal.authority),
    );
  }
  const status = h('div', { 'aria-live': 'polite', id: 'path-status' });
  const list = h('div', { class: 'paths' });
  for (const path of offer.paths) {
    const b = h('button', { type: 'button', class: 'path', id: `path-${path}` }, t(`path_${path}`));
    b.addEventListener('click', () => {
      api('POST', '/api/me/application', { json: { path } }).then(
        () => {
          go(path === 'stored' ? storedScreen : guidanceScreen(path));
        },
        (error: unknown) => {
          status.replaceChildren(errorBox(tooSoon(error)));
        },
      );
    });
    list.append(b);
  }
  // The licence's e-licence was issued on another account lately: a new photo waits.
  const waiting =
    offer.notBefore === null || offer.photoChange ? null : notBeforeNotice(offer.notBefore);
  return h('section', { class: 'card' }, h('p', {}, t('applyIntro')), list, waiting, status);
}

/** A photo change refused as too soon says when it may start, in China time. */
function tooSoon(error: unknown): unknown {
  if (error instanceof ApiError && error.code === 'ERR_PHOTO_CHANGE_TOO_SOON') {
    const at = error.body.notBefore;
    return new Error(
      t('err_ERR_PHOTO_CHANGE_TOO_SOON', {
        date: typeof at === 'number' ? chinaDateTime(at * 1000, 'minute') : '',
      }),
    );
  }
  return error;
}

/** The photo change from the licence page: camera or album, not before `notBefore`. */
export const photoChangeScreen: Screen = async (main) => {
  const back = button({ class: 'link' }, t('back'), () => {
    go(home);
  });
  main.append(back, h('h2', {}, t('photoChangeTitle')));
  const app = await latestApplication();
  if (app !== undefined && !['issued', 'abandoned'].includes(app.state)) {
    main.append(
      h(
        'section',
        { class: 'card' },
        stateBlock(app),
        h('div', { class: 'actions' }, ...nextSteps(app)),
      ),
    );
    return;
  }
  const offer = await api<Offer>('GET', '/api/me/application/paths');
  if (offer.notBefore !== null && offer.notBefore > serviceNow() / 1000) {
    main.append(notBeforeNotice(offer.notBefore));
    return;
  }
  main.append(pathChoice(offer));
};

/** From when (seconds) a new photo may be used, in China time. */
function notBeforeNotice(at: number): HTMLElement {
  return h(
    'p',
    { class: 'notice', id: 'photo-change-not-before' },
    t('photoChangeNotBefore', { date: chinaDateTime(at * 1000, 'minute') }),
  );
}

function guidance(): HTMLElement {
  return h(
    'section',
    { class: 'card guidance', id: 'guidance' },
    h('h2', { class: 'section-title' }, t('guidanceTitle')),
    h(
      'ul',
      {},
      h('li', {}, t('guidance1')),
      h('li', {}, t('guidance2')),
      h('li', {}, t('guidance3')),
      h('li', {}, t('guidance4')),
    ),
  );
}

/** The guidance first; then the camera, or the album picker. */
function guidanceScreen(path: 'camera' | 'album', failure?: HTMLElement): Screen {
  return (main) => {
    main.append(guidance());
    if (failure !== undefined) main.append(failure);
    const status = h('div', { 'aria-live': 'polite', id: 'upload-status' });
    if (path === 'camera') {
      const open = button({ class: 'primary', id: 'open-camera' }, t('guidanceOk'), () => {
        shoot(main).then(
          (blob) => {
            if (blob === undefined) go(guidanceScreen(path));
            else upload(blob, 'image/jpeg', path);
          },
          (error: unknown) => {
            go(guidanceScreen(path, errorBox(error)));
          },
        );
      });
      main.append(h('div', { class: 'actions' }, open), status);
    } else {
      const input = h('input', {
        type: 'file',
        id: 'album-input',
        accept: 'image/jpeg,image/png',
        class: 'visually-hidden',
      });
      input.addEventListener('change', () => {
        const file = input.files?.[0];
        if (file !== undefined) fitAndUpload(file, path);
      });
      main.append(
        h('label', { class: 'primary button-like', id: 'open-album' }, input, t('guidanceAlbum')),
        status,
      );
    }
  };
}

/**
 * The camera, then the picture shown with 重拍 and 使用此照片: resolves with the picture the
 * driver chose to use, or undefined when the camera was cancelled.
 */
async function shoot(main: HTMLElement): Promise<Blob | undefined> {
  for (;;) {
    const blob = await takePicture(main, 'environment', {
      take: t('cameraTake'),
      cancel: t('cameraCancel'),
      hint: t('cameraHint'),
      noCamera: t('noCamera'),
    });
    if (blob === undefined) return undefined;
    if (await confirmPicture(main, blob, 'camera')) return blob;
  }
}

/**
 * The photo taken or chosen, to look at before it is sent: true for 使用此照片, false for 重拍
 * (the camera) or 重新选择 (the album). A photo sent goes to review and cannot be taken back.
 */
function confirmPicture(main: HTMLElement, blob: Blob, path: 'camera' | 'album'): Promise<boolean> {
  const url = URL.createObjectURL(blob);
  return new Promise<boolean>((resolve) => {
    const use = button({ class: 'primary', id: 'picture-use' }, t('cameraUse'), () => {
      resolve(true);
    });
    const again = button(
      { class: 'secondary', id: 'picture-again' },
      t(path === 'camera' ? 'cameraRetake' : 'albumRechoose'),
      () => {
        resolve(false);
      },
    );
    main.replaceChildren(
      h(
        'section',
        { class: 'card picture-check', id: 'picture-check' },
        h('h2', { class: 'section-title' }, t('pictureCheckTitle')),
        h('img', {
          src: url,
          class: 'picture-taken',
          id: 'picture-taken',
          alt: t('pictureCheckTitle'),
        }),
        h('p', { class: 'hint' }, t(path === 'camera' ? 'pictureCheckHint' : 'albumCheckHint')),
        h('div', { class: 'actions' }, use, again),
      ),
    );
    use.focus();
  }).finally(() => {
    URL.revokeObjectURL(url);
  });
}

/**
 * An album photo made fit on the phone (photo-fit.ts), shown, and sent on 使用此照片; or why it
 * cannot be used.
 */
function fitAndUpload(file: File, path: 'camera' | 'album'): void {
  const main = document.getElementById('main');
  if (main === null) return;
  main.replaceChildren(h('p', { class: 'notice', id: 'photo-fitting' }, t('photoFitting')));
  fitPhoto(file).then(
    async (fitted) => {
      if (fitted.ok) {
        if (await confirmPicture(main, fitted.blob, 'album'))
          upload(fitted.blob, fitted.type, path);
        else go(guidanceScreen(path));
      } else
        go(
          guidanceScreen(
            path,
            h(
              'p',
              { class: 'error', role: 'alert', id: 'photo-unusable' },
              t(fitted.reason === 'unreadable' ? 'photoUnreadable' : 'photoTooLarge', {
                size: sizeText(fitted.bytes),
              }),
            ),
          ),
        );
    },
    (error: unknown) => {
      go(guidanceScreen(path, errorBox(error)));
    },
  );
}

/** A file size as people read it: 350 KB, 7.4 MB. */
export function sizeText(bytes: number): string {
  return bytes < 1024 * 1024
    ? `${Math.max(1, Math.round(bytes / 1024))} KB`
    : `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

function upload(bytes: Blob, type: string, path: 'camera' | 'album'): void {
  const main = document.getElementById('main');
  main?.replaceChildren(
    h('p', { class: 'notice', id: 'uploading' }, t('uploading', { size: sizeText(bytes.size) })),
  );
  api('POST', '/api/me/application/photo', {
    bytes,
    type: type === 'image/png' ? 'image/png' : 'image/jpeg',
  }).then(
    () => {
      go(applyOrHome);
    },
    (error: unknown) => {
      go(guidanceScreen(path, precheckFailures(error)));
    },
  );
}

/** After a submission: the licence page when there is an e-licence already, else the state. */
const applyOrHome: Screen = async (main) => {
  if ((await load('credential')) !== undefined) go(home);
  else await applyScreen(main);
};

/** The pre-check's answer: each failed rule in words (and what was found, in English). */
function precheckFailures(error: unknown): HTMLElement {
  if (!(error instanceof ApiError && error.code === 'ERR_PHOTO_REJECTED')) return errorBox(error);
  const failures = Array.isArray(error.body.failures)
    ? (error.body.failures as { rule?: unknown; found?: unknown }[])
    : [];
  return h(
    'div',
    { class: 'error', role: 'alert', id: 'precheck-failures' },
    h('p', {}, t('precheckFailed')),
    h(
      'ul',
      {},
      ...failures.map((f) =>
        h('li', { 'data-rule': String(f.rule) }, t(`rule_${String(f.rule)}` as MessageKey)),
      ),
    ),
  );
}

/** The stored photo: shown, confirmed, then the selfie. */
const storedScreen: Screen = async (main) => {
  const card = h(
    'section',
    { class: 'card' },
    h('h2', { class: 'section-title' }, t('storedTitle')),
  );
  try {
    const photo = await api<Blob>('GET', '/api/me/portrait');
    const url = URL.createObjectURL(photo);
    onLeave(() => {
      URL.revokeObjectURL(url);
    });
    card.append(h('img', { src: url, class: 'stored-photo', alt: t('storedTitle') }));
  } catch {
    // The registry photo is shown when the service has it; the check goes on without it.
  }
  const confirm = button({ class: 'primary', id: 'confirm-stored' }, t('storedConfirm'), () => {
    go(selfieScreen);
  });
  card.append(h('p', {}, t('storedIntro')), confirm);
  main.append(card);
};

/** The real-person check: a selfie, taken like the photo, sent with the confirmation. */
const selfieScreen: Screen = (main) => {
  takeSelfie(main)
    .then(
      async (selfie) => {
        if (selfie === undefined) {
          go(applyScreen);
          return;
        }
        main.replaceChildren(h('p', { class: 'notice' }, t('loading')));
        await api('POST', '/api/me/application/confirm-stored', { json: { selfie } });
        go(whenIssued);
      },
      (error: unknown) => {
        main.replaceChildren(errorBox(error));
      },
    )
    .catch((error: unknown) => {
      go((m) => {
        m.append(errorBox(error));
        const retry = button({ class: 'primary' }, t('retrySelfie'), () => {
          go(applyScreen);
        });
        m.append(retry);
      });
    });
};
