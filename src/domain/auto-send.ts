// Whether a draft may go to the customer without an agent (per mailbox, off by default). Every condition must
// hold; the reasons it fails are kept, so shadow mode can report what would have been sent and why not.

export type AutoSendMode = 'off' | 'shadow' | 'on';

export interface AutoSendInput {
  mode: AutoSendMode;
  minConfidence: number;
  draft: {
    confidence: number; sentences: { citations: unknown[] }[]; unsupportedSentences: number; injectionSuspected: boolean; citedPublished: boolean; generator: string;
    /** sentences promising money, a date or an action that no cited article states word for word (domain/commitments.ts) */
    unsupportedCommitments?: number;
  };
  case: { customerMessageCount: number; status: string; acknowledged: boolean };
}

export type AutoSendBlocker =
  | 'mode_off' | 'low_confidence' | 'unsupported_sentence' | 'no_citation' | 'citation_not_published'
  | 'not_first_message' | 'escalated' | 'guard_suppressed' | 'injection_suspected' | 'unsupported_commitment';

export interface AutoSendVerdict {
  send: boolean;
  wouldSend: boolean;
  blockers: AutoSendBlocker[];
}

export function decideAutoSend(input: AutoSendInput): AutoSendVerdict {
  const { draft, case: kase } = input;
  const blockers: AutoSendBlocker[] = [];
  if (draft.confidence < input.minConfidence) blockers.push('low_confidence');
  if (draft.unsupportedSentences > 0) blockers.push('unsupported_sentence');
  if (!draft.sentences.some((s) => s.citations.length > 0)) blockers.push('no_citation');
  if (!draft.citedPublished) blockers.push('citation_not_published');
  if (kase.customerMessageCount !== 1) blockers.push('not_first_message');
  if (kase.status === 'escalated') blockers.push('escalated');
  // the guard's verdict: a message that got no acknowledgement (auto-reply, forged sender, cap) gets no auto-reply
  if (!kase.acknowledged) blockers.push('guard_suppressed');
  if (draft.injectionSuspected) blockers.push('injection_suspected');
  if ((draft.unsupportedCommitments ?? 0) > 0) blockers.push('unsupported_commitment');
  const wouldSend = blockers.length === 0;
  if (input.mode === 'off') blockers.unshift('mode_off');
  return { send: wouldSend && input.mode === 'on', wouldSend, blockers };
}
