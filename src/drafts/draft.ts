// A reply draft: what an agent reviews, edits and approves. It never carries a recipient, a send flag or anything
// else that could make it act on its own: the case it belongs to decides who receives the approved reply.
import type { SupportedLanguage } from '../domain/language.js';

export interface DraftArticle {
  id: string;
  version: number;
  title: string;
  /** Markdown */
  body: string;
  url: string | null;
  language: string;
}

export interface DraftInput {
  customerName: string | null;
  /** the customer's own words (subject and body without quotes and signature), untrusted */
  customerText: string;
  subject: string;
  /** detected language of the customer; unsupported ones are answered in English */
  language: string;
  /** matched articles, best first, already in the customer's language where a translation exists */
  articles: DraftArticle[];
  /** the matcher's calibrated confidence for the best article, 0..1 */
  confidence: number;
  caseReference: string;
  /** how the closing is signed; the template's neutral team name otherwise */
  agentSignature?: string;
}

export interface SentenceCitation {
  articleId: string;
  version: number;
}

/**
 * greeting/restatement/intro/link/holding/closing come from the reply template and need no citation;
 * 'answer' sentences should cite at least one article version, and count as unsupported when they do not.
 */
export type SentenceKind = 'greeting' | 'restatement' | 'intro' | 'answer' | 'link' | 'holding' | 'closing';

export interface DraftSentence {
  text: string;
  citations: SentenceCitation[];
  kind: SentenceKind;
}

export interface DraftCitation {
  articleId: string;
  version: number;
  title: string;
  url: string | null;
}

export type DraftGenerator = 'offline' | 'model';

export interface Draft {
  language: SupportedLanguage;
  subject: string;
  /** plain text, what the agent edits; every sentence's text appears in it, in order */
  body: string;
  sentences: DraftSentence[];
  /** the article versions cited anywhere in the draft, in order of first citation */
  citations: DraftCitation[];
  /** 0..1 */
  confidence: number;
  generator: DraftGenerator;
  /** 'offline-v1' for the extractive composer, 'draft-v1' (prompts/draft/v1.md) for the model */
  promptVersion: string;
  /** answer sentences without a citation */
  unsupportedSentences: number;
  /** links and addresses removed from the draft because they are not the knowledge base's */
  strippedLinks: string[];
  /** the model said the customer's message tried to steer it, or its output contained foreign links/addresses */
  injectionSuspected: boolean;
}

export const OFFLINE_PROMPT_VERSION = 'offline-v1';
