// Escalation reasons: how severe each is, what it is called, and the helpers that route and record them.
import { ESCALATION_REASON_CODES, type EscalationReasonCode, type EscalationRules } from '../escalation-rules.js';

export interface EscalationReason {
  code: EscalationReasonCode;
  /** a sentence for the agent: what was detected, quoting at most 60 characters of what matched */
  detail: string;
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

/** The team of the most severe reason that has a route, else the default team. */
export function escalationTeam(reasons: readonly { code: EscalationReasonCode }[], rules: EscalationRules): string {
  const routed = [...reasons]
    .sort((a, b) => ESCALATION_SEVERITY[b.code] - ESCALATION_SEVERITY[a.code])
    .find((r) => rules.teamByReason[r.code]);
  return (routed && rules.teamByReason[routed.code]) || rules.defaultTeam;
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
