import { describe, expect, it } from 'vitest';
import { escapeLike, parseSearch, SEARCH_MAX_LENGTH, SEARCH_MAX_TERMS } from './search-term.js';

describe('inbox search box', () => {
  it.each([
    ['', null],
    ['   ', null],
    ['""', null],
    ['lamp', { text: 'lamp', patterns: ['%lamp%'], reference: null }],
    ['  Broken   LAMP ', { text: 'Broken LAMP', patterns: ['%broken%', '%lamp%'], reference: null }],
    ['lamp Lamp', { text: 'lamp Lamp', patterns: ['%lamp%'], reference: null }],
    ['"broken lamp" maria', { text: '"broken lamp" maria', patterns: ['%broken lamp%', '%maria%'], reference: null }],
    ['"unclosed phrase', { text: '"unclosed phrase', patterns: ['%unclosed phrase%'], reference: null }],
    ['100%', { text: '100%', patterns: ['%100\\%%'], reference: null }],
    ['discount_code', { text: 'discount_code', patterns: ['%discount\\_code%'], reference: null }],
    ['back\\slash', { text: 'back\\slash', patterns: ['%back\\\\slash%'], reference: null }],
    ['FR-7K3Q9X', { text: 'FR-7K3Q9X', patterns: ['%fr-7k3q9x%'], reference: 'FR-7K3Q9X' }],
    ['fr-7k3q9x', { text: 'fr-7k3q9x', patterns: ['%fr-7k3q9x%'], reference: 'FR-7K3Q9X' }],
    ['#FR-7K3Q9X', { text: '#FR-7K3Q9X', patterns: ['%fr-7k3q9x%'], reference: 'FR-7K3Q9X' }],
    ['[FR-7K3Q9X]', { text: '[FR-7K3Q9X]', patterns: ['%fr-7k3q9x%'], reference: 'FR-7K3Q9X' }],
    // not exactly one reference: searched as text, no jump
    ['FR-7K3Q9X lamp', { text: 'FR-7K3Q9X lamp', patterns: ['%fr-7k3q9x%', '%lamp%'], reference: null }],
    ['FR-7K3Q', { text: 'FR-7K3Q', patterns: ['%fr-7k3q%'], reference: null }],
    ['FR-7K3QIX', { text: 'FR-7K3QIX', patterns: ['%fr-7k3qix%'], reference: null }],
  ])('%j', (raw, expected) => {
    expect(parseSearch(raw)).toEqual(expected);
  });

  it('keeps the box to its maximum length and number of words', () => {
    const long = parseSearch('x'.repeat(SEARCH_MAX_LENGTH + 50))!;
    expect(long.text).toHaveLength(SEARCH_MAX_LENGTH);
    const many = parseSearch(Array.from({ length: 20 }, (_, i) => `w${i}`).join(' '))!;
    expect(many.patterns).toHaveLength(SEARCH_MAX_TERMS);
  });

  it.each([
    ['plain', 'plain'],
    ['50%', '50\\%'],
    ['a_b', 'a\\_b'],
    ['c:\\temp', 'c:\\\\temp'],
    ['%_\\', '\\%\\_\\\\'],
  ])('escapes LIKE wildcards in %j', (raw, escaped) => {
    expect(escapeLike(raw)).toBe(escaped);
  });
});
