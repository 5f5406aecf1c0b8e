// What the chat model answers when asked for the questions customers would ask about an article, made safe to index:
// only strings, one line each, no list markers or quotes, no links or addresses, no near-duplicates, a few at most.
// Pure, so the rules are tested without a model.
import { z } from 'zod';

export const MIN_QUESTIONS = 5;
export const MAX_QUESTIONS = 8;
/** Longer than any question a customer asks in one sentence: a paragraph is a model that ignored the task. */
export const MAX_QUESTION_CHARS = 300;
/** Entries read from an answer at most (a runaway list is cut before cleaning, not rejected). */
const MAX_ENTRIES = 50;

// Links and addresses in an example would match customers who write about links and addresses, not the article.
const LINK_OR_ADDRESS = /https?:\/\/|www\.|\S@\S|<<<|>>>/i;

/** The comparison key of a question: case, punctuation and spacing do not make two questions different. */
export function questionKey(text: string): string {
  return text.toLocaleLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

export function cleanQuestion(raw: unknown): string | null {
  if (typeof raw !== 'string') return null;
  const text = raw
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^(?:[-*•]|\d{1,2}[.)])\s+/u, '')
    .replace(/^["'“”«»„]+|["'“”«»]+$/gu, '')
    .trim();
  if (!questionKey(text) || text.length > MAX_QUESTION_CHARS || LINK_OR_ADDRESS.test(text)) return null;
  return text;
}

/** The usable questions of an answer's list, in the model's order, the first MAX_QUESTIONS distinct ones. */
export function cleanQuestions(raw: readonly unknown[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const entry of raw.slice(0, MAX_ENTRIES)) {
    const text = cleanQuestion(entry);
    if (!text || seen.has(questionKey(text))) continue;
    seen.add(questionKey(text));
    out.push(text);
    if (out.length === MAX_QUESTIONS) break;
  }
  return out;
}

/** For ChatClient.completeJson: an answer with no usable question gets the client's one repair attempt. */
export const questionAnswerSchema = z
  .object({ questions: z.array(z.unknown()) })
  .transform((a) => cleanQuestions(a.questions))
  .pipe(z.array(z.string()).min(1, 'no usable question: write one-sentence questions as plain strings'));

/** The questions in a raw answer, or null when it is not JSON of the asked shape or holds none usable. */
export function parseQuestionAnswer(content: string): string[] | null {
  let data: unknown;
  try {
    data = JSON.parse(content);
  } catch {
    return null;
  }
  const parsed = questionAnswerSchema.safeParse(data);
  return parsed.success ? parsed.data : null;
}
