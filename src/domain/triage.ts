// A new case's priority and category, from the escalation signals and the knowledge-base match. Agents can change
// both afterwards (audited); this only sets the starting point so the queue and the SLA start right.
import type { casePriorities } from '../db/schema/cases.js';

export type Priority = (typeof casePriorities)[number];

const URGENT = new Set(['legal_threat', 'vip_sender']);
const HIGH = new Set(['negative_sentiment', 'complaint', 'cancellation_threat', 'asks_for_human', 'repeated_contact', 'sla_breach']);
const RANK: Record<Priority, number> = { urgent: 0, high: 1, normal: 2, low: 3 };

export function priorityFor(reasonCodes: readonly string[]): Priority {
  if (reasonCodes.some((c) => URGENT.has(c))) return 'urgent';
  if (reasonCodes.some((c) => HIGH.has(c))) return 'high';
  return 'normal';
}

/** Never lowers a priority an agent (or an earlier message) already raised. */
export function raisedPriority(current: Priority, proposed: Priority): Priority {
  return RANK[proposed] < RANK[current] ? proposed : current;
}

/** The category is the confidently matched article's first tag: the knowledge base's own taxonomy. */
export function categoryFor(match: { escalate: boolean; candidates: { tags: string[] }[] } | null): string | null {
  if (!match || match.escalate) return null;
  return match.candidates[0]?.tags[0] ?? null;
}
