// The inbox search box, parsed: words (or "quoted phrases") that must each appear in the subject, the customer's
// address or name, or the case reference; an exact case reference on its own jumps straight to the case.
import { caseReferenceIn } from '../domain/case-reference.js';

export const SEARCH_MAX_LENGTH = 200;
export const SEARCH_MAX_TERMS = 8;

export interface SearchTerm {
  /** the box's text as it is shown again (trimmed, inner whitespace collapsed) */
  text: string;
  /** each word or phrase as an ILIKE pattern: LIKE wildcards escaped, wrapped in % */
  patterns: string[];
  /** set when the whole input is one case reference (FR-7K3Q9X, #FR-7K3Q9X or [FR-7K3Q9X]) */
  reference: string | null;
}

/** `%`, `_` and the escape character itself matched literally (PostgreSQL's default LIKE escape is the backslash). */
export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (ch) => `\\${ch}`);
}

/** Null for an empty box. Case is left alone: the query uses ILIKE. */
export function parseSearch(raw: string | undefined | null): SearchTerm | null {
  const text = (raw ?? '').replace(/\s+/g, ' ').trim().slice(0, SEARCH_MAX_LENGTH).trim();
  if (!text) return null;
  const words: string[] = [];
  for (const m of text.matchAll(/"([^"]*)"?|(\S+)/g)) {
    const word = (m[1] ?? m[2] ?? '').trim();
    if (word && !words.includes(word.toLowerCase())) words.push(word.toLowerCase());
  }
  if (words.length === 0) return null;
  const whole = /^[[#]*(FR-[0-9A-Z]{6})\]?$/i.exec(text);
  const reference = whole ? caseReferenceIn(whole[1]!) : null;
  // a lone reference is searched without its # or brackets, in case it is not there to jump to
  const patterns = reference ? [reference.toLowerCase()] : words.slice(0, SEARCH_MAX_TERMS);
  return { text, patterns: patterns.map((w) => `%${escapeLike(w)}%`), reference };
}
