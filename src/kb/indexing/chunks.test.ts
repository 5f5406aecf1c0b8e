import { describe, expect, it } from 'vitest';
import { chunkArticle, fingerprint, MAX_SECTION_CHARS, plainText, splitSections } from './chunks.js';
import { orQuery, textSearchConfig } from './text-search-config.js';

describe('splitSections', () => {
  it.each([
    ['no headings', 'Just one paragraph.', ['Just one paragraph.']],
    ['intro then headings', 'Intro.\n\n## Steps\nDo this.\n\n## Fees\nNone.', ['Intro.', 'Steps\nDo this.', 'Fees\nNone.']],
    ['heading inside a code fence is not a split', '# A\ntext\n```\n# not a heading\n```\nmore', ['A\ntext\n\nmore']],
    ['empty body', '   \n', []],
  ])('%s', (_name, body, expected) => {
    expect(splitSections(body)).toEqual(expected);
  });

  it('cuts long sections below the limit without losing words', () => {
    const long = Array.from({ length: 300 }, (_, i) => `Sentence number ${i} explains a step.`).join(' ');
    const parts = splitSections(long);
    expect(parts.length).toBeGreaterThan(1);
    expect(Math.max(...parts.map((p) => p.length))).toBeLessThanOrEqual(MAX_SECTION_CHARS);
    expect(parts.join(' ').split(/\s+/).length).toBe(long.split(/\s+/).length);
  });
});

describe('plainText', () => {
  it.each([
    ['[our fees](https://x.test/fees) apply', 'our fees apply'],
    ['**bold** and _it_', 'bold and it'],
    ['![img](a.png) text', 'text'],
    ['- item one\n- item two', 'item one\nitem two'],
  ])('%s', (md, expected) => expect(plainText(md)).toBe(expected));
});

describe('chunkArticle', () => {
  const source = { title: 'Reset your password', body: '## Steps\nOpen settings.', examples: ['I forgot my password', ' '], learnedExamples: ['cannot log in'] };

  it('keeps title, sections, examples and learned examples in order, skipping blanks', () => {
    expect(chunkArticle(source).map((c) => [c.kind, c.position, c.text])).toEqual([
      ['title', 0, 'Reset your password'],
      ['section', 1, 'Steps Open settings.'],
      ['example', 2, 'I forgot my password'],
      ['learned_example', 3, 'cannot log in'],
    ]);
  });

  it('adds generated questions last, as their own kind', () => {
    const chunks = chunkArticle({ ...source, generatedQuestions: ['How do I get a new password?', '  '] });
    expect(chunks.slice(-2).map((c) => [c.kind, c.text])).toEqual([['learned_example', 'cannot log in'], ['generated_question', 'How do I get a new password?']]);
  });

  it('fingerprint changes with any chunk and only then', () => {
    const a = fingerprint(chunkArticle(source));
    expect(fingerprint(chunkArticle({ ...source }))).toBe(a);
    expect(fingerprint(chunkArticle({ ...source, examples: ['I forgot my password!'] }))).not.toBe(a);
    expect(fingerprint(chunkArticle({ ...source, learnedExamples: [] }))).not.toBe(a);
    expect(fingerprint(chunkArticle({ ...source, generatedQuestions: [] }))).toBe(a);
    expect(fingerprint(chunkArticle({ ...source, generatedQuestions: ['How do I get a new password?'] }))).not.toBe(a);
  });
});

describe('text search', () => {
  it.each([['en', 'english'], ['es', 'spanish'], ['ru', 'russian'], ['zh', 'simple'], ['pt-BR', 'portuguese'], ['xx', 'simple']])(
    '%s uses %s', (lang, cfg) => expect(textSearchConfig(lang)).toBe(cfg));

  it.each([
    ['Where is my card?', 'where or is or my or card'],
    ["it's 'a' & | ! (test)", 'it or test'],
    ['¿Dónde está mi tarjeta? dónde', 'dónde or está or mi or tarjeta'],
    ['', ''],
  ])('orQuery(%j)', (text, q) => expect(orQuery(text)).toBe(q));
});
