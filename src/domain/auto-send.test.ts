import { describe, expect, it } from 'vitest';
import { decideAutoSend, type AutoSendInput } from './auto-send.js';

const ok: AutoSendInput = {
  mode: 'on', minConfidence: 0.9,
  draft: { confidence: 0.95, sentences: [{ citations: [] }, { citations: [{}] }], unsupportedSentences: 0, injectionSuspected: false, citedPublished: true, generator: 'offline' },
  case: { customerMessageCount: 1, status: 'open', acknowledged: true },
};
const withDraft = (d: Partial<AutoSendInput['draft']>): AutoSendInput => ({ ...ok, draft: { ...ok.draft, ...d } });
const withCase = (c: Partial<AutoSendInput['case']>): AutoSendInput => ({ ...ok, case: { ...ok.case, ...c } });

describe('decideAutoSend', () => {
  it.each([
    ['everything holds', ok, true, []],
    ['mode off', { ...ok, mode: 'off' as const }, false, ['mode_off']],
    ['low confidence', withDraft({ confidence: 0.89 }), false, ['low_confidence']],
    ['a sentence without support', withDraft({ unsupportedSentences: 1 }), false, ['unsupported_sentence']],
    ['no citation at all', withDraft({ sentences: [{ citations: [] }] }), false, ['no_citation']],
    ['cited article archived since', withDraft({ citedPublished: false }), false, ['citation_not_published']],
    ['second customer message', withCase({ customerMessageCount: 2 }), false, ['not_first_message']],
    ['escalated case', withCase({ status: 'escalated' }), false, ['escalated']],
    ['guard suppressed the acknowledgement', withCase({ acknowledged: false }), false, ['guard_suppressed']],
    ['prompt injection suspected', withDraft({ injectionSuspected: true }), false, ['injection_suspected']],
  ])('%s', (_name, input, send, blockers) => {
    const verdict = decideAutoSend(input);
    expect(verdict.send).toBe(send);
    expect(verdict.blockers).toEqual(blockers);
  });

  it('shadow mode computes what would have been sent but never sends', () => {
    expect(decideAutoSend({ ...ok, mode: 'shadow' })).toEqual({ send: false, wouldSend: true, blockers: [] });
    expect(decideAutoSend({ ...ok, mode: 'off' })).toEqual({ send: false, wouldSend: true, blockers: ['mode_off'] });
  });
});
