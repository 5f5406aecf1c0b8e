import { describe, expect, it } from 'vitest';
import { createInput, emptyArticleValues, updateInput, valuesFromForm } from './article-form.js';

describe('article form', () => {
  it('turns typed text into use-case input', () => {
    const values = valuesFromForm({
      title: 'Card delivery', body: '# Hi', language: 'en', tags: ' cards,  delivery ,, ', url: ' ', translationGroup: '',
      examples: 'Where is my card?\r\n\r\n  When will it arrive?  \n', changeNote: '', id: '', expectedVersion: '', _csrf: 'x',
    });
    expect(createInput(values)).toEqual({
      id: undefined, title: 'Card delivery', body: '# Hi', language: 'en', tags: ['cards', 'delivery'], url: null,
      examples: ['Where is my card?', 'When will it arrive?'], translationGroup: null, changeNote: undefined,
    });
  });

  it.each([
    ['3', 3],
    ['', undefined],
    ['x', undefined],
    ['0', undefined],
  ])('expectedVersion %j becomes %j', (typed, expected) => {
    expect(updateInput({ ...emptyArticleValues, expectedVersion: typed }).expectedVersion).toBe(expected);
  });
});
