// The case history in words: each audit row's before/after said as a sentence fragment an agent reads at a glance
// (names and titles, not ids or JSON). The page puts it beside who did it and the action's label.
import { ESCALATION_LABELS } from '../domain/escalation/reasons.js';

export interface AuditLike {
  action: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

const LABEL_SOURCES: Record<string, string> = {
  approved_reply: 'learned from the approved reply', agent_pick: 'picked by an agent', no_article: 'said by an agent', rejected_draft: 'learned from the rejected draft',
};

const quoted = (s: unknown) => `“${String(s).slice(0, 200)}”`;
const list = (v: unknown) => (Array.isArray(v) ? v.map(String) : []);
const plural = (n: unknown, word: string) => `${Number(n ?? 0)} ${word}${Number(n ?? 0) === 1 ? '' : 's'}`;
const valueOf = (v: unknown) => (v === null || v === undefined || v === '' ? 'none' : typeof v === 'string' ? v : JSON.stringify(v));

/** `titleOf` names an article by its id where the page knows it (citations, matches). */
export function auditInWords(a: AuditLike, titleOf: (articleId: string) => string | undefined = () => undefined): string {
  const before = a.before ?? {};
  const after = a.after ?? {};
  if (after.erased) return 'details erased on the customer’s request';
  const article = (id: unknown) => (typeof id === 'string' ? quoted(titleOf(id) ?? id) : 'no article');
  switch (a.action) {
    case 'claimed': case 'released': case 'note_added':
      return '';
    case 'draft_edited': {
      const cited = list(after.citations);
      return cited.length ? `the draft now cites ${cited.map(article).join(', ')}` : 'the draft now cites no article';
    }
    case 'reply_approved': case 'reply_auto_sent': {
      const taught = list(after.learnedExamples);
      return [after.unchanged ? 'sent as drafted' : 'sent with changes', taught.length ? `the question now teaches ${taught.map(article).join(', ')}` : '']
        .filter(Boolean).join('; ');
    }
    case 'draft_rejected':
      return after.reason ? `reason: ${quoted(after.reason)}` : '';
    case 'escalated': {
      const reasons = list(after.reasons).map((code) => ESCALATION_LABELS[code as keyof typeof ESCALATION_LABELS] ?? code.replace(/_/g, ' '));
      return [after.team ? `to the ${String(after.team)} team` : '', reasons.length ? `because: ${reasons.join(', ')}` : '', after.reason ? `reason: ${quoted(after.reason)}` : '']
        .filter(Boolean).join('; ');
    }
    case 'triaged':
      return Object.keys(after).filter((k) => k === 'priority' || k === 'category')
        .map((k) => `${k} ${valueOf(before[k])} → ${valueOf(after[k])}`).join('; ');
    case 'resolved': case 'reopened':
      return after.why ? String(after.why) : '';
    case 'merged_into':
      return `into ${String(after.into)}; ${plural(after.messages, 'message')} moved there`;
    case 'merged_from': {
      const timers = (after.timers ?? {}) as { moved?: number };
      return [`from ${String(after.from)}: ${plural(after.messages, 'message')}, ${plural(after.notes, 'note')} moved here`,
        timers.moved ? 'its earlier deadline is kept' : '', before.status !== after.status ? `status ${valueOf(before.status)} → ${valueOf(after.status)}` : '',
        'nothing sent to the customer'].filter(Boolean).join('; ');
    }
    case 'match_labelled': {
      const said = after.articleId ? `${article(after.articleId)} answers the question` : 'no article answers the question';
      const source = LABEL_SOURCES[String(after.source)];
      return source ? `${said} (${source})` : said;
    }
    default:
      return Object.entries(after).filter(([k, v]) => k !== 'body' && ['string', 'number', 'boolean'].includes(typeof v))
        .map(([k, v]) => `${k.replace(/([A-Z])/g, ' $1').toLowerCase()} ${String(v)}`).join('; ').slice(0, 300);
  }
}
