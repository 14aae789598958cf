/**
 * 准驾车型 as every app writes it: the classes in the order printed on the licence, run together
 * as the card prints them (docs/DOMAIN.md §2.1: "A2D"). One formatter, so that the driver's
 * card, the officer's verdict and any other screen read the same.
 */
import { LICENCE_CLASSES } from './codes.js';

const ORDER: ReadonlyMap<string, number> = new Map(LICENCE_CLASSES.map((c, i) => [c, i]));

/**
 * The classes in card order, run together: `['D', 'A2']` → `'A2D'`. A class this version does
 * not know (a newer credential) is kept, after the known ones, in the order given.
 */
export function formatClasses(classes: readonly string[]): string {
  const rank = (c: string) => ORDER.get(c) ?? LICENCE_CLASSES.length;
  return [...classes]
    .map((c, i) => ({ c, i }))
    .sort((a, b) => rank(a.c) - rank(b.c) || a.i - b.i)
    .map(({ c }) => c)
    .join('');
}
