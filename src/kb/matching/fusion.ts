// Fuses per-article scores from several signals (learned example scorer, vector search over chunks,
// full-text search) into one ranking, keeping each signal's contribution for explanations
// ("why did this article match?") and for the confidence calibrator.

export type ArticleId = string;

/** signal name -> article -> raw score; an article missing from a signal scores `floor` there */
export type SignalScores = Record<string, ReadonlyMap<ArticleId, number>>;

export interface SignalWeight {
  weight: number;
  /** raw score given to articles the signal did not return (e.g. 0 for cosine, 0 for probability) */
  floor?: number;
}

export type FusionWeights = Record<string, SignalWeight>;

export interface RankedArticle {
  articleId: ArticleId;
  /** fused score: sum of contributions */
  score: number;
  /** raw score per signal */
  signals: Record<string, number>;
  /** weight x raw score per signal */
  contributions: Record<string, number>;
}

/** Linear fusion of raw signal scores. Signals without a weight are ignored. */
export function fuse(scores: SignalScores, weights: FusionWeights, limit = 10): RankedArticle[] {
  const names = Object.keys(weights).filter((n) => scores[n] !== undefined);
  const ids = new Set<ArticleId>();
  for (const n of names) for (const id of scores[n]!.keys()) ids.add(id);
  const ranked: RankedArticle[] = [];
  for (const articleId of ids) {
    const signals: Record<string, number> = {};
    const contributions: Record<string, number> = {};
    let score = 0;
    for (const n of names) {
      const { weight, floor = 0 } = weights[n]!;
      const raw = scores[n]!.get(articleId) ?? floor;
      signals[n] = raw;
      contributions[n] = weight * raw;
      score += weight * raw;
    }
    ranked.push({ articleId, score, signals, contributions });
  }
  // ties broken by id so the ranking is deterministic
  ranked.sort((a, b) => b.score - a.score || (a.articleId < b.articleId ? -1 : a.articleId > b.articleId ? 1 : 0));
  return ranked.slice(0, limit);
}

/** Max score per article over chunk hits (e.g. pgvector rows: one per title/section/example). */
export function maxPerArticle(hits: Iterable<{ articleId: ArticleId; score: number }>): Map<ArticleId, number> {
  const out = new Map<ArticleId, number>();
  for (const { articleId, score } of hits) {
    const prev = out.get(articleId);
    if (prev === undefined || score > prev) out.set(articleId, score);
  }
  return out;
}

/**
 * Features describing how sure a ranking is, for the calibrator: the top article's fused score over the named
 * signals, its margin to the runner-up, and each signal's raw score for the top article and its margin. Only the
 * named signals count, so a signal the calibrator never saw during cross-validation (full-text search, which
 * needs the database) can reorder the ranking without skewing the confidence scale.
 */
export function rankingFeatures(ranked: RankedArticle[], signalNames: string[]): number[] {
  const top = ranked[0];
  if (!top) return new Array(2 + 2 * signalNames.length).fill(0);
  const partial = (r: RankedArticle) => signalNames.reduce((s, n) => s + (r.contributions[n] ?? 0), 0);
  const topScore = partial(top);
  const runnerUp = Math.max(...ranked.slice(1).map(partial), 0);
  const f = [topScore, topScore - runnerUp];
  for (const n of signalNames) {
    const t = top.signals[n] ?? 0;
    const best = Math.max(...ranked.slice(1).map((r) => r.signals[n] ?? 0), 0);
    f.push(t, t - best);
  }
  return f;
}
