// A cluster's suggested article (title, examples, body), derived offline from its members, and kept fresh as
// questions join, leave or get an agent's reply.
import { desc, eq, sql } from 'drizzle-orm';
import type { Queryable } from '../../db/client.js';
import { selectRows } from '../../db/rows.js';
import { gapClusters, gapQuestions, type GapBodySource } from '../../db/schema/gaps.js';
import { redactPersonalData } from '../../domain/redact.js';
import { ARTICLE_LIMITS } from '../../kb/article-schema.js';
import { centralOrder, cleanTitle, distinct, extractiveBody, placeholderBody } from '../clustering/presentation.js';
import { MAX_EXAMPLES, SUMMARY_MEMBERS } from './shared.js';

export interface Suggestion {
  title: string;
  examples: string[];
  body: string;
  bodySource: GapBodySource;
}

interface Member { text: string; agentReply: string | null }

/** Title, examples and body from the members, offline: the most central questions, and agents' replies condensed. */
export function suggest(members: Member[]): Suggestion {
  const order = centralOrder(members.map((m) => m.text));
  const examples = distinct(order.map((i) => members[i]!.text.slice(0, ARTICLE_LIMITS.exampleChars)), MAX_EXAMPLES);
  const title = cleanTitle(examples[0] ?? members[0]?.text ?? '');
  const replies = order.map((i) => members[i]!.agentReply).filter((r): r is string => !!r);
  const extracted = extractiveBody(replies);
  return extracted
    ? { title, examples, body: extracted, bodySource: 'agent_replies' }
    : { title, examples, body: placeholderBody(examples), bodySource: 'placeholder' };
}

/**
 * Whether a cluster that just grew to `size` members re-derives its title and examples now. A derivation costs about
 * 1 ms per member read (TF-IDF over each text): for every question of every cluster, it took most of the service's CPU
 * when hundreds of unanswered questions arrived at once (bench:workers profile). So: at each doubling (2, 4, 8, …) and
 * every 256 members, from at most ARRIVAL_SUMMARY_MEMBERS recent members. The size itself is exact at all times, and
 * the full recompute (GapMaintainer) re-derives every cluster from all of its members anyway.
 */
export function resummarizeAt(size: number): boolean {
  return (size & (size - 1)) === 0 || size % 256 === 0;
}

/** Members a cluster's summary reads when a question arrives (the most recent: a topic's wording is stable). */
export const ARRIVAL_SUMMARY_MEMBERS = 64;

/** Re-derives size and suggestion from the members (after a question joined, left or got a reply). */
export async function refreshSummary(q: Queryable, clusterId: number, members = SUMMARY_MEMBERS): Promise<void> {
  const [cluster] = await q.select({ status: gapClusters.status, bodySource: gapClusters.bodySource }).from(gapClusters).where(eq(gapClusters.id, clusterId));
  if (!cluster) return;
  const [{ n }] = (await selectRows<{ n: number }>(q, sql`SELECT count(*)::int AS n FROM gap_questions WHERE cluster_id = ${clusterId}`)) as [{ n: number }];
  if (Number(n) === 0) {
    // nothing left to show (the questions were erased): an open cluster goes, a decided one keeps its decision
    if (cluster.status === 'open') await q.delete(gapClusters).where(eq(gapClusters.id, clusterId));
    else await q.update(gapClusters).set({ size: 0, title: null, suggestedExamples: [], suggestedBody: null, bodySource: null, updatedAt: new Date() }).where(eq(gapClusters.id, clusterId));
    return;
  }
  const recent = await q
    .select({ text: gapQuestions.text, agentReply: gapQuestions.agentReply })
    .from(gapQuestions)
    .where(eq(gapQuestions.clusterId, clusterId))
    .orderBy(desc(gapQuestions.createdAt), desc(gapQuestions.id))
    .limit(members);
  const s = suggest(recent);
  // A body the chat model drafted stays until the next recompute drafts it again.
  const keepBody = cluster.bodySource === 'chat';
  await q
    .update(gapClusters)
    .set({ size: Number(n), title: s.title, suggestedExamples: s.examples, ...(keepBody ? {} : { suggestedBody: s.body, bodySource: s.bodySource }), updatedAt: new Date() })
    .where(eq(gapClusters.id, clusterId));
}

/** A stored suggestion with personal data replaced (older rows, and a chat model's draft, may carry some). */
export function redactedSuggestion(s: Suggestion): Suggestion {
  return { ...s, title: redactPersonalData(s.title), examples: s.examples.map((e) => redactPersonalData(e)), body: redactPersonalData(s.body) };
}
