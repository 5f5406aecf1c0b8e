// Heavily rewritten drafts: an approved reply that reveals a knowledge gap.
import { normalizeText } from '../../text/features.js';

/** Word-level Levenshtein distance, normalised by the longer text (0 = same words, 1 = nothing kept). */
export function editRatio(draft: string, sent: string): number {
  const a = normalizeText(draft).split(' ').filter(Boolean);
  const b = normalizeText(sent).split(' ').filter(Boolean);
  const longest = Math.max(a.length, b.length);
  if (longest === 0) return 0;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]! / longest;
}

/** A draft counts as rewritten heavily (the article it drew on did not answer) from this share of words changed. */
export const HEAVY_REWRITE = 0.5;

export const isHeavilyRewritten = (draft: string, sent: string, threshold = HEAVY_REWRITE) => editRatio(draft, sent) >= threshold;

/**
 * Whether an approved reply reveals a knowledge gap, and which kind: sent without citing any article, or drafted
 * from articles but rewritten heavily by the agent. null = the knowledge base answered.
 */
export function gapSourceOfReply(reply: { generatedBody: string | null; sentBody: string; citations: number }): 'uncited_reply' | 'rewritten_draft' | null {
  if (reply.citations === 0) return 'uncited_reply';
  if (reply.generatedBody && isHeavilyRewritten(reply.generatedBody, reply.sentBody)) return 'rewritten_draft';
  return null;
}
