// Negative sentiment, scored rather than matched: a sum of weighted terms, intensified or negated by the words around
// them, plus exclamation marks and shouting.
import { alternation, entryBody } from './entries.js';
import { fold, MAX_SCAN_CHARS, quote } from './fold.js';
import { NEGATIVE_SENTIMENT_THRESHOLD, SENTIMENT } from './lexicon/sentiment.js';
import { clauseBefore } from './phrases.js';

const CJK = /[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\p{sc=Hangul}]/u;
const foldWord = (w: string) => fold(w).text.trim();
const SPACED = Object.entries(SENTIMENT).filter(([lang]) => lang !== 'zh').map(([, l]) => l);
const INTENSIFIERS = new Set(SPACED.flatMap((l) => l.intensifiers).map(foldWord));
const POST_INTENSIFIERS = new Set(SPACED.flatMap((l) => l.postIntensifiers ?? []).map(foldWord));
const NEGATORS = new Set(SPACED.flatMap((l) => l.negators).map(foldWord));
const byLength = (a: string, b: string) => b.length - a.length;
const ZH_INTENSIFIERS = SENTIMENT.zh.intensifiers.map(foldWord).sort(byLength);
const ZH_POST_INTENSIFIERS = (SENTIMENT.zh.postIntensifiers ?? []).map(foldWord).sort(byLength);
const ZH_NEGATORS = SENTIMENT.zh.negators.map(foldWord).sort(byLength);
// One regex for every term, each its own capture group, longest first so "pouca vergonha" wins over "vergonha".
const SENTIMENT_TERMS = Object.values(SENTIMENT)
  .flatMap((l) => Object.entries(l.terms).map(([term, weight]) => ({ body: entryBody(term), weight })))
  .sort((a, b) => b.body.length - a.body.length);
const SENTIMENT_RE = alternation(SENTIMENT_TERMS.map((t) => t.body), true)!;
const EDGE_PUNCTUATION = /^[^\p{L}\p{N}']+|[^\p{L}\p{N}']+$/gu;

function modifiers(text: string, start: number, end: number): { negated: boolean; intensified: boolean } {
  if (CJK.test(text[start] ?? '')) {
    let before = text.slice(Math.max(0, start - 4), start);
    let intensified = false;
    const pre = ZH_INTENSIFIERS.find((w) => before.endsWith(w));
    if (pre) {
      intensified = true;
      before = before.slice(0, -pre.length);
    }
    if (ZH_POST_INTENSIFIERS.some((w) => text.startsWith(w, end))) intensified = true;
    return { negated: ZH_NEGATORS.some((w) => before.endsWith(w)), intensified };
  }
  const tokens = clauseBefore(text, start, 40).trim().split(' ').map((t) => t.replace(EDGE_PUNCTUATION, '')).filter(Boolean).slice(-3);
  const negated = tokens.some((t) => NEGATORS.has(t) || t.endsWith("n't") || (t.startsWith("n'") && t.length > 2));
  const next = /^\s*([\p{L}\p{N}'-]+)/u.exec(text.slice(end, end + 20))?.[1] ?? '';
  const intensified = tokens.slice(-2).some((t) => INTENSIFIERS.has(t)) || POST_INTENSIFIERS.has(next);
  return { negated, intensified };
}

/** Several words in capitals, or mostly capitals: shouting. */
function shouting(original: string): boolean {
  const words = original.split(/[^\p{L}]+/u).filter((w) => w.length >= 4 && w !== w.toLowerCase());
  const capsWords = words.filter((w) => w === w.toUpperCase()).length;
  const cased = original.match(/[\p{Lu}\p{Ll}]/gu) ?? [];
  const upper = cased.filter((c) => c !== c.toLowerCase()).length;
  return capsWords >= 2 || (cased.length >= 20 && upper / cased.length >= 0.7);
}

export interface SentimentScore {
  score: number;
  /** what counted, in the customer's words */
  hits: string[];
}

const INTENSIFY = 1.5;
const MAX_PER_TERM = 2;

/** Scores negative wording; `extra` phrases (operators') count as strongly negative on their own. */
export function scoreNegativeSentiment(text: string, extra: RegExp | null = null): SentimentScore {
  const f = fold(text.slice(0, MAX_SCAN_CHARS));
  const found: { start: number; end: number; weight: number; id: string }[] = [];
  for (const m of f.text.matchAll(SENTIMENT_RE)) {
    const group = m.findIndex((g, i) => i > 0 && g !== undefined);
    if (m[0].length > 0 && group > 0) found.push({ start: m.index, end: m.index + m[0].length, weight: SENTIMENT_TERMS[group - 1]!.weight, id: `t${group}` });
  }
  if (extra) {
    for (const m of f.text.matchAll(extra)) {
      if (m[0].length > 0) found.push({ start: m.index, end: m.index + m[0].length, weight: NEGATIVE_SENTIMENT_THRESHOLD, id: `x:${m[0]}` });
    }
  }
  // Longest match wins where terms overlap ("not acceptable" over "acceptable", "太过分" over "过分").
  found.sort((a, b) => a.start - b.start || b.end - b.start - (a.end - a.start));
  let score = 0;
  let reach = -1;
  const hits: string[] = [];
  const perTerm = new Map<string, number>();
  for (const hit of found) {
    if (hit.start < reach) continue;
    reach = hit.end;
    const { negated, intensified } = modifiers(f.text, hit.start, hit.end);
    if (negated) continue;
    const n = perTerm.get(hit.id) ?? 0;
    if (n >= MAX_PER_TERM) continue;
    perTerm.set(hit.id, n + 1);
    score += hit.weight * (intensified ? INTENSIFY : 1);
    hits.push(quote(f, hit.start, hit.end));
  }
  if (score > 0) {
    const bangs = f.text.match(/!{2,}/);
    if (bangs || (f.text.match(/!/g)?.length ?? 0) >= 3) {
      score += 1;
      hits.push(bangs?.[0] ?? '!');
    }
    if (shouting(f.original)) {
      score += 1;
      hits.push('capitals');
    }
  }
  return { score, hits };
}
