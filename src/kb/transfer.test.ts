import { describe, expect, it } from 'vitest';
import { FrontMatterError, readFrontMatter, writeFrontMatter, type FrontMatter } from './front-matter.js';
import { articleFromJsonLine, articleToMarkdown, markdownToArticle } from './transfer.js';

describe('front matter writer → reader round trip', () => {
  it.each<[string, FrontMatter]>([
    ['plain words', { id: 'card-arrival', language: 'en', status: 'published' }],
    ['quotes', { title: 'Why "pending"? It\'s not "done"' }],
    ['colons and hashes', { title: 'Error: code 42 # not a comment', url: 'https://example.com/a?b=c#frag' }],
    ['unicode', { title: '¿Dónde está mi tarjeta? 我的卡在哪里 😀', language: 'es' }],
    ['YAML look-alikes stay strings', { language: 'no', a: 'true', b: '42', c: 'null', d: '~', e: '-x', f: '' }],
    ['backslashes, tabs and newlines', { title: 'C:\\path\\to\tfile\nsecond line' }],
    ['leading and trailing spaces', { title: '  padded  ' }],
    ['lists', { tags: ['cards', 'a, b', '[x]', 'it\'s', '- dash'], examples: ['Where is my card?', 'Wo ist meine Karte?'] }],
    ['empty list', { tags: [] }],
  ])('%s', (_label, data) => {
    const text = writeFrontMatter(data, '# Body\n\nText.');
    expect(readFrontMatter(text)).toEqual({ data, body: '# Body\n\nText.\n' });
  });
});

describe('front matter reader', () => {
  it.each<[string, string, FrontMatter, string]>([
    ['no front matter is all body', 'Just text\n', {}, 'Just text\n'],
    ['flow lists and single quotes', "---\ntags: [a, 'b, c', \"d\"]\ntitle: 'It''s'\n---\nBody", { tags: ['a', 'b, c', 'd'], title: "It's" }, 'Body'],
    ['block lists without indent, comments, blank lines', '---\n# note\ntags:\n- a\n- b # why\n\nid: x\n---\n\nBody', { tags: ['a', 'b'], id: 'x' }, 'Body'],
    ['CRLF line endings and a BOM', '\uFEFF---\r\ntitle: Hi: there\r\n---\r\nBody\r\n', { title: 'Hi: there' }, 'Body\n'],
    ['a bare key is left out (YAML null)', '---\nurl:\nid: x\n---\n', { id: 'x' }, ''],
    ['"..." also closes', '---\nid: x\n...\nBody', { id: 'x' }, 'Body'],
  ])('%s', (_label, text, data, body) => {
    expect(readFrontMatter(text)).toEqual({ data, body });
  });

  it.each([
    ['unclosed', '---\nid: x\n', /not closed/],
    ['not key: value', '---\njust words\n---\n', /line 2: expected "key: value"/],
    ['duplicate key', '---\nid: a\nid: b\n---\n', /line 3: id appears twice/],
    ['bad double quotes', '---\ntitle: "open\n---\n', /line 2: malformed double-quoted/],
    ['bad single quotes', "---\ntitle: 'it's'\n---\n", /line 2: malformed single-quoted/],
    ['multi-line block scalar', '---\nbody: |\n  text\n---\n', /line 2: multi-line values/],
    ['unclosed flow list', '---\ntags: [a, b\n---\n', /line 2: a \[list\] must close/],
    ['empty flow item', '---\ntags: [a, , b]\n---\n', /line 2: empty item/],
  ])('rejects %s', (_label, text, message) => {
    expect(() => readFrontMatter(text)).toThrow(FrontMatterError);
    expect(() => readFrontMatter(text)).toThrow(message);
  });
});

describe('articles as Markdown', () => {
  const article = {
    id: 'card-arrival', title: 'When will my card arrive?', body: 'Cards arrive in **5-7 days**.\n\n- track it', language: 'en',
    tags: ['cards'], url: 'https://help.example.com/card', status: 'published' as const, examples: ['Where is my card?'],
    translationGroup: 'card', version: 3, createdAt: new Date(), updatedAt: new Date(), updatedBy: 'x',
  };

  it('writes front matter an article can be read back from', () => {
    const md = articleToMarkdown(article);
    expect(md.startsWith('---\nid: card-arrival\ntitle: "When will my card arrive?"\nlanguage: en\nstatus: published\n')).toBe(true);
    const { id, title, body, language, tags, url, status, examples, translationGroup } = article;
    expect(markdownToArticle('card-arrival.md', md)).toEqual({ id, title, body, language, tags, url, status, examples, translationGroup });
  });

  it('takes the id from the file name and defaults to published', () => {
    expect(markdownToArticle('dir/refunds.md', '---\ntitle: Refunds\nlanguage: en\n---\nMoney back.')).toMatchObject({ id: 'refunds', status: 'published', tags: [], url: null });
  });
});

describe('import keys (issue 19 item 9): one spelling, unknown keys named', () => {
  const line = (extra: Record<string, unknown>) => JSON.stringify({ id: 'refunds-es', title: 'Reembolsos', body: 'Dinero de vuelta.', language: 'es', ...extra });
  const md = (front: string) => `---\ntitle: Reembolsos\nlanguage: es\n${front}---\nDinero de vuelta.`;

  it.each([
    ['JSONL translation_group', () => articleFromJsonLine(line({ translation_group: 'refunds' }))],
    ['JSONL translationGroup (alias)', () => articleFromJsonLine(line({ translationGroup: 'refunds' }))],
    ['JSONL both, the same', () => articleFromJsonLine(line({ translation_group: 'refunds', translationGroup: 'refunds' }))],
    ['Markdown translation_group', () => markdownToArticle('refunds-es.md', md('translation_group: refunds\n'))],
    ['Markdown translationGroup (alias)', () => markdownToArticle('refunds-es.md', md('translationGroup: refunds\n'))],
  ])('%s links the translation', (_label, parse) => {
    expect(parse()).toMatchObject({ id: 'refunds-es', translationGroup: 'refunds' });
  });

  it.each([
    ['JSONL, one unknown key', () => articleFromJsonLine(line({ translation: 'refunds' })), 'unknown key "translation": expected id, title, body, language, tags, url, examples, status, translation_group'],
    ['JSONL, several', () => articleFromJsonLine(line({ Tags: ['a'], author: 'me' })), 'unknown keys "Tags", "author"'],
    ['Markdown, an unknown key', () => markdownToArticle('x.md', md('categry: billing\n')), 'unknown key "categry": expected id, title, language, tags, url, examples, status, translation_group (the body is the text after the front matter)'],
    ['Markdown, a body key', () => markdownToArticle('x.md', md('body: short\n')), 'unknown key "body"'],
    ['both spellings, different', () => articleFromJsonLine(line({ translation_group: 'a', translationGroup: 'b' })), 'translationGroup and translation_group differ'],
  ])('%s is refused with a message naming it', (_label, parse, message) => {
    expect(parse).toThrow(message);
  });
});
