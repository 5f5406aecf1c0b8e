// Decides whether a case goes to humans, and why. Pure: the caller supplies the customer's own words (quoted
// history already stripped), the knowledge-base match and the mailbox's rules; every reason that fires is reported
// with a sentence an agent understands, quoting what matched, so an escalation can always be explained.
import {
  NEGATION_CUES, NEGATIVE_SENTIMENT_THRESHOLD, PHRASES, SENTIMENT, type PhraseLexicon,
} from './escalation-lexicon.js';
import {
  ESCALATION_REASON_CODES, type EscalationReasonCode, type EscalationRules, type PhraseReasonCode,
} from './escalation-rules.js';

export { ESCALATION_REASON_CODES, type EscalationReasonCode } from './escalation-rules.js';

export interface EscalationReason {
  code: EscalationReasonCode;
  /** a sentence for the agent: what was detected, quoting at most 60 characters of what matched */
  detail: string;
}

export interface EscalationInput {
  subject: string;
  /** the customer's own words (customerText(): subject + body without quoted history and signatures) */
  text: string;
  /**
   * detected language. Every language's lexicon is applied whatever it says (short messages are often mis-detected
   * and customers mix languages); kept so callers pass it and rules can use it.
   */
  language: string;
  fromAddress: string | null;
  /** the customer's messages in this case, this one included */
  customerMessageCount: number;
  /** the knowledge-base match; null when none was made (no reason is claimed then) */
  match: { escalate: boolean; confidence: number; threshold: number; reason?: string | null } | null;
  rules: EscalationRules;
}

export interface EscalationDecision {
  /** most severe first; empty = no escalation */
  reasons: EscalationReason[];
  /** the team of the most severe reason that has a route (rules.teamByReason), else rules.defaultTeam */
  team: string;
}

/** Higher is more severe: decides the order of reasons and which reason's team gets the case. */
export const ESCALATION_SEVERITY: Record<EscalationReasonCode, number> = {
  legal_threat: 100,
  prompt_injection: 90,
  sla_breach: 80,
  cancellation_threat: 70,
  vip_sender: 60,
  complaint: 50,
  negative_sentiment: 40,
  asks_for_human: 30,
  repeated_contact: 20,
  no_confident_article: 10,
};

/** Short labels, e.g. for a notification subject. */
export const ESCALATION_LABELS: Record<EscalationReasonCode, string> = {
  no_confident_article: 'no confident article',
  asks_for_human: 'asks for a person',
  negative_sentiment: 'negative sentiment',
  complaint: 'complaint',
  legal_threat: 'legal threat',
  cancellation_threat: 'cancellation threat',
  vip_sender: 'VIP sender',
  repeated_contact: 'repeated contact',
  prompt_injection: 'suspected prompt injection',
  sla_breach: 'SLA breach',
};

const DESCRIPTIONS: Record<EscalationReasonCode, string> = {
  no_confident_article: 'no knowledge-base article answers the message confidently',
  asks_for_human: 'the customer asks for a person',
  negative_sentiment: 'the message is strongly negative',
  complaint: 'the customer makes a complaint',
  legal_threat: 'the customer mentions legal action',
  cancellation_threat: 'the customer threatens to leave or cancel',
  vip_sender: 'the sender is a VIP',
  repeated_contact: 'the customer has written several times in this case',
  prompt_injection: 'the message contains instructions aimed at an AI or the system (suspected prompt injection)',
  sla_breach: 'the reply deadline has passed',
};

export function describeEscalation(code: EscalationReasonCode): string {
  return DESCRIPTIONS[code] ?? code;
}

// ---------------------------------------------------------------------------------------------------------------
// Normalisation. Matching runs on folded text (lower case, no accents, ё→е, ß→ss, one kind of apostrophe); a map
// back to the original lets details quote what the customer actually wrote.

const MAX_SCAN_CHARS = 20_000;
const APOSTROPHES = new Set(['\u2018', '\u2019', '\u02BC', '\u00B4', '`', '\u2032', '\uFF07']);
const foldCache = new Map<string, string>();

function foldChar(ch: string): string {
  const cached = foldCache.get(ch);
  if (cached !== undefined) return cached;
  let f: string;
  if (ch === '\n' || ch === '\r' || ch === '\u2028' || ch === '\u2029') f = '\n';
  else if (/\s/u.test(ch)) f = ' ';
  else if (APOSTROPHES.has(ch)) f = "'";
  else f = ch.normalize('NFKD').toLowerCase().replace(/\p{M}/gu, '').replace(/ß/g, 'ss');
  if (foldCache.size < 20_000) foldCache.set(ch, f);
  return f;
}

interface Folded {
  original: string;
  text: string;
  /** for each UTF-16 unit of `text`: where its source character starts and ends in `original` */
  from: number[];
  to: number[];
}

function fold(original: string): Folded {
  let text = '';
  const from: number[] = [];
  const to: number[] = [];
  let i = 0;
  for (const ch of original) {
    const f = foldChar(ch);
    text += f;
    for (let k = 0; k < f.length; k++) {
      from.push(i);
      to.push(i + ch.length);
    }
    i += ch.length;
  }
  return { original, text, from, to };
}

/** Folds a lexicon entry the way text is folded, except case (the regex is case-insensitive; `\S` must survive). */
function foldSource(source: string): string {
  let out = '';
  for (const ch of source) {
    out += APOSTROPHES.has(ch) ? "'" : ch.normalize('NFKD').replace(/\p{M}/gu, '').replace(/ß/g, 'ss');
  }
  return out;
}

/** Up to 60 characters of the original text behind folded[start, end). */
function quote(f: Folded, start: number, end: number, max = 60): string {
  if (end <= start) return '';
  const s = f.original.slice(f.from[start]!, f.to[end - 1]!).replace(/\s+/g, ' ').trim();
  const chars = Array.from(s);
  return chars.length <= max ? s : `${chars.slice(0, max - 1).join('').trimEnd()}…`;
}

// ---------------------------------------------------------------------------------------------------------------
// Entry compilation (syntax: escalation-lexicon.ts). All entries of a reason become one alternation: Unicode
// property classes are costly to compile, so they appear once per reason, not once per entry.

/** A letter or digit of a script that separates words with spaces (so not Chinese, Japanese, Korean). */
const W = '(?:(?![\\p{sc=Han}\\p{sc=Hiragana}\\p{sc=Katakana}\\p{sc=Hangul}])[\\p{L}\\p{N}])';
const LEFT = `(?:(?<!${W})|(?!${W}))`;
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
function alternation(bodies: string[], capture = false): RegExp | null {
  if (bodies.length === 0) return null;
  return new RegExp(`${LEFT}(?:${bodies.map((b) => (capture ? `(${b})` : b)).join('|')})${RIGHT}`, 'gu');
}

type MatchReason = Exclude<PhraseReasonCode, 'negative_sentiment'>;
const MATCH_REASONS = Object.keys(PHRASES) as MatchReason[];
const NEGATABLE = new Set<MatchReason>(['asks_for_human', 'complaint', 'legal_threat', 'cancellation_threat']);

const lexiconBodies = (lexicon: PhraseLexicon) => Object.values(lexicon).flatMap((entries) => (entries ?? []).map((e) => entryBody(e)));
const BUILT_IN = Object.fromEntries(MATCH_REASONS.map((r) => [r, alternation(lexiconBodies(PHRASES[r]))!])) as Record<MatchReason, RegExp>;

// Operators' phrases (all languages of a reason in one regex), compiled on first use; bounded, as rules can change.
const extraCache = new Map<string, RegExp | null>();
function extraRegex(rules: EscalationRules, reason: PhraseReasonCode): RegExp | null {
  const phrases = Object.values(rules.extraPhrases[reason] ?? {}).flat();
  if (phrases.length === 0) return null;
  const key = `${reason}\u0000${phrases.join('\u0000')}`;
  if (!extraCache.has(key)) {
    if (extraCache.size > 500) extraCache.clear();
    extraCache.set(key, alternation(phrases.map((p) => entryBody(p, true))));
  }
  return extraCache.get(key)!;
}

// ---------------------------------------------------------------------------------------------------------------
// Negation

const CLAUSE_END = /[.!?;:,\n。！？；：，、]/gu;

/** The clause before position `at`: up to `max` characters back to the last punctuation, whitespace collapsed. */
function clauseBefore(text: string, at: number, max = 60): string {
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
function findPhrase(f: Folded, regexes: (RegExp | null)[], negatable: boolean): { start: number; end: number } | null {
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

// ---------------------------------------------------------------------------------------------------------------
// Negative sentiment

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

// ---------------------------------------------------------------------------------------------------------------
// The decision

const REPLY_PREFIX = /^\s*((re|fw|fwd|aw|wg|tr|rv|enc|res|sv|ответ|отв|回复|回覆|答复|转发|轉寄|balas|trs)\s?(\[\d+\])?\s?[:：]\s*)+/iu;
const REFERENCE_TAG = /\[[A-Z]{1,10}-[A-Z0-9]{3,}\]/g;

/** Subject and text once: customerText() already starts with the subject, which must not be counted twice. */
function scanText(subject: string, text: string): string {
  const s = (subject ?? '').replace(REFERENCE_TAG, ' ').replace(REPLY_PREFIX, '').replace(/\s+/g, ' ').trim();
  const t = text ?? '';
  const combined = !s || t.replace(/\s+/g, ' ').includes(s) ? t : `${s}\n${t}`;
  return combined.slice(0, MAX_SCAN_CHARS);
}

function joinQuotes(quotes: string[], max = 60): string {
  const out: string[] = [];
  let length = 0;
  for (const q of quotes) {
    if (!q || out.includes(`"${q}"`)) continue;
    const piece = `"${q}"`;
    if (out.length > 0 && length + piece.length + 2 > max) break;
    out.push(piece);
    length += piece.length + 2;
  }
  return out.join(', ');
}

function senderAddress(from: string | null): string | null {
  if (!from) return null;
  const bracketed = /<([^<>]+)>/.exec(from)?.[1];
  const address = (bracketed ?? from).trim().toLowerCase();
  return /^[^@\s]+@[^@\s]+$/.test(address) ? address : null;
}

/** The team of the most severe reason that has a route, else the default team. */
export function escalationTeam(reasons: readonly { code: EscalationReasonCode }[], rules: EscalationRules): string {
  const routed = [...reasons]
    .sort((a, b) => ESCALATION_SEVERITY[b.code] - ESCALATION_SEVERITY[a.code])
    .find((r) => rules.teamByReason[r.code]);
  return (routed && rules.teamByReason[routed.code]) || rules.defaultTeam;
}

const PHRASE_DETAIL: Record<MatchReason, string> = {
  asks_for_human: 'The customer asks for a person',
  complaint: 'The customer makes a complaint',
  legal_threat: 'The customer mentions legal action',
  cancellation_threat: 'The customer threatens to leave or cancel',
  prompt_injection: 'The message contains instructions aimed at an AI or the system',
};

export function detectEscalation(input: EscalationInput): EscalationDecision {
  const { rules } = input;
  const on = (code: EscalationReasonCode) => rules.enabled[code] !== false;
  const reasons: EscalationReason[] = [];

  if (on('no_confident_article') && input.match?.escalate) {
    const m = input.match;
    reasons.push({
      code: 'no_confident_article',
      detail: m.reason === 'empty_knowledge_base'
        ? 'The knowledge base has no articles to answer with yet.'
        : m.reason === 'no_article_in_language'
        ? `No knowledge-base article is written in the customer's language (${input.language}).`
        : `No knowledge-base article is confident enough (confidence ${m.confidence.toFixed(2)}, threshold ${m.threshold.toFixed(2)}).`,
    });
  }

  const f = fold(scanText(input.subject, input.text));
  for (const code of MATCH_REASONS) {
    if (!on(code)) continue;
    const hit = findPhrase(f, [BUILT_IN[code], extraRegex(rules, code)], NEGATABLE.has(code));
    if (hit) reasons.push({ code, detail: `${PHRASE_DETAIL[code]}: "${quote(f, hit.start, hit.end)}".` });
  }

  if (on('negative_sentiment')) {
    const { score, hits } = scoreNegativeSentiment(f.original, extraRegex(rules, 'negative_sentiment'));
    if (score >= NEGATIVE_SENTIMENT_THRESHOLD) {
      reasons.push({
        code: 'negative_sentiment',
        detail: `Strongly negative wording (score ${Number(score.toFixed(1))}, threshold ${NEGATIVE_SENTIMENT_THRESHOLD}): ${joinQuotes(hits)}.`,
      });
    }
  }

  const sender = senderAddress(input.fromAddress);
  if (on('vip_sender') && sender) {
    const domain = sender.slice(sender.lastIndexOf('@') + 1);
    const vipDomain = rules.vipDomains.map((d) => d.toLowerCase()).find((d) => domain === d || domain.endsWith(`.${d}`));
    if (rules.vipAddresses.some((a) => a.trim().toLowerCase() === sender)) {
      reasons.push({ code: 'vip_sender', detail: `The sender ${sender} is on the VIP list.` });
    } else if (vipDomain) {
      reasons.push({ code: 'vip_sender', detail: `The sender ${sender} belongs to the VIP domain ${vipDomain}.` });
    }
  }

  if (on('repeated_contact') && input.customerMessageCount >= rules.maxCustomerMessages) {
    reasons.push({
      code: 'repeated_contact',
      detail: `The customer has written ${input.customerMessageCount} messages in this case (escalates from ${rules.maxCustomerMessages}).`,
    });
  }

  reasons.sort((a, b) => ESCALATION_SEVERITY[b.code] - ESCALATION_SEVERITY[a.code]);
  return { reasons, team: escalationTeam(reasons, rules) };
}

/** The reason the SLA monitor records when a case's reply deadline passes. */
export function slaBreachReason(dueAt: Date, now: Date = new Date()): EscalationReason {
  const minutes = Math.max(0, Math.round((now.getTime() - dueAt.getTime()) / 60_000));
  const late = minutes >= 120 ? `${Math.round(minutes / 60)} h` : `${minutes} min`;
  return { code: 'sla_breach', detail: `The reply was due at ${dueAt.toISOString()} and is ${late} late.` };
}

/**
 * Adds newly detected reasons to those a case already has (cases.escalationReasons), keeping the first detection
 * of each code; `added` says which are new, so a caller notifies only about what changed.
 */
export function mergeEscalationReasons(
  existing: readonly { code: string; detail: string; at: string }[],
  detected: readonly EscalationReason[],
  at: Date,
): { records: { code: string; detail: string; at: string }[]; added: EscalationReason[] } {
  const known = new Set(existing.map((r) => r.code));
  const added = detected.filter((r) => !known.has(r.code));
  return { records: [...existing, ...added.map((r) => ({ code: r.code, detail: r.detail, at: at.toISOString() }))], added };
}

export const isEscalationReasonCode = (code: string): code is EscalationReasonCode =>
  (ESCALATION_REASON_CODES as readonly string[]).includes(code);
