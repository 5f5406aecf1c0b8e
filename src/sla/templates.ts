import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatExpectedReply, renderTemplate, type AcknowledgementTemplate } from '../domain/acknowledgement.js';
import { SUPPORTED_LANGUAGES, templateLanguage, type SupportedLanguage } from '../domain/language.js';

/** prompts/sla-update/<lang>.md: 'subject: …', a blank line, the body. Same mustache subset as the acknowledgement. */
export type SlaTemplateSet = Readonly<Record<SupportedLanguage, AcknowledgementTemplate>>;

export const SLA_UPDATE_PLACEHOLDERS = {
  subject: ['{{subject}}', '{{reference}}'],
  body: ['{{reference}}', '{{expectedReply}}', '{{#customerName}}', '{{customerName}}', '{{^customerName}}'],
} as const;

export function parseSlaTemplate(source: string, name = 'template'): AcknowledgementTemplate {
  const [first = '', second, ...rest] = source.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n').split('\n');
  const header = /^subject:\s*(.+)$/.exec(first);
  if (!header || second === undefined || second.trim() !== '') {
    throw new Error(`${name}: expected 'subject: ...' on the first line followed by a blank line`);
  }
  const template = { subject: header[1]!.trim(), body: rest.join('\n') };
  const missing = [
    ...SLA_UPDATE_PLACEHOLDERS.subject.filter((p) => !template.subject.includes(p)).map((p) => `subject ${p}`),
    ...SLA_UPDATE_PLACEHOLDERS.body.filter((p) => !template.body.includes(p)).map((p) => `body ${p}`),
  ];
  if (missing.length) throw new Error(`${name}: missing placeholders: ${missing.join(', ')}`);
  return template;
}

const DEFAULT_DIR = fileURLToPath(new URL('../../prompts/sla-update/', import.meta.url));
const loaded = new Map<string, Promise<SlaTemplateSet>>();

/** Reads and validates <dir>/<lang>.md for every supported language; cached per directory. */
export function loadSlaTemplates(dir: string = DEFAULT_DIR): Promise<SlaTemplateSet> {
  let set = loaded.get(dir);
  if (!set) {
    set = (async () => {
      const entries = await Promise.all(SUPPORTED_LANGUAGES.map(async (lang) => {
        const file = join(dir, `${lang}.md`);
        return [lang, parseSlaTemplate(await readFile(file, 'utf8'), file)] as const;
      }));
      return Object.freeze(Object.fromEntries(entries)) as SlaTemplateSet;
    })();
    set.catch(() => loaded.delete(dir));
    loaded.set(dir, set);
  }
  return set;
}

const UNSAFE = /[\u0000-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069]+/g;
const REPLY_PREFIX = /^\s*((re|fw|fwd|aw|wg|tr|rv|enc|res|sv|ответ|回复|答复|转发)\s?(\[\d+\])?\s?[:：]\s*)+/iu;
const NO_SUBJECT: Record<SupportedLanguage, string> = {
  en: '(no subject)', es: '(sin asunto)', ru: '(без темы)', zh: '（无主题）',
  id: '(tanpa subjek)', de: '(kein Betreff)', fr: '(sans objet)', pt: '(sem assunto)',
};
const oneLine = (value: string | null | undefined): string => (value ?? '').replace(UNSAFE, ' ').replace(/\s+/g, ' ').trim();
const truncate = (value: string, max: number): string => {
  const chars = Array.from(value);
  return chars.length <= max ? value : `${chars.slice(0, max - 1).join('').trimEnd()}…`;
};

export interface SlaUpdateInput {
  language: string;
  reference: string;
  customerName?: string | null;
  subject: string;
  expectedReplyAt: Date;
  timeZone: string;
}

/** The customer's 'still working on it' update: template text only, in the case language (English otherwise). */
export function renderSlaUpdate(input: SlaUpdateInput, templates: SlaTemplateSet): { language: SupportedLanguage; subject: string; text: string } {
  const language = templateLanguage(input.language);
  const template = templates[language] ?? templates.en;
  const reference = oneLine(input.reference);
  let subject = oneLine(oneLine(input.subject).split(`[${reference}]`).join(' ').replace(REPLY_PREFIX, ''));
  subject = subject ? truncate(subject, 150) : NO_SUBJECT[language];
  const name = oneLine(input.customerName).replace(/^["'\s]+|["'\s]+$/g, '');
  const context = {
    reference,
    subject,
    customerName: !name || /@|<|>|https?:/i.test(name) ? '' : truncate(name, 80),
    expectedReply: formatExpectedReply(input.expectedReplyAt, language, input.timeZone),
  };
  const text = renderTemplate(template.body, context).replace(/[ \t]+$/gm, '').replace(/\n{3,}/g, '\n\n').trim();
  return { language, subject: oneLine(renderTemplate(template.subject, context)), text: `${text}\n` };
}
