// A chat model's article draft for the largest clusters with agents' replies (optional; the extractive draft stays
// when it fails).
import { and, asc, desc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { fenceUntrusted, untrustedTextRule, type ChatClient } from '../../ai/chat.js';
import type { Db } from '../../db/client.js';
import { gapClusters, gapQuestions } from '../../db/schema/gaps.js';
import { redactPersonalData } from '../../domain/redact.js';
import { ARTICLE_LIMITS } from '../../kb/article-schema.js';
import type { Logger } from '../../logger.js';
import { majority, SUMMARY_MEMBERS } from './shared.js';

const chatDraft = z.object({ title: z.string().min(1).max(ARTICLE_LIMITS.titleChars), body: z.string().min(1).max(20_000) });

/** The chat model's draft from the questions and the agents' replies; only facts from the replies. */
export async function draftWithChat(chat: ChatClient, input: { language: string; examples: string[]; replies: string[] }): Promise<{ title: string; body: string }> {
  const questions = input.examples.map((e, i) => fenceUntrusted(`question ${i + 1}`, e)).join('\n');
  const replies = input.replies.slice(0, 8).map((r, i) => fenceUntrusted(`agent reply ${i + 1}`, r.slice(0, 3000))).join('\n');
  return chat.completeJson([
    {
      role: 'system',
      content: [
        'You write help-centre articles for a customer support team.',
        'Customers asked the questions below, no article answered them, and agents replied by hand.',
        `Write one article in the language "${input.language}" that answers these questions, in Markdown, as JSON {"title": string, "body": string}.`,
        'Use only facts stated in the agents\' replies; never invent amounts, deadlines, links or policies. Leave out names, greetings and case-specific details.',
        untrustedTextRule,
      ].join('\n'),
    },
    { role: 'user', content: `Questions:\n${questions}\n\nAgents' replies:\n${replies}` },
  ], chatDraft, { temperature: 0.2 });
}


/** Drafts bodies for the `max` largest open clusters whose body comes from agents' replies; returns how many. */
export async function draftLargest(db: Db, chat: ChatClient, max: number, log?: Logger): Promise<number> {
  const clusters = await db.select().from(gapClusters).where(and(eq(gapClusters.status, 'open'), eq(gapClusters.bodySource, 'agent_replies'))).orderBy(desc(gapClusters.size), asc(gapClusters.id)).limit(max);
  let drafted = 0;
  for (const c of clusters) {
    const members = await db.select({ reply: gapQuestions.agentReply, language: gapQuestions.language }).from(gapQuestions).where(eq(gapQuestions.clusterId, c.id)).limit(SUMMARY_MEMBERS);
    const replies = members.map((m) => m.reply).filter((r): r is string => !!r);
    try {
      const draft = await draftWithChat(chat, { language: majority(members.map((m) => m.language)) ?? 'en', examples: c.suggestedExamples, replies });
      // only if the cluster did not change meanwhile
      await db.update(gapClusters).set({ title: redactPersonalData(draft.title).slice(0, ARTICLE_LIMITS.titleChars), suggestedBody: redactPersonalData(draft.body), bodySource: 'chat' })
        .where(and(eq(gapClusters.id, c.id), eq(gapClusters.size, c.size), eq(gapClusters.status, 'open')));
      drafted++;
    } catch (err) {
      log?.warn({ err, cluster: c.id }, 'knowledge gaps: the chat model could not draft an article; the extractive draft stays');
    }
  }
  return drafted;
}
