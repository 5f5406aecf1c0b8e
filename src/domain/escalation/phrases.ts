// Phrase reasons (a person asked for, complaint, legal or cancellation threat, prompt injection): the built-in
// lexicon and the operators' extra phrases, each reason's entries in one regex, and the negation that cancels a phrase.
import type { EscalationRules, PhraseReasonCode } from '../escalation-rules.js';
import { alternation, entryBody, LEFT } from './entries.js';
import { foldSource, type Folded } from './fold.js';
import { NEGATION_CUES } from './lexicon/negation-cues.js';
import { PHRASES, type PhraseLexicon } from './lexicon/phrases.js';

export type MatchReason = Exclude<PhraseReasonCode, 'negative_sentiment'>;
export const MATCH_REASONS = Object.keys(PHRASES) as MatchReason[];
export const NEGATABLE = new Set<MatchReason>(['asks_for_human', 'complaint', 'legal_threat', 'cancellation_threat']);

const lexiconBodies = (lexicon: PhraseLexicon) => Object.values(lexicon).flatMap((entries) => (entries ?? []).map((e) => entryBody(e)));
export const BUILT_IN = Object.fromEntries(MATCH_REASONS.map((r) => [r, alternation(lexiconBodies(PHRASES[r]))!])) as Record<MatchReason, RegExp>;

// Operators' phrases (all languages of a reason in one regex), compiled on first use; bounded, as rules can change.
const extraCache = new Map<string, RegExp | null>();
export function extraRegex(rules: EscalationRules, reason: PhraseReasonCode): RegExp | null {
  const phrases = Object.values(rules.extraPhrases[reason] ?? {}).flat();
  if (phrases.length === 0) return null;
  const key = `${reason}\u0000${phrases.join('\u0000')}`;
  if (!extraCache.has(key)) {
    if (extraCache.size > 500) extraCache.clear();
    extraCache.set(key, alternation(phrases.map((p) => entryBody(p, true))));
  }
  return extraCache.get(key)!;
}

// Negation

const CLAUSE_END = /[.!?;:,\n。！？；：，、]/gu;

/** The clause before position `at`: up to `max` characters back to the last punctuation, whitespace collapsed. */
export function clauseBefore(text: string, at: number, max = 60): string {
  const window = text.slice(Math.max(0, at - max), at);
  let cut = -1;
  for (const m of window.matchAll(CLAUSE_END)) cut = m.index;
  return window.slice(cut + 1).replace(/\s+/g, ' ');
}

const NEGATION = new RegExp(
  `${LEFT}(?:${Object.values(NEGATION_CUES).flat().map((cue) => foldSource(cue).toLowerCase().replace(/'/g, "'?")).join('|')})\\s*$`,
  'u',
);

function negatedPhrase(text: string, at: number): boolean {
  const before = clauseBefore(text, at);
  return before.trim() !== '' && NEGATION.test(before);
}

/** The first match of any of the regexes that is not negated (when the reason can be negated). */
export function findPhrase(f: Folded, regexes: (RegExp | null)[], negatable: boolean): { start: number; end: number } | null {
  for (const re of regexes) {
    if (!re) continue;
    for (const m of f.text.matchAll(re)) {
      if (m[0].length === 0) continue;
      if (negatable && negatedPhrase(f.text, m.index)) continue;
      return { start: m.index, end: m.index + m[0].length };
    }
  }
  return null;
}
