// The dashboard's outcome shares, each with what it is a share of: acknowledgements, escalations and answers are
// counted per case, suppressions per email (suppressed mail never opens a case, so "7% of cases" meant nothing).
import type { VolumeTotals } from '../insight/reports/volumes.js';

export interface OutcomeShare {
  key: 'acknowledged' | 'suppressed' | 'escalated' | 'answeredFromKb';
  label: string;
  count: number;
  /** the denominator and its name, e.g. 12 and "cases opened" */
  of: number;
  ofLabel: string;
  /** whole percent; null when there is nothing to share */
  percent: number | null;
}

const percent = (n: number, of: number) => (of > 0 ? Math.round((100 * n) / of) : null);

export function outcomeShares(v: VolumeTotals): OutcomeShare[] {
  const cases = { of: v.cases, ofLabel: v.cases === 1 ? 'case opened' : 'cases opened' };
  const emails = { of: v.messages, ofLabel: v.messages === 1 ? 'email received' : 'emails received' };
  const rows: Omit<OutcomeShare, 'percent'>[] = [
    { key: 'acknowledged', label: 'acknowledged', count: v.acknowledged, ...cases },
    { key: 'suppressed', label: 'acknowledgements withheld', count: v.suppressed, ...emails },
    { key: 'escalated', label: 'escalated', count: v.escalated, ...cases },
    { key: 'answeredFromKb', label: 'answered from the knowledge base', count: v.answeredFromKb, ...cases },
  ];
  return rows.map((r) => ({ ...r, percent: percent(r.count, r.of) }));
}

/** "83% acknowledged — 10 of 12 cases opened" */
export function shareSentence(s: OutcomeShare): string {
  return `${s.percent === null ? '—' : `${s.percent}%`} ${s.label}: ${s.count} of ${s.of} ${s.ofLabel}`;
}
