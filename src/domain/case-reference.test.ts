import { describe, expect, it } from 'vitest';
import { caseReferenceIn, newCaseReference } from './case-reference.js';

describe('case references', () => {
  it.each([
    ['Re: Where is my order? [FR-7K3Q9X]', 'FR-7K3Q9X'],
    ['AW: [fr-7k3q9x] Bestellung', 'FR-7K3Q9X'],
    ['Re: #FR-ABCDEF', 'FR-ABCDEF'],
    ['Re: my order FR-12345', null],
    ['Re: FR-1234567 is too long', null],
    ['FR-ABCDEI has a forbidden letter', null],
    ['', null],
  ])('finds the reference in %j', (subject, expected) => {
    expect(caseReferenceIn(subject)).toBe(expected);
  });

  it('generates references that it can find again', () => {
    for (let i = 0; i < 200; i++) {
      const ref = newCaseReference();
      expect(ref).toMatch(/^FR-[0-9A-Z]{6}$/);
      expect(caseReferenceIn(`Re: question [${ref}]`)).toBe(ref);
    }
  });
});
