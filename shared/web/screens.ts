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
}

/** Screens shown in the element `#main`; a screen that fails shows `errorBox(error)` there. */
export function screenFrame(errorBox: (error: unknown) => HTMLElement): ScreenFrame {
  let current: Screen | undefined;
  const cleanups: (() => void)[] = [];
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
      // put back once its fields are drawn.
      const restore = keepTyped(byId('main'));
      const screen = current;
      void show(screen).then(() => {
        if (current === screen) restore();
      });
    },
    onLeave(cleanup) {
      cleanups.push(cleanup);
    },
  };
}

/** The fields whose text the user types. */
const TEXT_FIELDS =
  'input:not([type]), input[type=text], input[type=tel], input[type=password], input[type=email], input[type=search], input[type=number], textarea';

/**
 * Notes the text typed in `main`'s fields, by id.
 * @returns what puts it back into the fields of the same id drawn since, where they are empty.
 */
function keepTyped(main: HTMLElement): () => void {
  const typed = new Map<string, string>();
  for (const field of main.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>(TEXT_FIELDS))
    if (field.id !== '' && field.value !== '') typed.set(field.id, field.value);
  return () => {
    for (const [id, value] of typed) {
      const field = main.querySelector(`#${CSS.escape(id)}`);
      if (
        (field instanceof HTMLInputElement || field instanceof HTMLTextAreaElement) &&
        field.matches(TEXT_FIELDS) &&
        field.value === ''
      )
        field.value = value;
    }
  };
}
