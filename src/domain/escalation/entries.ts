// Entry compilation (syntax: lexicon/phrases.ts). All entries of a reason become one alternation: Unicode
// property classes are costly to compile, so they appear once per reason, not once per entry.
import { foldSource } from './fold.js';

/** A letter or digit of a script that separates words with spaces (so not Chinese, Japanese, Korean). */
const W = '(?:(?![\\p{sc=Han}\\p{sc=Hiragana}\\p{sc=Katakana}\\p{sc=Hangul}])[\\p{L}\\p{N}])';
export const LEFT = `(?:(?<!${W})|(?!${W}))`;
const RIGHT = `(?:(?!${W})|(?<!${W}))`;
/** The rest of a word, in folded text (Latin without accents, Cyrillic, digits). */
const WORD_END = '[a-z0-9\\u00df-\\u00ff\\u0430-\\u045f]*';
const GAP = '(?:\\S+\\s+){0,3}?';
const REGEX_SPECIALS = /[.+?^${}()|[\]\\]/g;

/** One entry as a regular expression body: lower case, groups non-capturing, no word boundaries. */
export function entryBody(entry: string, literal = false): string {
  let src = foldSource(entry.trim());
  if (literal) src = src.toLowerCase().replace(REGEX_SPECIALS, '\\$&');
  const tokens: string[] = [];
  let depth = 0;
  let cur = '';
  for (let i = 0; i < src.length; i++) {
    const ch = src[i]!;
    if (ch === '\\') {
      // An escape is copied as it is, \p{...} with its braces.
      let j = i + 1;
      if ((src[j] === 'p' || src[j] === 'P') && src[j + 1] === '{') j = Math.max(j, src.indexOf('}', j));
      cur += src.slice(i, j + 1);
      i = j;
      continue;
    }
    if (ch === '(') {
      depth++;
      cur += src[i + 1] === '?' ? '(' : '(?:';
      continue;
    }
    if (ch === ')') depth = Math.max(0, depth - 1);
    if (/\s/.test(ch)) {
      if (depth === 0) {
        if (cur) tokens.push(cur);
        cur = '';
      } else if (!cur.endsWith('\\s+')) cur += '\\s+';
      continue;
    }
    if (ch === '*') {
      // "**" would stack wildcards (catastrophic backtracking on a long word): one is enough.
      if (!cur.endsWith(WORD_END)) cur += WORD_END;
    }
    else if (ch === "'") cur += "'?";
    else cur += ch.toLowerCase();
  }
  if (cur) tokens.push(cur);
  while (tokens[0] === '~') tokens.shift();
  while (tokens.at(-1) === '~') tokens.pop();
  let out = '';
  tokens.forEach((t, i) => {
    if (t === '~') out += GAP;
    else out += t + (i < tokens.length - 1 ? '\\s+' : '');
  });
  return out;
}

/** One entry as a stand-alone regular expression source, with word boundaries (for tests and tools). */
export function entrySource(entry: string, literal = false): string {
  return `${LEFT}(?:${entryBody(entry, literal)})${RIGHT}`;
}

/** Entries as one regex; with `capture`, entry i is capture group i + 1. Longer entries first where they overlap. */
export function alternation(bodies: string[], capture = false): RegExp | null {
  if (bodies.length === 0) return null;
  return new RegExp(`${LEFT}(?:${bodies.map((b) => (capture ? `(${b})` : b)).join('|')})${RIGHT}`, 'gu');
}
