// "The same customer asking the same thing again": when a customer writes a second time without replying to our mail
// (a new email instead of a reply, another address of theirs with a plus-tag), a second case opens. The case page
// offers to merge it into the first when the rule below says so, in words an agent can check at a glance.
import { caseReferenceIn } from './case-reference.js';
import { customerText } from './language.js';
import { extractFeatures } from '../text/features.js';

/** Cases opened further apart than this are separate questions, however alike. */
export const MERGE_WINDOW_DAYS = 7;
/** Cosine of the two questions' word and character features (the matcher's own, kb/matching/text-features.ts). */
export const SIMILAR_TEXT_MIN = 0.6;

export interface ComparedCase {
  id: string;
  mailboxId: number;
  status: string;
  createdAt: Date;
  subject: string;
  /** the customer's first message on the case (subject and body are read through customerText) */
  question: string;
  /** the article the opening message was matched to first, when the match was confident (not escalated) */
  topArticle: { id: string; title: string } | null;
}

export type SameQuestionReason =
  | { code: 'same_article'; article: string }
  | { code: 'same_subject'; subject: string }
  | { code: 'similar_text'; similarity: number };

/** Still being worked on: a resolved or merged case is not offered as a merge target or source. */
const ACTIVE = new Set(['open', 'escalated', 'waiting']);

/** The customer's address as the database compares it (customerKeySql in db/schema/cases.ts): lower case, no plus-tag. */
export function customerKey(address: string): string {
  return address.trim().toLowerCase().replace(/^([^@+]*)\+[^@]*@/, '$1@');
}

/** The subject without Re:/Fwd: prefixes (any language customerText knows), the case reference and punctuation. */
export function comparableSubject(subject: string): string {
  const reference = caseReferenceIn(subject);
  const plain = customerText(reference ? subject.replace(new RegExp(`\\[?#?${reference}\\]?`, 'i'), ' ') : subject, '');
  return plain.normalize('NFKC').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

export function questionSimilarity(a: string, b: string): number {
  const fa = extractFeatures(a);
  const fb = extractFeatures(b);
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (const [k, v] of fa) {
    na += v * v;
    dot += v * (fb.get(k) ?? 0);
  }
  for (const v of fb.values()) nb += v * v;
  return na && nb ? dot / Math.sqrt(na * nb) : 0;
}

/**
 * Why `other` asks what `current` asks, or null. Both belong to the same customer (the caller matched them by
 * customerKey). Same mailbox only, both still active, opened within MERGE_WINDOW_DAYS, and one of: the same article
 * matched first with confidence; the same subject (at least two words, so "Help" or "Question" alone says nothing);
 * questions whose words and spellings mostly agree.
 */
export function sameQuestion(current: ComparedCase, other: ComparedCase): SameQuestionReason | null {
  if (current.id === other.id || current.mailboxId !== other.mailboxId) return null;
  if (!ACTIVE.has(current.status) || !ACTIVE.has(other.status)) return null;
  if (Math.abs(current.createdAt.getTime() - other.createdAt.getTime()) > MERGE_WINDOW_DAYS * 86_400_000) return null;
  if (current.topArticle && other.topArticle && current.topArticle.id === other.topArticle.id) {
    return { code: 'same_article', article: current.topArticle.title };
  }
  const subject = comparableSubject(current.subject);
  if (subject.split(' ').length >= 2 && subject === comparableSubject(other.subject)) return { code: 'same_subject', subject };
  const similarity = questionSimilarity(current.question, other.question);
  if (similarity >= SIMILAR_TEXT_MIN) return { code: 'similar_text', similarity };
  return null;
}

/** The reason as the case page says it. */
export function describeSameQuestion(reason: SameQuestionReason): string {
  switch (reason.code) {
    case 'same_article': return `both questions were matched first to the article “${reason.article}”`;
    case 'same_subject': return `both have the subject “${reason.subject}”`;
    case 'similar_text': return `the two questions are ${Math.round(reason.similarity * 100)}% alike in their words`;
  }
}

/** "opened 2 days apart", "opened the same day" */
export function describeGap(a: Date, b: Date): string {
  const hours = Math.abs(a.getTime() - b.getTime()) / 3_600_000;
  if (hours < 1) return 'opened within the hour';
  if (hours < 24) return `opened ${Math.round(hours)} hour${Math.round(hours) === 1 ? '' : 's'} apart`;
  const days = Math.round(hours / 24);
  return `opened ${days} day${days === 1 ? '' : 's'} apart`;
}
