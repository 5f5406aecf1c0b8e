import { fileURLToPath } from 'node:url';
import { templateLanguage, type SupportedLanguage } from './language.js';
import { customerSubject, greetingName, loadLanguageFiles, oneLine, parseSubjectTemplate, type SubjectTemplate } from './template-text.js';

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
export type AcknowledgementTemplate = SubjectTemplate;
export type TemplateSet = Readonly<Record<SupportedLanguage, AcknowledgementTemplate>>;

export const REQUIRED_PLACEHOLDERS = {
  subject: ['{{subject}}', '{{reference}}'],
  body: ['{{reference}}', '{{expectedReply}}', '{{#customerName}}', '{{customerName}}', '{{^customerName}}',
    '{{#hasArticles}}', '{{#articles}}', '{{title}}', '{{url}}'],
} as const;

const MAX_ARTICLES = 3;
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
    customerName: greetingName(input.customerName),
    expectedReply: formatExpectedReply(input.expectedReplyAt, language, input.timeZone),
    articles,
    hasArticles: articles.length > 0,
  };
  const subject = oneLine(renderTemplate(template.subject, context));
  const text = renderTemplate(template.body, context).replace(/[ \t]+$/gm, '').replace(/\n{3,}/g, '\n\n').trim();
  return { language, subject, text: `${text}\n` };
}

export function parseTemplate(source: string, name = 'template'): AcknowledgementTemplate {
  return parseSubjectTemplate(source, name, REQUIRED_PLACEHOLDERS);
}

const DEFAULT_DIR = fileURLToPath(new URL('../../templates/mail/acknowledgement/', import.meta.url));

export function loadTemplates(dir: string = DEFAULT_DIR): Promise<TemplateSet> {
  return loadLanguageFiles(dir, parseTemplate);
}
