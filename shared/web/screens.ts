/**
 * The frame of an app made of screens: the screen in view, and the way from one screen to the
 * next. A screen is a function that fills `main`; whatever it starts (timers, the camera, an
 * object URL) it registers with onLeave, so that leaving it stops them.
 */
import { byId } from './dom.js';

/** A screen of an app. */
export type Screen = (main: HTMLElement) => Promise<void> | void;

/** Moves between screens; see {@link screenFrame}. */
export interface ScreenFrame {
  /** Shows `screen` (again, when it is the current one: after a language change). */
  readonly go: (screen: Screen) => void;
  /**
   * Shows the current screen again; with `only`, only while that is the current screen (work
   * that finishes in the background must not redraw a screen the user has moved to).
   */
  readonly redraw: (only?: Screen) => void;
  /** Registers what stops when the screen is left. */
  readonly onLeave: (cleanup: () => void) => void;
  /**
   * An error shown in place: the app's own box. One shown in a status line (an element with an
   * id and aria-live, under a form) is shown again, in the language of the day, when the screen
   * is drawn again.
   */
  readonly errorBox: (error: unknown) => HTMLElement;
}

/** Screens shown in the element `#main`; a screen that fails shows `errorBox(error)` there. */
export function screenFrame(drawError: (error: unknown) => HTMLElement): ScreenFrame {
  let current: Screen | undefined;
  const cleanups: (() => void)[] = [];
  /** The error each box on the screen shows. */
  const shown = new WeakMap<HTMLElement, unknown>();
  const errorBox = (error: unknown): HTMLElement => {
    const box = drawError(error);
    shown.set(box, error);
    return box;
  };
  /** Shows `screen`; settles once it is drawn (a screen may await its data first). */
  const show = (screen: Screen): Promise<void> => {
    for (const cleanup of cleanups.splice(0)) cleanup();
    current = screen;
    const main = byId('main');
    main.replaceChildren();
    window.scrollTo(0, 0);
    return Promise.resolve(screen(main)).catch((error: unknown) => {
      main.append(errorBox(error));
    });
  };
  return {
    go(screen) {
      void show(screen);
    },
    redraw(only) {
      if (current === undefined || (only !== undefined && only !== current)) return;
      // A screen drawn again (another language, fresher data) keeps what was typed in its form,
      // the fields marked and the refusal shown, put back once its fields are drawn.
      const restore = keepState(byId('main'), shown, errorBox);
      const screen = current;
      void show(screen).then(() => {
        if (current === screen) restore();
      });
    },
    onLeave(cleanup) {
      cleanups.push(cleanup);
    },
    errorBox,
  };
}

/** The fields whose text the user types. */
const TEXT_FIELDS =
  'input:not([type]), input[type=text], input[type=tel], input[type=password], input[type=email], input[type=search], input[type=number], textarea';

/**
 * Notes, by id, the text typed in `main`'s fields, the fields marked invalid, and the errors shown
 * in its status lines.
 * @returns what puts them back into the elements of the same id drawn since: the text where the
 *   field is empty, the mark, and the error drawn anew where the element is empty.
 */
function keepState(
  main: HTMLElement,
  shown: WeakMap<HTMLElement, unknown>,
  errorBox: (error: unknown) => HTMLElement,
): () => void {
  const typed = new Map<string, string>();
  for (const field of main.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>(TEXT_FIELDS))
    if (field.id !== '' && field.value !== '') typed.set(field.id, field.value);
  const marked = [...main.querySelectorAll('[id][aria-invalid="true"]')].map((field) => field.id);
  const errors = new Map<string, unknown>();
  // A refusal in a status line (an element with an id that is a live region), as a form shows
  // it; not a screen's own failure or a background job's, which drawing again says anew.
  for (const place of main.querySelectorAll<HTMLElement>('[id][aria-live]')) {
    const box = [...place.children].find((child) => shown.has(child as HTMLElement));
    if (box !== undefined) errors.set(place.id, shown.get(box as HTMLElement));
  }
  const byIdIn = (id: string) => main.querySelector(`#${CSS.escape(id)}`);
  return () => {
    for (const [id, value] of typed) {
      const field = byIdIn(id);
      if (
        (field instanceof HTMLInputElement || field instanceof HTMLTextAreaElement) &&
        field.matches(TEXT_FIELDS) &&
        field.value === ''
      )
        field.value = value;
    }
    for (const id of marked) byIdIn(id)?.setAttribute('aria-invalid', 'true');
    for (const [id, error] of errors) {
      const place = byIdIn(id);
      // Only into a place drawn empty: a list the screen filled anew says what is true now.
      if (place !== null && place.childNodes.length === 0) place.append(errorBox(error));
    }
  };
}
