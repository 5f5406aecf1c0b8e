import { describe, expect, it } from 'vitest';
import { directionOf, helpTexts, languageName, preferredLanguage } from './help-texts.js';

describe('preferredLanguage', () => {
  const available = ['de', 'en', 'es'];
  it.each([
    ['no header', undefined, undefined],
    ['an exact match', 'es', 'es'],
    ['a regional variant finds its language', 'de-AT,de;q=0.9', 'de'],
    ['the first available choice in order', 'ru,es;q=0.8,en;q=0.7', 'es'],
    ['a higher q wins over order', 'en;q=0.5,de;q=0.9', 'de'],
    ['q=0 means not wanted', 'es;q=0,en;q=0.1', 'en'],
    ['none available', 'ru,zh-CN;q=0.8', undefined],
    ['a wildcard is no language of ours', '*', undefined],
    ['odd spacing and case', ' EN-gb ; q=0.8 ', 'en'],
  ])('%s', (_name, header, expected) => {
    expect(preferredLanguage(header, available)).toBe(expected);
  });
});

describe('help texts', () => {
  it('speak the template languages and fall back to English', () => {
    expect(helpTexts('de').helpCentre).toBe('Hilfe-Center');
    expect(helpTexts('xx')).toBe(helpTexts('en'));
  });
  it('name languages in themselves and know right-to-left scripts', () => {
    expect(languageName('de')).toBe('Deutsch');
    expect(languageName('es')).toBe('español');
    expect(directionOf('ar')).toBe('rtl');
    expect(directionOf('en')).toBe('ltr');
  });
});
