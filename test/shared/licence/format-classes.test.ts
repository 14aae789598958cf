import { describe, expect, it } from 'vitest';
import { formatClasses } from '../../../shared/licence/format-classes.js';

describe('formatClasses', () => {
  it('when one class is given, then it is written as it is', () => {
    expect(formatClasses(['C1'])).toBe('C1');
  });

  it('when classes come in any order, then they are run together in the order printed on the card', () => {
    expect(formatClasses(['D', 'A2'])).toBe('A2D');
    expect(formatClasses(['E', 'B2', 'C1', 'A1'])).toBe('A1B2C1E');
  });

  it('when a class is not known to this version, then it is kept after the known ones, in the order given', () => {
    expect(formatClasses(['X9', 'C1', 'X1'])).toBe('C1X9X1');
  });

  it('when the list is empty, then nothing is written', () => {
    expect(formatClasses([])).toBe('');
  });
});
