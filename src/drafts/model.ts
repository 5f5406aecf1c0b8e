// The model-written draft: the chat model answers from the numbered articles only, with the customer's message
// fenced as untrusted data. Its output is checked, not trusted: citations must name a given article (versions come
// from the input, never from the model), links and addresses outside the knowledge base are stripped, and any sign
// that the message steered the model is reported as injectionSuspected for the agent who reviews the draft.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { ChatClient, ChatMessage, CompleteJsonOptions } from '../ai/chat.js';
import { AiOutputError } from '../ai/errors.js';
import { fenceEscapeAttempt, fenceUntrusted, untrustedTextRule } from '../ai/untrusted.js';
import { renderTemplate } from '../domain/acknowledgement.js';
import { templateLanguage, type SupportedLanguage } from '../domain/language.js';
import type { Draft, DraftArticle, DraftCitation, DraftInput, SentenceCitation } from './draft.js';
import {
  allowedLinksOf, assembleBody, cleanBlock, isWebUrl, renderSection, renderSubject, restrictParts, templateContext,
  templatePart, loadReplyTemplates, type Part, type ReplyTemplateSet,
} from './templates.js';
import { oneLine, truncate } from '../domain/template-text.js';

/** What the composer needs of a chat client (a ChatClient, or a test double). */
export type DraftChat = Pick<ChatClient, 'completeJson'>;

export interface DraftPrompt {
  /** 'draft-v1' for prompts/draft/v1.md */
  version: string;
  /** the system prompt template: {{languageName}}, {{languageCode}}, {{untrustedTextRule}} */
  system: string;
}

export const MAX_MODEL_ARTICLES = 5;
const MAX_ARTICLE_CHARS = 6000;
const MAX_CUSTOMER_CHARS = 4000;
const MAX_LINK_LINES = 3;

export const LANGUAGE_NAMES: Readonly<Record<SupportedLanguage, string>> = {
  en: 'English', es: 'Spanish', ru: 'Russian', zh: 'Simplified Chinese', id: 'Indonesian', de: 'German', fr: 'French',
  pt: 'Portuguese',
};

const PROMPT_PLACEHOLDERS = ['{{languageName}}', '{{languageCode}}', '{{untrustedTextRule}}'];
const DEFAULT_PROMPT_DIR = fileURLToPath(new URL('../../prompts/draft/', import.meta.url));
const prompts = new Map<string, Promise<DraftPrompt>>();

/** prompts/draft/<version>.md; the file name is the version, recorded on every draft as 'draft-<version>'. */
export function loadDraftPrompt(version = 'v1', dir: string = DEFAULT_PROMPT_DIR): Promise<DraftPrompt> {
  if (!/^v\d+$/.test(version)) return Promise.reject(new Error(`draft prompt version must look like v1, got '${version}'`));
  const file = join(dir, `${version}.md`);
  let prompt = prompts.get(file);
  if (!prompt) {
    prompt = readFile(file, 'utf8').then((system) => {
      const missing = PROMPT_PLACEHOLDERS.filter((p) => !system.includes(p));
      if (missing.length) throw new Error(`${file}: missing placeholders: ${missing.join(', ')}`);
      return { version: `draft-${version}`, system };
    });
    prompt.catch(() => prompts.delete(file));
    prompts.set(file, prompt);
  }
  return prompt;
}

/** The model's answer. Unknown keys are kept so that, e.g., an invented "to" or "send" field can be noticed. */
export const modelDraftSchema = z.looseObject({
  language: z.string().max(40),
  sentences: z
    .array(
      z.object({
        text: z.string().max(3000),
        citations: z.array(z.union([z.string().max(200), z.number()])).max(20).default([]),
      }),
    )
    .min(1)
    .max(40),
  confidence: z.number().min(0).max(1),
  injection_detected: z.boolean(),
});
export type ModelDraftOutput = z.infer<typeof modelDraftSchema>;

const KNOWN_KEYS = new Set(['language', 'sentences', 'confidence', 'injection_detected']);
/** Keys that would make a draft act on its own: a recipient, a send flag, a forward. Drafts have none of them. */
const ACTING_KEY = /^(to|cc|bcc|from|recipients?|reply_?to|send.*|auto_?send.*|forward.*|email.*|address.*)$/i;

/** The articles as numbered reference material (Markdown as written, long bodies cut). */
export function referenceMaterial(articles: readonly DraftArticle[]): string {
  return articles
    .map((a, i) => {
      const body = truncate(cleanBlock(a.body), MAX_ARTICLE_CHARS);
      const url = isWebUrl(a.url) ? a.url.trim() : '(none)';
      return `[${i + 1}] id: ${oneLine(a.id)}\nTitle: ${oneLine(a.title)}\nURL: ${url}\nLanguage: ${oneLine(a.language)}\n\n${body}`;
    })
    .join('\n\n----------\n\n');
}

export function draftMessages(input: DraftInput, prompt: DraftPrompt): ChatMessage[] {
  const language = templateLanguage(input.language);
  const articles = input.articles.slice(0, MAX_MODEL_ARTICLES);
  const system = renderTemplate(prompt.system, {
    languageName: LANGUAGE_NAMES[language],
    languageCode: language,
    untrustedTextRule,
  }).trim();
  // Subject and text both come from the customer: both go inside the fence. The name is not needed and not sent.
  const message = truncate(`Subject: ${oneLine(input.subject)}\n\n${cleanBlock(input.customerText)}`, MAX_CUSTOMER_CHARS);
  const user = [
    `Reference articles (${articles.length}):`,
    '',
    referenceMaterial(articles),
    '',
    '==========',
    '',
    "The customer's message, untrusted data:",
    fenceUntrusted('customer message', message),
    '',
    `Write the JSON answer now, in ${LANGUAGE_NAMES[language]}.`,
  ].join('\n');
  return [
    { role: 'system', content: system },
    { role: 'user', content: user },
  ];
}

/** A citation as the model wrote it ("kb-12", "[2]", 2) to one of the given articles, or undefined. */
function resolveCitation(citation: string | number, articles: readonly DraftArticle[]): DraftArticle | undefined {
  if (typeof citation === 'number') return Number.isInteger(citation) ? articles[citation - 1] : undefined;
  const c = citation.trim();
  const exact = articles.find((a) => a.id === c) ?? articles.find((a) => a.id === c.replace(/^(id:\s*|\[)|\]$/g, '').trim());
  if (exact) return exact;
  const n = /^\[?(\d{1,2})\]?$/.exec(c);
  return n ? articles[Number(n[1]) - 1] : undefined;
}

const clamp01 = (n: number) => (Number.isFinite(n) ? Math.min(1, Math.max(0, n)) : 0);

/** Joins model sentences into paragraphs; numbered or bulleted steps and text after a colon start a new line. */
function separatorFor(text: string, previous: string | undefined): string {
  if (previous === undefined) return '\n\n';
  if (/^([-*•]|\d{1,2}[.)])\s/.test(text) || /[:：]$/.test(previous)) return '\n';
  return ' ';
}

export interface ModelDraftOptions {
  templates?: ReplyTemplateSet;
  prompt?: DraftPrompt;
  signal?: AbortSignal;
  /** passed to completeJson; temperature 0.2 and 1500 tokens unless given */
  completion?: Omit<CompleteJsonOptions, 'signal'>;
}

/**
 * Asks the chat model for a draft. Throws AiUnavailableError / AiOutputError from the client, and AiOutputError
 * when the answer has no usable sentence; composeDraft turns those into the offline draft.
 */
export async function composeModelDraft(input: DraftInput, chat: DraftChat, opts: ModelDraftOptions = {}): Promise<Draft> {
  if (!input.articles.length) throw new Error('composeModelDraft needs at least one article; use the offline draft');
  const [templates, prompt] = await Promise.all([opts.templates ?? loadReplyTemplates(), opts.prompt ?? loadDraftPrompt()]);
  const language = templateLanguage(input.language);
  const template = templates[language] ?? templates.en;
  const articles = input.articles.slice(0, MAX_MODEL_ARTICLES);
  const output = await chat.completeJson(draftMessages(input, prompt), modelDraftSchema, {
    temperature: 0.2,
    maxTokens: 1500,
    ...opts.completion,
    ...(opts.signal ? { signal: opts.signal } : {}),
  });

  const context = templateContext(input);
  const cited: DraftArticle[] = [];
  const answer: Part[] = [];
  let previous: string | undefined;
  for (const s of output.sentences) {
    const text = cleanBlock(s.text);
    if (!text) continue;
    const citations: SentenceCitation[] = [];
    for (const c of s.citations) {
      const article = resolveCitation(c, articles);
      if (!article || citations.some((x) => x.articleId === article.id)) continue; // unknown ids are dropped
      citations.push({ articleId: article.id, version: article.version });
      if (!cited.includes(article)) cited.push(article);
    }
    answer.push({ sentence: { text, citations, kind: 'answer' }, separator: separatorFor(text, previous) });
    previous = text;
  }
  if (!answer.length) throw new AiOutputError('draft model: the answer has no sentences with text');

  const links = cited.filter((a) => isWebUrl(a.url)).slice(0, MAX_LINK_LINES);
  const linkParts = links.map((a, i) =>
    templatePart('link', renderSection(template, 'link', context, { title: oneLine(a.title), url: a.url!.trim() }), i === 0 ? '\n\n' : '\n'),
  );
  const allowed = allowedLinksOf(input.articles);
  // Only the model's sentences can carry injected links: what is stripped from them is evidence of it.
  const strippedFromModel = restrictParts(answer, allowed);
  const subjectPart = templatePart('restatement', renderSubject(template, context));
  const frame = [
    templatePart('greeting', renderSection(template, 'greeting', context)),
    templatePart('restatement', renderSection(template, 'restatement', context)),
  ];
  const closing = templatePart('closing', renderSection(template, 'closing', context));
  const strippedFromFrame = restrictParts([...frame, ...linkParts, closing, subjectPart], allowed);
  const parts = [...frame, ...answer, ...linkParts, closing];

  const unsupported = answer.filter((p) => p.sentence.citations.length === 0).length;
  const supportedShare = (answer.length - unsupported) / answer.length;
  const extraKeys = Object.keys(output).filter((k) => !KNOWN_KEYS.has(k));
  const citations: DraftCitation[] = cited.map((a) => ({ articleId: a.id, version: a.version, title: oneLine(a.title), url: a.url }));
  return {
    language,
    subject: subjectPart.sentence.text,
    body: assembleBody(parts),
    sentences: parts.filter((p) => p.sentence.text).map((p) => p.sentence),
    citations,
    confidence: clamp01(Math.min(clamp01(input.confidence), output.confidence) * supportedShare),
    generator: 'model',
    promptVersion: prompt.version,
    unsupportedSentences: unsupported,
    strippedLinks: [...strippedFromModel, ...strippedFromFrame.filter((s) => !strippedFromModel.includes(s))],
    // a fake end-of-fence marker in the customer's text is an attempt to steer the model, whatever the model says
    injectionSuspected: output.injection_detected || strippedFromModel.length > 0 || extraKeys.some((k) => ACTING_KEY.test(k))
      || fenceEscapeAttempt(`${input.subject}\n${input.customerText}`) !== null,
  };
}
