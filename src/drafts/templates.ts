// Per-language reply templates (templates/mail/reply/<lang>.md): the fixed parts of every draft, offline or model-written,
// so greetings and closings read the same whichever composer wrote the answer. Same Mustache subset as the
// acknowledgement templates; values are never re-parsed, so a customer name like "{{x}}" stays text.
import { fileURLToPath } from 'node:url';
import { renderTemplate } from '../domain/acknowledgement.js';
import type { SupportedLanguage } from '../domain/language.js';
import { bareSubject, greetingName, loadLanguageFiles, oneLine, splitSubjectLine, truncate } from '../domain/template-text.js';
import { findLinks, restrictLinks } from './links.js';
import type { DraftArticle, DraftInput, DraftSentence, SentenceKind } from './draft.js';

export const REPLY_SECTIONS = ['greeting', 'restatement', 'intro', 'link', 'holding', 'closing'] as const;
export type ReplySection = (typeof REPLY_SECTIONS)[number];
export type ReplyTemplate = { subject: string } & Record<ReplySection, string>;
export type ReplyTemplateSet = Readonly<Record<SupportedLanguage, ReplyTemplate>>;

export const REPLY_PLACEHOLDERS: Readonly<Record<'subject' | ReplySection, readonly string[]>> = {
  subject: ['{{subject}}', '{{reference}}'],
  greeting: ['{{#customerName}}', '{{customerName}}', '{{^customerName}}'],
  restatement: ['{{#question}}', '{{question}}', '{{^question}}'],
  intro: [],
  link: ['{{title}}', '{{url}}'],
  holding: [],
  closing: ['{{#agentSignature}}', '{{agentSignature}}', '{{^agentSignature}}'],
};

/** `subject: ...`, a blank line, then one `## <section>` block per section. */
export function parseReplyTemplate(source: string, name = 'template'): ReplyTemplate {
  const { subject, lines } = splitSubjectLine(source, name);
  const sections = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of lines) {
    const heading = /^##\s+(\w+)\s*$/.exec(line);
    if (heading) {
      if (sections.has(heading[1]!)) throw new Error(`${name}: section '${heading[1]}' appears twice`);
      current = [];
      sections.set(heading[1]!, current);
    } else if (current) current.push(line);
    else if (line.trim()) throw new Error(`${name}: text before the first '## section' heading`);
  }
  const unknown = [...sections.keys()].filter((s) => !(REPLY_SECTIONS as readonly string[]).includes(s));
  if (unknown.length) throw new Error(`${name}: unknown sections: ${unknown.join(', ')}`);
  const template = { subject } as ReplyTemplate;
  const problems: string[] = [];
  for (const section of REPLY_SECTIONS) {
    const text = sections.get(section)?.join('\n').trim();
    if (!text) {
      problems.push(`missing section ${section}`);
      continue;
    }
    template[section] = text;
  }
  for (const [part, required] of Object.entries(REPLY_PLACEHOLDERS)) {
    const text = template[part as keyof ReplyTemplate];
    if (text !== undefined) problems.push(...required.filter((p) => !text.includes(p)).map((p) => `${part} lacks ${p}`));
  }
  if (problems.length) throw new Error(`${name}: ${problems.join('; ')}`);
  return template;
}

const DEFAULT_DIR = fileURLToPath(new URL('../../templates/mail/reply/', import.meta.url));

export function loadReplyTemplates(dir: string = DEFAULT_DIR): Promise<ReplyTemplateSet> {
  return loadLanguageFiles(dir, parseReplyTemplate);
}

// ---- values that go into templates -------------------------------------------------------------------------

// Multi-line values keep their line ends; other controls and bidi overrides go.
const UNSAFE_BLOCK = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069\u200E\u200F]+/g;

/** Multi-line text with control and bidi characters removed, line ends normalised, blank runs collapsed. */
export function cleanBlock(value: string | null | undefined): string {
  return (value ?? '')
    .replace(/\r\n?|[\u2028\u2029]/g, '\n')
    .replace(UNSAFE_BLOCK, '')
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}


/** A name worth greeting with; an address, a link or a blob of markup is worse than the neutral greeting. */
export function displayName(name: string | null | undefined): string {
  const n = greetingName(name);
  return n && restrictLinks(n, []).stripped.length === 0 ? n : '';
}

export const cleanSubject = (subject: string, reference: string): string => bareSubject(subject, reference);

/** The one-line restatement of what the customer asked: the subject, else the first line of their text. */
export function questionLine(input: Pick<DraftInput, 'subject' | 'customerText' | 'caseReference'>): string {
  const subject = cleanSubject(input.subject, input.caseReference);
  if (subject) return truncate(subject, 120);
  const first = (input.customerText ?? '').split(/\n/).map(oneLine).find(Boolean) ?? '';
  return truncate(first, 120);
}

/**
 * The links a draft may contain: the articles' URLs and the links their bodies contain (the knowledge base's
 * own content, reviewed by whoever wrote it). Everything else the customer or the model wrote is stripped.
 */
export function allowedLinksOf(articles: readonly DraftArticle[]): string[] {
  const out: string[] = [];
  for (const a of articles) {
    if (a.url) out.push(a.url);
    out.push(...findLinks(a.body ?? ''));
  }
  return out;
}

export const isWebUrl = (url: string | null | undefined): url is string => !!url && /^https?:\/\/\S+$/i.test(url.trim());

export interface TemplateContext {
  customerName: string;
  question: string;
  subject: string;
  reference: string;
  agentSignature: string;
}

export function templateContext(input: DraftInput): TemplateContext {
  return {
    customerName: displayName(input.customerName),
    question: questionLine(input),
    subject: cleanSubject(input.subject, input.caseReference),
    reference: oneLine(input.caseReference),
    agentSignature: truncate(cleanBlock(input.agentSignature).replace(/\n{2,}/g, '\n'), 500),
  };
}

export function renderSection(template: ReplyTemplate, section: ReplySection, context: TemplateContext, extra: Record<string, unknown> = {}): string {
  return cleanBlock(renderTemplate(template[section], { ...context, ...extra }));
}

export function renderSubject(template: ReplyTemplate, context: TemplateContext): string {
  return oneLine(renderTemplate(template.subject, { ...context }));
}

// ---- assembling a body from sentences ------------------------------------------------------------------------

export interface Part {
  sentence: DraftSentence;
  /** what separates this part from the previous one in the body */
  separator: string;
}

export function templatePart(kind: SentenceKind, text: string, separator = '\n\n'): Part {
  return { sentence: { text, citations: [], kind }, separator };
}

/** The body is the sentences' texts in order with their separators, so every sentence can be found in it. */
export function assembleBody(parts: readonly Part[]): string {
  let body = '';
  for (const { sentence, separator } of parts) {
    if (!sentence.text) continue;
    body += (body ? separator : '') + sentence.text;
  }
  return `${body}\n`;
}

/** Applies the link rule to every part in place; returns what was removed, each once. */
export function restrictParts(parts: Part[], allowed: Iterable<string>): string[] {
  const allowedList = [...allowed];
  const stripped: string[] = [];
  for (const part of parts) {
    const r = restrictLinks(part.sentence.text, allowedList);
    part.sentence.text = r.text;
    for (const s of r.stripped) if (!stripped.includes(s)) stripped.push(s);
  }
  return stripped;
}
