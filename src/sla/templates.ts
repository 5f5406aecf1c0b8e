import { fileURLToPath } from 'node:url';
import { formatExpectedReply, renderTemplate, type AcknowledgementTemplate } from '../domain/acknowledgement.js';
import { templateLanguage, type SupportedLanguage } from '../domain/language.js';
import { customerSubject, greetingName, loadLanguageFiles, oneLine, parseSubjectTemplate } from '../domain/template-text.js';

/** templates/mail/sla-update/<lang>.md: 'subject: …', a blank line, the body. Same mustache subset as the acknowledgement. */
export type SlaTemplateSet = Readonly<Record<SupportedLanguage, AcknowledgementTemplate>>;

export const SLA_UPDATE_PLACEHOLDERS = {
  subject: ['{{subject}}', '{{reference}}'],
  body: ['{{reference}}', '{{expectedReply}}', '{{#customerName}}', '{{customerName}}', '{{^customerName}}'],
} as const;

export function parseSlaTemplate(source: string, name = 'template'): AcknowledgementTemplate {
  return parseSubjectTemplate(source, name, SLA_UPDATE_PLACEHOLDERS);
}

const DEFAULT_DIR = fileURLToPath(new URL('../../templates/mail/sla-update/', import.meta.url));

export function loadSlaTemplates(dir: string = DEFAULT_DIR): Promise<SlaTemplateSet> {
  return loadLanguageFiles(dir, parseSlaTemplate);
}

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
  const context = {
    reference,
    subject: customerSubject(input.subject, reference, language),
    customerName: greetingName(input.customerName),
    expectedReply: formatExpectedReply(input.expectedReplyAt, language, input.timeZone),
  };
  const text = renderTemplate(template.body, context).replace(/[ \t]+$/gm, '').replace(/\n{3,}/g, '\n\n').trim();
  return { language, subject: oneLine(renderTemplate(template.subject, context)), text: `${text}\n` };
}
