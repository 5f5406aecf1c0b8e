import { describe, expect, it } from 'vitest';
import { auditInWords, type AuditLike } from './history-words.js';

const titles: Record<string, string> = { 'refund-en': 'Refunds and returns', 'delivery-en': 'Where is my order?' };
const entry = (action: string, after: Record<string, unknown> | null, before: Record<string, unknown> | null = null): AuditLike => ({ action, before, after });

describe('auditInWords', () => {
  it.each<[string, AuditLike, string]>([
    ['claim', entry('claimed', { assigneeId: '6f1c2a9e-8b1d-4c44-9a53-0d2b8f7e1a10', assigneeName: 'Ana' }), ''],
    ['edit', entry('draft_edited', { body: 'x', citations: ['refund-en'] }), 'the draft now cites “Refunds and returns”'],
    ['edit without sources', entry('draft_edited', { body: 'x', citations: [] }), 'the draft now cites no article'],
    ['approval', entry('reply_approved', { body: 'x', status: 'waiting', unchanged: false, learnedExamples: ['delivery-en'] }),
      'sent with changes; the question now teaches “Where is my order?”'],
    ['auto-send', entry('reply_auto_sent', { unchanged: true, learnedExamples: [] }), 'sent as drafted'],
    ['rejection', entry('draft_rejected', { status: 'rejected', reason: 'cites the wrong article' }), 'reason: “cites the wrong article”'],
    ['escalation', entry('escalated', { status: 'escalated', team: 'billing', reasons: ['agent_escalated'], reason: 'refund over the limit' }),
      'to the billing team; because: agent escalated; reason: “refund over the limit”'],
    ['triage', entry('triaged', { priority: 'urgent', category: 'shipping' }, { priority: 'normal', category: null }), 'priority normal → urgent; category none → shipping'],
    ['reopened by mail', entry('reopened', { status: 'open', why: 'the customer wrote again' }), 'the customer wrote again'],
    ['label', entry('match_labelled', { articleId: 'refund-en', source: 'agent_pick', learnedExample: 'refund-en' }), '“Refunds and returns” answers the question (picked by an agent)'],
    ['no article', entry('match_labelled', { articleId: null, source: 'no_article' }), 'no article answers the question (said by an agent)'],
    ['unknown article id', entry('draft_edited', { citations: ['gone-1'] }), 'the draft now cites “gone-1”'],
    ['erased', entry('draft_rejected', { erased: true }, { erased: true }), 'details erased on the customer’s request'],
    ['merged away', entry('merged_into', { status: 'merged', into: 'FR-7K3Q9X', messages: 1 }, { status: 'open' }), 'into FR-7K3Q9X; 1 message moved there'],
    ['merged here', entry('merged_from', { status: 'open', from: 'FR-2B4D6F', messages: 2, notes: 0, timers: { moved: 1, stopped: 2 } }, { status: 'waiting' }),
      'from FR-2B4D6F: 2 messages, 0 notes moved here; its earlier deadline is kept; status waiting → open; nothing sent to the customer'],
    ['an action added later', entry('merged', { intoReference: 'FR-7K3Q9X', moved: 2, detail: { x: 1 } }), 'into reference FR-7K3Q9X; moved 2'],
  ])('%s', (_name, a, words) => {
    const said = auditInWords(a, (id) => titles[id]);
    expect(said).toBe(words);
    expect(said).not.toMatch(/[{}[\]]|[0-9a-f]{8}-[0-9a-f]{4}/);
  });
});
