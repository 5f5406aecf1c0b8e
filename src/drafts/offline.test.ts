import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { SUPPORTED_LANGUAGES } from '../domain/language.js';
import type { Draft } from './draft.js';
import { articlePassages, composeOfflineDraft, selectPassages } from './offline.js';
import { LANGUAGE_CASES, articleFor, inputFor } from './test-fixtures.js';
import { loadReplyTemplates, parseReplyTemplate, REPLY_PLACEHOLDERS, REPLY_SECTIONS, type ReplyTemplateSet } from './templates.js';

const DIR = fileURLToPath(new URL('../../templates/mail/reply/', import.meta.url));
let templates: ReplyTemplateSet;
beforeAll(async () => {
  templates = await loadReplyTemplates();
});

const answers = (d: Draft) => d.sentences.filter((s) => s.kind === 'answer');

/** Invariants every draft keeps, whatever the input. */
function expectWellFormed(d: Draft) {
  let at = 0;
  for (const s of d.sentences) {
    const found = d.body.indexOf(s.text, at);
    expect(found, `sentence in body, in order: ${s.text}`).toBeGreaterThanOrEqual(0);
    at = found + s.text.length;
    if (s.kind !== 'answer') expect(s.citations).toEqual([]);
  }
  expect(d.body.endsWith('\n')).toBe(true);
  expect(d.body).not.toMatch(/\{\{|\}\}|\n{3,}/);
  expect(d.unsupportedSentences).toBe(answers(d).filter((s) => s.citations.length === 0).length);
  expect(d.confidence).toBeGreaterThanOrEqual(0);
  expect(d.confidence).toBeLessThanOrEqual(1);
  expect(Object.keys(d)).not.toEqual(expect.arrayContaining(['to']));
  for (const key of ['to', 'recipient', 'recipients', 'send', 'autoSend']) expect(d).not.toHaveProperty(key);
}

describe('reply template files', () => {
  it.each(SUPPORTED_LANGUAGES)('%s.md has every section and required placeholder', async (lang) => {
    const t = parseReplyTemplate(await readFile(`${DIR}${lang}.md`, 'utf8'), lang);
    for (const section of REPLY_SECTIONS) expect(t[section]).toBeTruthy();
    for (const [part, required] of Object.entries(REPLY_PLACEHOLDERS)) {
      for (const p of required) expect(t[part as keyof typeof t]).toContain(p);
    }
  });

  it('loads once, for all languages', async () => {
    expect(await loadReplyTemplates()).toBe(templates);
    expect(Object.keys(templates).sort()).toEqual([...SUPPORTED_LANGUAGES].sort());
  });

  it.each([
    { source: 'no header\n\n## greeting\nhi', problem: /first line/ },
    { source: 'subject: Re: {{subject}} [{{reference}}]\n\nstray text', problem: /before the first/ },
    { source: 'subject: Re: {{subject}} [{{reference}}]\n\n## greting\nhi', problem: /unknown sections: greting/ },
    { source: 'subject: {{subject}}\n\n## greeting\nhi', problem: /missing section restatement[\s\S]*subject lacks \{\{reference\}\}[\s\S]*greeting lacks \{\{#customerName\}\}/ },
  ])('rejects a malformed template: $problem', ({ source, problem }) => {
    expect(() => parseReplyTemplate(source, 'x')).toThrow(problem);
  });
});

describe('composeOfflineDraft, per language', () => {
  it.each(LANGUAGE_CASES)('$lang: greets by name, restates, quotes the refund passage with a citation, links the article', (c) => {
    const d = composeOfflineDraft(inputFor(c), templates);
    expectWellFormed(d);
    expect(d).toMatchObject({ language: c.lang, generator: 'offline', promptVersion: 'offline-v1', confidence: 0.82 });
    expect(d.subject).toBe(`Re: ${c.subject} [FR-7K3Q9X]`);
    expect(d.sentences[0]!.kind).toBe('greeting');
    expect(d.sentences[0]!.text).toMatch(c.hello);
    expect(d.sentences[0]!.text).toContain('Ana');
    expect(d.sentences[1]).toMatchObject({ kind: 'restatement', citations: [] });
    expect(d.sentences[1]!.text).toContain(c.subject);
    const quoted = answers(d);
    expect(quoted.length).toBeGreaterThanOrEqual(1);
    expect(quoted.length).toBeLessThanOrEqual(3);
    expect(quoted.some((s) => c.refund.test(s.text))).toBe(true);
    expect(quoted.some((s) => c.password.test(s.text))).toBe(false);
    for (const s of quoted) {
      expect(s.citations).toEqual([{ articleId: `kb-help-${c.lang}`, version: 4 }]);
      expect(c.body).toContain(s.text); // extractive: verbatim from the article
    }
    expect(d.unsupportedSentences).toBe(0);
    expect(d.citations).toEqual([{ articleId: `kb-help-${c.lang}`, version: 4, title: c.subject, url: `https://kb.example.com/${c.lang}/help` }]);
    const link = d.sentences.find((s) => s.kind === 'link');
    expect(link?.text).toContain(`https://kb.example.com/${c.lang}/help`);
    expect(d.sentences.at(-1)!.kind).toBe('closing');
    expect(d.sentences.at(-1)!.text).toContain('FR-7K3Q9X');
    expect(d.strippedLinks).toEqual([]);
    expect(d.injectionSuspected).toBe(false);
  });

  it.each(LANGUAGE_CASES)('$lang: neutral greeting without a name, and the same greeting as for an address', (c) => {
    const none = composeOfflineDraft(inputFor(c, { customerName: null }), templates);
    const address = composeOfflineDraft(inputFor(c, { customerName: 'ana@example.com' }), templates);
    const blank = composeOfflineDraft(inputFor(c, { customerName: '  "" ' }), templates);
    expect(none.sentences[0]!.text).toMatch(c.hello);
    expect(none.sentences[0]!.text).not.toContain('Ana');
    expect(address.sentences[0]!.text).toBe(none.sentences[0]!.text);
    expect(blank.sentences[0]!.text).toBe(none.sentences[0]!.text);
  });

  it.each(LANGUAGE_CASES)('$lang: no article gives a polite holding reply with confidence 0 and no citations', (c) => {
    const d = composeOfflineDraft(inputFor(c, { articles: [] }), templates);
    expectWellFormed(d);
    expect(d.sentences.map((s) => s.kind)).toEqual(['greeting', 'restatement', 'holding', 'closing']);
    expect(d).toMatchObject({ language: c.lang, confidence: 0, citations: [], unsupportedSentences: 0, generator: 'offline' });
    expect(d.sentences.find((s) => s.kind === 'holding')!.text).toBe(templates[c.lang].holding);
  });

  it.each(LANGUAGE_CASES)('$lang: signs with the agent signature when given', (c) => {
    const d = composeOfflineDraft(inputFor(c, { agentSignature: 'Maria\nBilling team' }), templates);
    expect(d.body.trimEnd().endsWith('Maria\nBilling team')).toBe(true);
  });
});

describe('composeOfflineDraft, details', () => {
  const en = LANGUAGE_CASES.find((c) => c.lang === 'en')!;

  it('answers an unsupported language with the English template', () => {
    const d = composeOfflineDraft(inputFor(en, { language: 'it' }), templates);
    expect(d.language).toBe('en');
    expect(d.sentences[0]!.text).toBe('Hello Ana,');
  });

  it('uses the first line of the text when there is no subject, and cleans reply prefixes and the reference', () => {
    const none = composeOfflineDraft(inputFor(en, { subject: '', customerText: 'My refund never arrived\n\nI returned it in May.' }), templates);
    expect(none.sentences[1]!.text).toBe('Thank you for your message about “My refund never arrived”.');
    const re = composeOfflineDraft(inputFor(en, { subject: 'RE: Fwd: Refund [FR-7K3Q9X]' }), templates);
    expect(re.subject).toBe('Re: Refund [FR-7K3Q9X]');
    const empty = composeOfflineDraft(inputFor(en, { subject: '', customerText: '' }), templates);
    expect(empty.sentences[1]!.text).toBe('Thank you for your message.');
  });

  it('strips foreign links from the echoed subject and reports them, but suspects no injection offline', () => {
    const d = composeOfflineDraft(inputFor(en, { subject: 'Refund, see http://evil.example/claim now' }), templates);
    expect(d.subject).toBe('Re: Refund, see [link removed] now [FR-7K3Q9X]');
    expect(d.sentences[1]!.text).toContain('[link removed]');
    expect(d.body).not.toContain('evil.example');
    expect(d.strippedLinks).toEqual(['http://evil.example/claim']);
    expect(d.injectionSuspected).toBe(false);
  });

  it('keeps links the article itself contains, as text (url)', () => {
    const body = 'To get a refund, open [your orders](https://shop.example.com/orders) and choose Refund.';
    const d = composeOfflineDraft(inputFor(en, { articles: [articleFor(en, { body })] }), templates);
    expect(answers(d)[0]!.text).toBe('To get a refund, open your orders (https://shop.example.com/orders) and choose Refund.');
    expect(d.strippedLinks).toEqual([]);
  });

  it('omits the link line when the article has no URL', () => {
    const d = composeOfflineDraft(inputFor(en, { articles: [articleFor(en, { url: null })] }), templates);
    expect(d.sentences.some((s) => s.kind === 'link')).toBe(false);
    expect(d.citations).toEqual([{ articleId: 'kb-help-en', version: 4, title: 'Refund', url: null }]);
  });

  it('quotes only the best article, even when more are matched', () => {
    const other = articleFor(en, { id: 'kb-other', version: 1, body: 'Refunds for gift cards are not possible.' });
    const d = composeOfflineDraft(inputFor(en, { articles: [articleFor(en), other] }), templates);
    expect(d.citations.map((c) => c.articleId)).toEqual(['kb-help-en']);
    expect(d.body).not.toContain('gift cards');
  });

  it('falls back to the lead passage with half the confidence when nothing relates', () => {
    const d = composeOfflineDraft(inputFor(en, { subject: 'Zebra', customerText: 'Zebra xylophone quokka' }), templates);
    expect(answers(d).map((s) => s.text)).toEqual(['Click "Forgot password" on the sign-in page and follow the link we email you.']);
    expect(d.confidence).toBeCloseTo(0.41);
  });

  it('gives the holding reply when the best article has no quotable text', () => {
    const d = composeOfflineDraft(inputFor(en, { articles: [articleFor(en, { body: '```\ncode only\n```\n' })] }), templates);
    expect(d.sentences.map((s) => s.kind)).toEqual(['greeting', 'restatement', 'holding', 'link', 'closing']);
    expect(d.confidence).toBe(0);
    expect(d.citations).toEqual([]);
  });

  it('clamps an out-of-range confidence', () => {
    expect(composeOfflineDraft(inputFor(en, { confidence: 7 }), templates).confidence).toBe(1);
    expect(composeOfflineDraft(inputFor(en, { confidence: Number.NaN }), templates).confidence).toBe(0);
  });

  it('removes control and bidi characters from the name', () => {
    const d = composeOfflineDraft(inputFor(en, { customerName: 'Ana\u202E\r\nBcc: x' }), templates);
    expect(d.sentences[0]!.text).toBe('Hello Ana Bcc: x,');
  });
});

describe('passages', () => {
  const body = [
    'Intro paragraph about the account page.',
    '',
    '## Export your data',
    '',
    'Go to **Settings** and choose *Export*. The export arrives by email as a ZIP file. It contains invoices and orders. ' +
      'Large exports can take up to an hour to prepare, depending on how many orders you have. You can download each export for seven days. ' +
      'After that it is deleted and you need to start a new export.',
    '',
    '1. Open Settings',
    '2. Click Export',
    '   and confirm',
    '',
    '```',
    'curl https://api.example.com/export',
    '```',
    '',
    '## Close your account',
    '',
    'Closing is permanent.',
  ].join('\n');

  it('cuts paragraphs (long ones into sentences), keeps lists whole and skips code', () => {
    const p = articlePassages(body);
    expect(p.map((x) => x.text)).toEqual([
      'Intro paragraph about the account page.',
      'Go to Settings and choose Export.',
      'The export arrives by email as a ZIP file.',
      'It contains invoices and orders.',
      'Large exports can take up to an hour to prepare, depending on how many orders you have.',
      'You can download each export for seven days.',
      'After that it is deleted and you need to start a new export.',
      '1. Open Settings\n2. Click Export and confirm',
      'Closing is permanent.',
    ]);
    expect(p[1]!.heading).toBe('Export your data');
    expect(p[1]!.block).toBe(p[2]!.block);
    expect(p[7]!.block).not.toBe(p[1]!.block);
  });

  it('chooses at most three related passages and keeps the article order', () => {
    const { passages } = selectPassages('How long can I download my data export? Is it deleted after seven days?', articlePassages(body));
    expect(passages.length).toBeLessThanOrEqual(3);
    expect(passages.map((p) => p.text)).toContain('You can download each export for seven days.');
    const orders = passages.map((p) => p.order);
    expect(orders).toEqual([...orders].sort((a, b) => a - b));
  });

  it('joins sentences from one paragraph with a space in the body', () => {
    const en = LANGUAGE_CASES[0]!;
    const d = composeOfflineDraft(
      inputFor(en, { customerText: 'How long can I download my data export, and is it deleted after seven days?', articles: [articleFor(en, { body })] }),
      templates,
    );
    expectWellFormed(d);
    const quoted = answers(d).map((s) => s.text);
    expect(quoted).toContain('You can download each export for seven days.');
    expect(d.body).toContain(quoted.join(' '));
  });
});
