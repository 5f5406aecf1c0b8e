// Cluster presentation: a group of questions as a suggested article (central examples, title, a body condensed from
// agents' replies) and its trend.
import { fitTfidf, vectorize } from '../../text/tfidf.js';
import { defaultFeatureOptions, lightStem, normalizeText, type FeatureOptions } from '../../text/features.js';

/** Indices of members ordered by closeness to their cluster (mean TF-IDF similarity to the others), best first. */
export function centralOrder(texts: string[], features: FeatureOptions = defaultFeatureOptions): number[] {
  if (texts.length <= 1) return texts.map((_, i) => i);
  const model = fitTfidf(texts, features);
  const vectors = texts.map((t) => vectorize(model, t));
  // mean vector, then each member's similarity to it: O(n) instead of O(n²)
  const mean = new Map<number, number>();
  for (const v of vectors) v.idx.forEach((j, k) => mean.set(j, (mean.get(j) ?? 0) + v.val[k]!));
  const score = vectors.map((v) => {
    let s = 0;
    v.idx.forEach((j, k) => (s += v.val[k]! * (mean.get(j) ?? 0)));
    return s;
  });
  return texts.map((_, i) => i).sort((a, b) => score[b]! - score[a]! || a - b);
}

/** The question as a title: one line, no greeting, no trailing punctuation run, capitalised, at most 120 chars. */
export function cleanTitle(text: string): string {
  let t = text.replace(/\s+/g, ' ').trim();
  t = t.replace(/^(hi|hello|hey|dear [^,]{0,40}|good (morning|afternoon|evening)|hola|buenos d[ií]as|buenas tardes)[,!. ]+/i, '');
  // first sentence that is a question, else the first sentence
  const sentences = t.split(/(?<=[.?!])\s+/).filter((s) => s.trim());
  t = sentences.find((s) => /[?¿]/.test(s)) ?? sentences[0] ?? t;
  t = t.replace(/[\s.!?,;:]+$/u, '').replace(/^[¿¡\s]+/u, '');
  if (t.length > 120) t = t.slice(0, 120).replace(/\s+\S*$/, '') + '…';
  return t ? t[0]!.toUpperCase() + t.slice(1) : 'Untitled question';
}

/** A key under which trivially different questions count as one (case, punctuation, spacing). */
export function dedupeKey(text: string): string {
  return normalizeText(text).split(' ').map(lightStem).join(' ');
}

/** Up to `max` distinct texts in the given order. */
export function distinct(texts: string[], max: number): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const t of texts) {
    const k = dedupeKey(t);
    if (!k || seen.has(k)) continue;
    seen.add(k);
    out.push(t.replace(/\s+/g, ' ').trim());
    if (out.length >= max) break;
  }
  return out;
}

const SALUTATION = /^(hi|hello|hey|dear|good (morning|afternoon|evening)|hola|buenos d[ií]as|buenas tardes|estimad[oa]s?)\b[^,.!?\n]{0,40}[,.!]\s*/i;
const CLOSING = /^(thanks|thank you|many thanks|kind regards|best regards|regards|best|cheers|sincerely|gracias|saludos|un saludo|atentamente|let us know|feel free|please let|do not hesitate|don't hesitate)\b/i;

/** Sentences of a reply without salutation, thanks, sign-off and quoted history. */
export function replySentences(reply: string): string[] {
  const lines = reply.replace(/\r\n?/g, '\n').split('\n');
  const own: string[] = [];
  for (const line of lines) {
    if (/^\s*>/.test(line) || /^on\b.{0,300}\bwrote:$/i.test(line.trim()) || /^--\s?$/.test(line)) break;
    own.push(line.trim());
  }
  return own
    .join('\n')
    .replace(SALUTATION, '')
    // a line break ends a sentence after punctuation and before a list item; elsewhere it is a hard wrap
    .replace(/([.?!:])\n/g, '$1\n\n')
    .replace(/\n(?=\s*([-*•]|\d+[.)])\s)/g, '\n\n')
    .split(/(?<=[.?!])\s+|\n{2,}/)
    .map((s) => s.replace(SALUTATION, '').replace(/\s+/g, ' ').trim())
    // a sentence ends with punctuation, a list item starts with a marker; a bare line is a name or a signature
    .filter((s) => s.length >= 12 && (/[.?!:]$/.test(s) || /^([-*•]|\d+[.)])\s/.test(s)) && !CLOSING.test(s) && !/^(your case|case reference|ref)\b/i.test(s))
    .map((s) => s[0]!.toUpperCase() + s.slice(1));
}

/**
 * Extractive summary of agents' replies: sentences scored by how many replies say something similar (TF-IDF
 * centroid similarity), the best `max` kept in their order of appearance within the most representative reply
 * first. Returns '' when there is nothing to extract.
 */
export function extractiveBody(replies: string[], max = 5): string {
  const perReply = replies.map(replySentences).filter((s) => s.length);
  if (!perReply.length) return '';
  const all = perReply.flatMap((sentences, r) => sentences.map((text, k) => ({ text, r, k })));
  const order = centralOrder(all.map((s) => s.text));
  const picked: typeof all = [];
  const seen = new Set<string>();
  for (const i of order) {
    const s = all[i]!;
    const key = dedupeKey(s.text);
    if (seen.has(key)) continue;
    seen.add(key);
    picked.push(s);
    if (picked.length >= max) break;
  }
  picked.sort((a, b) => a.r - b.r || a.k - b.k);
  return picked.map((s) => s.text).join(' ');
}

export function placeholderBody(examples: string[]): string {
  return [
    'No agent reply is on record for these questions yet: write the answer here before publishing.',
    '',
    'Customers asked, for example:',
    ...examples.slice(0, 5).map((e) => `- ${e}`),
  ].join('\n');
}

export type TrendDirection = 'rising' | 'falling' | 'steady' | 'new' | 'quiet';

/** Questions in the last 7 days against the 7 before, in a word a knowledge manager can sort by. */
export function trendOf(last7Days: number, previous7Days: number): { last7Days: number; previous7Days: number; direction: TrendDirection } {
  const direction: TrendDirection =
    previous7Days === 0 ? (last7Days > 0 ? 'new' : 'quiet')
      : last7Days > previous7Days * 1.25 ? 'rising'
        : last7Days < previous7Days * 0.8 ? 'falling'
          : 'steady';
  return { last7Days, previous7Days, direction };
}

/** Counts for trendOf from the members' dates. */
export function weekCounts(dates: Date[], now: Date): [number, number] {
  const week = 7 * 86_400_000;
  let last = 0;
  let previous = 0;
  for (const d of dates) {
    const age = now.getTime() - d.getTime();
    if (age >= 0 && age < week) last++;
    else if (age >= week && age < 2 * week) previous++;
  }
  return [last, previous];
}
