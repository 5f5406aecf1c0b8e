import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SUPPORTED_LANGUAGES, templateLanguage, type SupportedLanguage } from './language.js';

export interface AcknowledgementInput {
  language: string; // detected; falls back to 'en'
  reference: string;
  customerName?: string | null;
  subject: string;
  expectedReplyAt: Date;
  timeZone: string;
  articles: { title: string; url: string }[]; // at most 3 used
}
export interface RenderedAcknowledgement { language: SupportedLanguage; subject: string; text: string }
export interface AcknowledgementTemplate { subject: string; body: string }
export type TemplateSet = Readonly<Record<SupportedLanguage, AcknowledgementTemplate>>;

export const REQUIRED_PLACEHOLDERS = {
  subject: ['{{subject}}', '{{reference}}'],
  body: ['{{reference}}', '{{expectedReply}}', '{{#customerName}}', '{{customerName}}', '{{^customerName}}',
    '{{#hasArticles}}', '{{#articles}}', '{{title}}', '{{url}}'],
} as const;

const MAX_ARTICLES = 3;
const MAX_SUBJECT = 150;
const NO_SUBJECT: Record<SupportedLanguage, string> = {
  en: '(no subject)', es: '(sin asunto)', ru: '(без темы)', zh: '（无主题）',
  id: '(tanpa subjek)', de: '(kein Betreff)', fr: '(sans objet)', pt: '(sem assunto)',
};
// C0/C1 controls, Unicode line/paragraph separators and bidi overrides: header injection and spoofing.
const UNSAFE = /[\u0000-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069]+/g;
const REPLY_PREFIX = /^\s*((re|fw|fwd|aw|wg|tr|rv|enc|res|sv|ответ|回复|答复|转发)\s?(\[\d+\])?\s?[:：]\s*)+/iu;

const oneLine = (value: string | null | undefined): string => (value ?? '').replace(UNSAFE, ' ').replace(/\s+/g, ' ').trim();

function truncate(value: string, max: number): string {
  const chars = Array.from(value);
  return chars.length <= max ? value : `${chars.slice(0, max - 1).join('').trimEnd()}…`;
}

function customerSubject(subject: string, reference: string, language: SupportedLanguage): string {
  let s = oneLine(subject).split(`[${oneLine(reference)}]`).join(' ');
  s = oneLine(s.replace(REPLY_PREFIX, ''));
  return s ? truncate(s, MAX_SUBJECT) : NO_SUBJECT[language];
}

function displayName(name: string | null | undefined): string {
  const n = oneLine(name).replace(/^["'\s]+|["'\s]+$/g, '');
  // An address or an unreadable blob is worse than the neutral greeting.
  if (!n || /@|<|>|https?:/i.test(n)) return '';
  return truncate(n, 80);
}

function dateLocale(language: SupportedLanguage, timeZone: string): string {
  if (language === 'en') return timeZone.startsWith('America/') ? 'en-US' : 'en-GB';
  if (language === 'pt') return /^(Europe\/Lisbon|Atlantic\/(Azores|Madeira))$/.test(timeZone) ? 'pt-PT' : 'pt-BR';
  return language === 'zh' ? 'zh-CN' : language;
}

const DATE_OPTIONS: Intl.DateTimeFormatOptions = {
  weekday: 'long', year: 'numeric', month: 'long', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZoneName: 'short',
};
// Building a DateTimeFormat costs far more than using one: keep one per language and zone.
const dateFormats = new Map<string, Intl.DateTimeFormat>();

function dateFormat(language: SupportedLanguage, timeZone: string): Intl.DateTimeFormat {
  const key = `${language}|${timeZone}`;
  let format = dateFormats.get(key);
  if (!format) {
    try {
      format = new Intl.DateTimeFormat(dateLocale(language, timeZone), { ...DATE_OPTIONS, timeZone });
    } catch {
      // An unknown zone must not stop the acknowledgement; UTC is stated explicitly so the time stays true.
      format = new Intl.DateTimeFormat(dateLocale(language, 'UTC'), { ...DATE_OPTIONS, timeZone: 'UTC' });
    }
    dateFormats.set(key, format);
  }
  return format;
}

export function formatExpectedReply(at: Date, language: SupportedLanguage, timeZone: string): string {
  if (!Number.isFinite(at.getTime())) throw new Error('expectedReplyAt is an invalid Date');
  return dateFormat(language, timeZone).format(at);
}

type Context = Record<string, unknown>;
const TAG = /\{\{([#^])(\w+)\}\}([\s\S]*?)\{\{\/\2\}\}|\{\{(\w+)\}\}/g;

/** Mustache subset: {{var}}, {{#section}} (truthy or list), {{^section}} (falsy or empty). Values are never re-parsed. */
export function renderTemplate(template: string, context: Context): string {
  const standalone = template.replace(/^[ \t]*(\{\{[#^/]\w+\}\})[ \t]*\r?\n/gm, '$1');
  return renderPart(standalone, context);
}

function renderPart(template: string, context: Context): string {
  return template.replace(TAG, (_m, kind: string | undefined, name: string | undefined, inner: string, variable: string | undefined) => {
    if (variable) return String(context[variable] ?? '');
    const value = context[name!];
    const truthy = Array.isArray(value) ? value.length > 0 : Boolean(value);
    if (kind === '^') return truthy ? '' : renderPart(inner, context);
    if (!truthy) return '';
    if (!Array.isArray(value)) return renderPart(inner, context);
    return value.map((item) => renderPart(inner, { ...context, ...(item as Context) })).join('');
  });
}

export function renderAcknowledgement(input: AcknowledgementInput, templates: TemplateSet): RenderedAcknowledgement {
  const language = templateLanguage(input.language);
  const template = templates[language] ?? templates.en;
  const reference = oneLine(input.reference);
  const articles = (input.articles ?? [])
    .map((a) => ({ title: oneLine(a.title), url: oneLine(a.url) }))
    .filter((a) => a.title && /^https?:\/\/\S+$/i.test(a.url))
    .slice(0, MAX_ARTICLES);
  const context: Context = {
    reference,
    subject: customerSubject(input.subject, reference, language),
    customerName: displayName(input.customerName),
    expectedReply: formatExpectedReply(input.expectedReplyAt, language, input.timeZone),
    articles,
    hasArticles: articles.length > 0,
  };
  const subject = oneLine(renderTemplate(template.subject, context));
  const text = renderTemplate(template.body, context).replace(/[ \t]+$/gm, '').replace(/\n{3,}/g, '\n\n').trim();
  return { language, subject, text: `${text}\n` };
}

export function parseTemplate(source: string, name = 'template'): AcknowledgementTemplate {
  const [first = '', second, ...rest] = source.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n').split('\n');
  const header = /^subject:\s*(.+)$/.exec(first);
  if (!header || second === undefined || second.trim() !== '') {
    throw new Error(`${name}: expected 'subject: ...' on the first line followed by a blank line`);
  }
  const template = { subject: header[1]!.trim(), body: rest.join('\n') };
  const missing = [
    ...REQUIRED_PLACEHOLDERS.subject.filter((p) => !template.subject.includes(p)).map((p) => `subject ${p}`),
    ...REQUIRED_PLACEHOLDERS.body.filter((p) => !template.body.includes(p)).map((p) => `body ${p}`),
  ];
  if (missing.length) throw new Error(`${name}: missing placeholders: ${missing.join(', ')}`);
  return template;
}

const DEFAULT_DIR = fileURLToPath(new URL('../../prompts/acknowledgement/', import.meta.url));
const loaded = new Map<string, Promise<TemplateSet>>();

/** Reads and validates <dir>/<lang>.md for every supported language; cached per directory. */
export function loadTemplates(dir: string = DEFAULT_DIR): Promise<TemplateSet> {
  let set = loaded.get(dir);
  if (!set) {
    set = (async () => {
      const entries = await Promise.all(SUPPORTED_LANGUAGES.map(async (lang) => {
        const file = join(dir, `${lang}.md`);
        return [lang, parseTemplate(await readFile(file, 'utf8'), file)] as const;
      }));
      return Object.freeze(Object.fromEntries(entries)) as TemplateSet;
    })();
    set.catch(() => loaded.delete(dir)); // a failed load may be retried after the files are fixed
    loaded.set(dir, set);
  }
  return set;
}
