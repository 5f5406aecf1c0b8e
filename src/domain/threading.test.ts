import { describe, expect, it } from 'vitest';
import { chooseThread, type ThreadCandidate, type ThreadEvidence } from './threading.js';

// Case A (FR-AAAAAA) and case B (FR-BBBBBB) of the same customer; case S belongs to someone else.
const known = new Map([
  ['<ack-a@firstreply.test>', 'A'],
  ['<customer-a1@mail.test>', 'A'],
  ['<ack-b@firstreply.test>', 'B'],
  ['<ack-s@firstreply.test>', 'S'],
]);
const candidates: ThreadCandidate[] = [
  { caseId: 'A', reference: 'FR-AAAAAA', ownCustomer: true },
  { caseId: 'B', reference: 'FR-BBBBBB', ownCustomer: true },
  { caseId: 'S', reference: 'FR-SSSSSS', ownCustomer: false },
];
const evidence = (over: Partial<ThreadEvidence>): ThreadEvidence => ({ inReplyTo: null, references: [], subjectReference: null, ...over });

describe('chooseThread', () => {
  it.each([
    ['In-Reply-To and the subject name A, the first References entry B',
      evidence({ inReplyTo: '<ack-a@firstreply.test>', references: ['<ack-b@firstreply.test>', '<ack-a@firstreply.test>'], subjectReference: 'FR-AAAAAA' }),
      { caseId: 'A', reason: 'in_reply_to' }],
    ['In-Reply-To names A, References only B',
      evidence({ inReplyTo: '<ack-a@firstreply.test>', references: ['<ack-b@firstreply.test>'] }), { caseId: 'A', reason: 'in_reply_to' }],
    ['In-Reply-To unknown, the subject names A, References B',
      evidence({ inReplyTo: '<lost@elsewhere.test>', references: ['<ack-b@firstreply.test>'], subjectReference: 'FR-AAAAAA' }),
      { caseId: 'A', reason: 'subject_reference' }],
    ['only the subject names A', evidence({ subjectReference: 'FR-AAAAAA' }), { caseId: 'A', reason: 'subject_reference' }],
    ['References alone: the newest entry wins',
      evidence({ references: ['<ack-b@firstreply.test>', '<customer-a1@mail.test>', '<unknown@mail.test>'] }), { caseId: 'A', reason: 'references' }],
    ["someone else's reference typed into a subject joins nothing", evidence({ subjectReference: 'FR-SSSSSS' }), null],
    ["someone else's reference, and the headers show they were in that conversation",
      evidence({ references: ['<ack-s@firstreply.test>'], subjectReference: 'FR-SSSSSS' }), { caseId: 'S', reason: 'subject_reference' }],
    ["someone else's reference beside a header naming the sender's own case",
      evidence({ references: ['<ack-b@firstreply.test>'], subjectReference: 'FR-SSSSSS' }), { caseId: 'B', reason: 'references' }],
    ['a reference no case has, and no known headers', evidence({ inReplyTo: '<x@y.test>', subjectReference: 'FR-ZZZZZZ' }), null],
    ['nothing at all', evidence({}), null],
  ])('%s', (_name, input, expected) => {
    expect(chooseThread(input, known, candidates)).toEqual(expected);
  });

  it('ignores a known message whose case is in another mailbox (not among the candidates)', () => {
    const only = candidates.filter((c) => c.caseId !== 'A');
    expect(chooseThread(evidence({ inReplyTo: '<ack-a@firstreply.test>', references: ['<ack-b@firstreply.test>'] }), known, only))
      .toEqual({ caseId: 'B', reason: 'references' });
  });
});
