// The draft that needs no model: the reply template around the passages of the best article that share the most
// words and character n-grams with the customer's text, quoted verbatim (so every answer sentence is supported by
// the article version it cites). Without an article, a polite holding reply with confidence 0.
import { templateLanguage } from '../domain/language.js';
import { extractFeatures, familyWeight, defaultFeatureOptions } from '../text/features.js';
import { OFFLINE_PROMPT_VERSION, type Draft, type DraftArticle, type DraftInput } from './draft.js';
import {
  allowedLinksOf, assembleBody, cleanBlock, isWebUrl, renderSection, renderSubject, restrictParts, templateContext,
  templatePart, type Part, type ReplyTemplateSet,
} from './templates.js';
import { oneLine } from '../domain/template-text.js';

export interface Passage {
  text: string;
  /** the heading the passage sits under, '' before the first */
  heading: string;
  /** index of the Markdown block (paragraph or list) it came from */
  block: number;
  /** position among all passages */
  order: number;
}

const MAX_PASSAGES = 3;
const MAX_ANSWER_CHARS = 1000;
/** paragraphs longer than this are split into sentences */
const LONG_PARAGRAPH = 300;
/** a passage joins the best one when it scores at least this share of the best score */
const RELATIVE_CUTOFF = 0.35;
/** below this a passage is not related at all (unrelated texts share a few character n-grams by chance: ≤ 0.12) */
const MIN_SCORE = 0.15;

/** longer article bodies and customer texts are cut: the answer is near the top, and scoring stays fast */
const MAX_BODY_CHARS = 50_000;
const MAX_QUERY_CHARS = 4000;

const LIST_ITEM = /^\s{0,3}([-*+]|\d{1,3}[.)])\s+/;

/** Inline Markdown to plain text: links become "text (url)" (http(s) only), images, tags and emphasis go. */
function inlinePlain(text: string): string {
  return text
    .replace(/!\[[^\]]*\]\([^)]*\)/g, ' ')
    .replace(/\[([^\]\n]*)\]\(\s*<?([^)\s>]*)>?(?:\s+"[^"]*")?\s*\)/g, (_m, label: string, url: string) => {
      const shown = label.trim();
      if (!/^https?:\/\//i.test(url)) return shown;
      return !shown || shown === url ? url : `${shown} (${url})`;
    })
    .replace(/<(https?:\/\/[^\s<>]+)>/gi, '$1')
    .replace(/<\/?[a-z][^>]*>/gi, ' ')
    .replace(/(\*\*|__)(?=\S)([\s\S]*?\S)\1/g, '$2')
    .replace(/(^|[^\w*])\*(?=\S)([^*\n]*?\S)\*(?!\w)/g, '$1$2')
    .replace(/`+/g, '')
    .replace(/\\([\\`*_{}[\]()#+\-.!>])/g, '$1')
    .replace(/[ \t]+/g, ' ')
    .trim();
}

const segmenters = new Map<string, Intl.Segmenter>();

function splitSentences(text: string, language: string): string[] {
  let segmenter = segmenters.get(language);
  if (!segmenter) {
    try {
      segmenter = new Intl.Segmenter(language, { granularity: 'sentence' });
    } catch {
      segmenter = new Intl.Segmenter('en', { granularity: 'sentence' });
    }
    segmenters.set(language, segmenter);
  }
  return [...segmenter.segment(text)].map((s) => s.segment.trim()).filter(Boolean);
}

/** An article body cut into quotable passages: paragraphs (long ones as sentences) and whole lists. */
export function articlePassages(markdown: string, language = 'en'): Passage[] {
  const passages: Passage[] = [];
  let heading = '';
  let block: string[] = [];
  let blockIndex = 0;
  let inFence = false;
  const flush = () => {
    const lines = block.filter((l) => l.trim());
    block = [];
    if (!lines.length) return;
    const index = blockIndex++;
    const isList = LIST_ITEM.test(lines[0]!);
    const push = (text: string) => {
      if ((text.match(/[\p{L}\p{N}]/gu)?.length ?? 0) >= 3) passages.push({ text, heading, block: index, order: passages.length });
    };
    if (isList) {
      // A list is quoted whole: picking step 2 of 5 would be worse than no answer.
      const items: string[] = [];
      for (const line of lines) {
        const m = LIST_ITEM.exec(line);
        if (m) items.push(`${/\d/.test(m[1]!) ? m[1] : '-'} ${inlinePlain(line.slice(m[0].length))}`);
        else if (items.length) items[items.length - 1] += ` ${inlinePlain(line)}`;
      }
      push(items.join('\n'));
      return;
    }
    const text = inlinePlain(lines.map((l) => l.replace(/^\s{0,3}>\s?/, '')).join(' '));
    if (text.length <= LONG_PARAGRAPH) push(text);
    else for (const sentence of splitSentences(text, language)) push(sentence);
  };
  for (const line of (markdown ?? '').slice(0, MAX_BODY_CHARS).replace(/\r\n?/g, '\n').split('\n')) {
    if (/^\s{0,3}(```|~~~)/.test(line)) {
      flush();
      inFence = !inFence;
      continue;
    }
    if (inFence) continue;
    const h = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (h) {
      flush();
      heading = inlinePlain(h[1]!);
      continue;
    }
    if (!line.trim() || /^\s{0,3}([-*_]\s*){3,}$/.test(line) || /^\s*\|?\s*:?-{3,}/.test(line)) {
      flush();
      continue;
    }
    // A list item after paragraph text starts a new block (Markdown allows lists without a blank line before).
    if (LIST_ITEM.test(line) && block.length && !LIST_ITEM.test(block[0]!)) flush();
    block.push(line);
  }
  flush();
  return passages;
}

type Vector = Map<string, number>;
type Counts = ReturnType<typeof extractFeatures>;

function weighted(counts: Counts, idf: Map<string, number>): { vector: Vector; norm: number } {
  const vector: Vector = new Map();
  let sum = 0;
  for (const [key, count] of counts) {
    const w = idf.get(key);
    if (w === undefined) continue;
    const value = (1 + Math.log(count)) * w * familyWeight(key, defaultFeatureOptions);
    vector.set(key, value);
    sum += value * value;
  }
  return { vector, norm: Math.sqrt(sum) };
}

/**
 * Cosine similarity of the customer's text with each passage (its heading included), on word, word-pair and
 * character n-gram features weighted by how rare they are among this article's passages: "password" in one
 * section beats "your" in all of them.
 */
export function scorePassages(customerText: string, passages: readonly Passage[]): number[] {
  const features = passages.map((p) => extractFeatures(p.heading ? `${p.heading}\n${p.text}` : p.text));
  const df = new Map<string, number>();
  for (const f of features) for (const key of f.keys()) df.set(key, (df.get(key) ?? 0) + 1);
  const idf = new Map<string, number>();
  for (const [key, n] of df) idf.set(key, Math.log(1 + features.length / n));
  const query = weighted(extractFeatures(customerText.slice(0, MAX_QUERY_CHARS)), idf);
  if (query.norm === 0) return passages.map(() => 0);
  return features.map((f) => {
    const p = weighted(f, idf);
    if (p.norm === 0) return 0;
    let dot = 0;
    for (const [key, v] of query.vector) dot += v * (p.vector.get(key) ?? 0);
    return dot / (query.norm * p.norm);
  });
}

/** The 1–3 passages most related to the customer's text, in article order; the lead passage when none relates. */
export function selectPassages(
  customerText: string,
  passages: readonly Passage[],
): { passages: Passage[]; bestScore: number; related: boolean } {
  if (!passages.length) return { passages: [], bestScore: 0, related: false };
  const scores = scorePassages(customerText, passages);
  const ranked = passages.map((p, i) => ({ p, score: scores[i]! })).sort((a, b) => b.score - a.score || a.p.order - b.p.order);
  const best = ranked[0]!;
  if (best.score < MIN_SCORE) return { passages: [passages[0]!], bestScore: best.score, related: false };
  const chosen = [best.p];
  let chars = best.p.text.length;
  for (const { p, score } of ranked.slice(1)) {
    if (chosen.length >= MAX_PASSAGES || score < Math.max(MIN_SCORE, best.score * RELATIVE_CUTOFF)) break;
    if (chars + p.text.length > MAX_ANSWER_CHARS) continue;
    chosen.push(p);
    chars += p.text.length;
  }
  return { passages: chosen.sort((a, b) => a.order - b.order), bestScore: best.score, related: true };
}

const clamp01 = (n: number) => (Number.isFinite(n) ? Math.min(1, Math.max(0, n)) : 0);

function queryText(input: DraftInput): string {
  const text = input.customerText ?? '';
  const subject = oneLine(input.subject);
  return subject && !text.includes(subject) ? `${subject}\n${text}` : text;
}

export function composeOfflineDraft(input: DraftInput, templates: ReplyTemplateSet): Draft {
  const language = templateLanguage(input.language);
  const template = templates[language] ?? templates.en;
  const context = templateContext(input);
  const best: DraftArticle | undefined = input.articles[0];
  const parts: Part[] = [
    templatePart('greeting', renderSection(template, 'greeting', context)),
    templatePart('restatement', renderSection(template, 'restatement', context)),
  ];
  let confidence = 0;
  if (best) {
    const { passages, related } = selectPassages(queryText(input), articlePassages(best.body, best.language || language));
    const citation = { articleId: best.id, version: best.version };
    if (passages.length) {
      parts.push(templatePart('intro', renderSection(template, 'intro', context)));
      passages.forEach((p, i) => {
        const sameBlock = i > 0 && passages[i - 1]!.block === p.block;
        parts.push({ sentence: { text: cleanBlock(p.text), citations: [citation], kind: 'answer' }, separator: sameBlock ? ' ' : '\n\n' });
      });
    } else {
      parts.push(templatePart('holding', renderSection(template, 'holding', context)));
    }
    if (isWebUrl(best.url)) {
      parts.push(templatePart('link', renderSection(template, 'link', context, { title: oneLine(best.title), url: best.url.trim() })));
    }
    // A lead paragraph quoted because nothing related is still the article's text, but a weaker answer.
    confidence = passages.length ? clamp01(input.confidence) * (related ? 1 : 0.5) : 0;
  } else {
    parts.push(templatePart('holding', renderSection(template, 'holding', context)));
  }
  parts.push(templatePart('closing', renderSection(template, 'closing', context)));

  // The subject goes through the link rule too: it echoes the customer's own subject line.
  const subjectPart = templatePart('restatement', renderSubject(template, context));
  const strippedLinks = restrictParts([...parts, subjectPart], allowedLinksOf(input.articles));
  const cited = parts.some((p) => p.sentence.citations.length > 0);
  return {
    language,
    subject: subjectPart.sentence.text,
    body: assembleBody(parts),
    sentences: parts.filter((p) => p.sentence.text).map((p) => p.sentence),
    citations: cited && best ? [{ articleId: best.id, version: best.version, title: oneLine(best.title), url: best.url }] : [],
    confidence,
    generator: 'offline',
    promptVersion: OFFLINE_PROMPT_VERSION,
    unsupportedSentences: parts.filter((p) => p.sentence.kind === 'answer' && p.sentence.citations.length === 0).length,
    strippedLinks,
    injectionSuspected: false,
  };
}
