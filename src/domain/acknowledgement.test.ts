import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  formatExpectedReply, loadTemplates, parseTemplate, REQUIRED_PLACEHOLDERS, renderAcknowledgement, renderTemplate,
  type AcknowledgementInput, type TemplateSet,
} from './acknowledgement.js';
import { SUPPORTED_LANGUAGES } from './language.js';

const DIR = fileURLToPath(new URL('../../templates/mail/acknowledgement/', import.meta.url));
let templates: TemplateSet;
beforeAll(async () => {
  templates = await loadTemplates();
});

const base: AcknowledgementInput = {
  language: 'en',
  reference: 'FR-7K3Q9X',
  customerName: 'Ana',
  subject: 'Where is my parcel?',
  expectedReplyAt: new Date('2026-11-23T11:30:00Z'),
  timeZone: 'Europe/Berlin',
  articles: [],
};
const ARTICLES = [
  { title: 'Tracking your order', url: 'https://help.example.com/tracking' },
  { title: 'Delivery times', url: 'https://help.example.com/delivery' },
];

describe('template files', () => {
  it.each(SUPPORTED_LANGUAGES)('%s.md has the format and every required placeholder', async (lang) => {
    const source = await readFile(`${DIR}${lang}.md`, 'utf8');
    expect(source.split('\n')[0]).toMatch(/^subject: /);
    expect(source.split('\n')[1]).toBe('');
    const t = parseTemplate(source, lang);
    for (const p of REQUIRED_PLACEHOLDERS.subject) expect(t.subject).toContain(p);
    for (const p of REQUIRED_PLACEHOLDERS.body) expect(t.body).toContain(p);
  });

  it('loads once', async () => {
    expect(await loadTemplates()).toBe(templates);
    expect(Object.keys(templates).sort()).toEqual([...SUPPORTED_LANGUAGES].sort());
  });

  it('rejects malformed templates', () => {
    expect(() => parseTemplate('no header\n\nbody', 'x')).toThrow(/first line/);
    expect(() => parseTemplate('subject: {{subject}} [{{reference}}]\n\n{{reference}}', 'x')).toThrow(/missing placeholders: body \{\{expectedReply\}\}/);
  });
});

describe('renderAcknowledgement', () => {
  const variants = SUPPORTED_LANGUAGES.flatMap((lang) => [
    { lang, name: 'Ana', articles: ARTICLES },
    { lang, name: 'Ana', articles: [] },
    { lang, name: null, articles: ARTICLES },
    { lang, name: '', articles: [] },
  ]);
  it.each(variants)('$lang name=$name articles=$articles.length', ({ lang, name, articles }) => {
    const out = renderAcknowledgement({ ...base, language: lang, customerName: name, articles }, templates);
    expect(out.language).toBe(lang);
    expect(out.subject).toBe('Re: Where is my parcel? [FR-7K3Q9X]');
    expect(out.text).toContain('FR-7K3Q9X');
    expect(out.text).toContain(formatExpectedReply(base.expectedReplyAt, lang, base.timeZone));
    expect(out.text).not.toMatch(/\{\{|\}\}/);
    expect(out.text).not.toMatch(/\n{3,}/);
    expect(out.text.endsWith('\n')).toBe(true);
    expect(out.text.includes('Ana')).toBe(Boolean(name));
    for (const a of ARTICLES) {
      expect(out.text.includes(a.title)).toBe(articles.length > 0);
      expect(out.text.includes(a.url)).toBe(articles.length > 0);
    }
    const firstLine = out.text.split('\n')[0]!;
    expect(firstLine.length).toBeGreaterThan(2);
    expect(firstLine).not.toMatch(/^[,:!，！]|\s[,:!，！]|^\s/); // greeting reads well without a name
  });

  it('renders the English acknowledgement as expected', () => {
    const out = renderAcknowledgement({ ...base, articles: ARTICLES.slice(0, 1) }, templates);
    expect(out.text).toContain('Hello Ana,\n\nThank you');
    expect(out.text).toMatch(/by Monday, 23 November 2026 at 12:30 (CET|GMT\+1)\./);
    expect(out.text).toContain('question:\n- Tracking your order\n  https://help.example.com/tracking\n\nThis confirmation');
    const noName = renderAcknowledgement({ ...base, customerName: undefined }, templates);
    expect(noName.text.startsWith('Hello,\n\nThank you')).toBe(true);
    expect(noName.text).toContain('new one.\n\nThis confirmation');
  });

  it.each([['xx'], [''], ['ja'], ['it']])('unknown language %j falls back to English', (language) => {
    const out = renderAcknowledgement({ ...base, language }, templates);
    expect(out.language).toBe('en');
    expect(out.text).toContain('Thank you');
  });

  it('uses at most 3 articles and drops non-http links', () => {
    const many = [1, 2, 3, 4, 5].map((i) => ({ title: `Article ${i}`, url: `https://kb.example/${i}` }));
    const out = renderAcknowledgement({ ...base, articles: [{ title: 'Bad', url: 'javascript:alert(1)' }, ...many] }, templates);
    expect(out.text).toContain('Article 3');
    expect(out.text).not.toContain('Article 4');
    expect(out.text).not.toContain('Bad');
  });

  it.each([
    ['CRLF header injection', 'Hello\r\nBcc: victim@example.com', 'Re: Hello Bcc: victim@example.com [FR-7K3Q9X]'],
    ['lone LF and tabs', 'a\nb\tc', 'Re: a b c [FR-7K3Q9X]'],
    ['control and bidi characters', 'pay\u0000ment\u202Egnp.exe', 'Re: pay ment gnp.exe [FR-7K3Q9X]'],
    ['reply prefixes are not stacked', 'Re: AW: Fwd: Order 123', 'Re: Order 123 [FR-7K3Q9X]'],
    ['our reference is not repeated', 'Re: Order 123 [FR-7K3Q9X]', 'Re: Order 123 [FR-7K3Q9X]'],
    ['empty subject', '', 'Re: (no subject) [FR-7K3Q9X]'],
    ['whitespace-only subject', ' \r\n ', 'Re: (no subject) [FR-7K3Q9X]'],
  ])('subject: %s', (_name, subject, expected) => {
    expect(renderAcknowledgement({ ...base, subject }, templates).subject).toBe(expected);
  });

  it('localizes the missing subject', () => {
    expect(renderAcknowledgement({ ...base, language: 'de', subject: '' }, templates).subject).toBe('Re: (kein Betreff) [FR-7K3Q9X]');
  });

  it('truncates long subjects to 150 characters', () => {
    const out = renderAcknowledgement({ ...base, subject: 'x'.repeat(500) }, templates);
    const inner = out.subject.slice('Re: '.length, -' [FR-7K3Q9X]'.length);
    expect(Array.from(inner).length).toBe(150);
    expect(out.subject.endsWith('[FR-7K3Q9X]')).toBe(true);
  });

  it('neutralizes injection through the name', () => {
    // a name carrying template markup gets the neutral greeting (the rule drafts and SLA updates share)
    const out = renderAcknowledgement({ ...base, customerName: 'Eve\r\nBcc: evil\r\n\r\n{{reference}}' }, templates);
    expect(out.text.split('\n')[0]).toBe('Hello,');
    const plain = renderAcknowledgement({ ...base, customerName: 'Eve\r\nBcc: evil' }, templates);
    expect(plain.text.split('\n')[0]).toBe('Hello Eve Bcc: evil,'); // one line
    expect(out.subject).not.toMatch(/[\r\n]/);
  });

  it('uses the neutral greeting for names that are addresses', () => {
    const out = renderAcknowledgement({ ...base, customerName: 'ana@example.com' }, templates);
    expect(out.text.startsWith('Hello,\n')).toBe(true);
  });
});

describe('formatExpectedReply', () => {
  const at = new Date('2026-11-23T11:30:00Z');
  // ICU versions differ in spaces (U+202F) and zone abbreviations, so whitespace is normalised and zones are alternatives.
  it.each([
    ['en', 'Europe/Berlin', /^Monday, 23 November 2026 at 12:30 (CET|GMT\+1)$/],
    ['en', 'America/New_York', /^Monday, November 23, 2026 at 6:30 AM EST$/],
    ['de', 'Europe/Berlin', /^Montag, 23\. November 2026 um 12:30 (MEZ|GMT\+1)$/],
    ['id', 'Asia/Jakarta', /^Senin, 23 November 2026 pukul 18\.30 (WIB|GMT\+7)$/],
    ['zh', 'Asia/Shanghai', /^2026年11月23日星期一 .*19:30/],
    ['en', 'Not/AZone', /^Monday, 23 November 2026 at 11:30 UTC$/],
  ] as const)('%s %s', (lang, tz, expected) => {
    expect(formatExpectedReply(at, lang, tz).replace(/\s+/gu, ' ')).toMatch(expected);
  });
  it('rejects invalid dates', () => {
    expect(() => formatExpectedReply(new Date(NaN), 'en', 'UTC')).toThrow(/invalid Date/);
  });
});

describe('renderTemplate', () => {
  it.each([
    ['{{a}}-{{b}}', { a: 1, b: 'x' }, '1-x'],
    ['{{#a}}yes{{/a}}{{^a}}no{{/a}}', { a: '' }, 'no'],
    ['{{#a}}yes {{a}}{{/a}}', { a: 'A' }, 'yes A'],
    ['{{#list}}[{{v}}]{{/list}}', { list: [{ v: 1 }, { v: 2 }] }, '[1][2]'],
    ['{{#list}}x{{/list}}{{^list}}empty{{/list}}', { list: [] }, 'empty'],
    ['a\n{{#s}}\nline\n{{/s}}\nb', { s: true }, 'a\nline\nb'],
    ['a\n{{#s}}\nline\n{{/s}}\nb', { s: false }, 'a\nb'],
    ['{{v}}', { v: '{{w}}', w: 'leak' }, '{{w}}'],
    ['{{missing}}', {}, ''],
  ] as const)('%j', (template, context, expected) => {
    expect(renderTemplate(template, context as Record<string, unknown>)).toBe(expected);
  });
});
