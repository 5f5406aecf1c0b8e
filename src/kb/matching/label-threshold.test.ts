import { describe, expect, it } from 'vitest';
import { fitLabelThreshold, pointAt, type LabelSample } from './label-threshold.js';

const right = (confidence: number): LabelSample => ({ confidence, answerable: true, topWasRight: true });
const wrong = (confidence: number): LabelSample => ({ confidence, answerable: true, topWasRight: false });
const none = (confidence: number): LabelSample => ({ confidence, answerable: false, topWasRight: false });
const many = (f: (c: number) => LabelSample, from: number, to: number, n: number) => Array.from({ length: n }, (_, i) => f(from + ((to - from) * i) / Math.max(1, n - 1)));

describe('fitLabelThreshold', () => {
  it.each([
    ['too few labels', [...many(right, 0.6, 0.9, 10), ...many(none, 0.1, 0.3, 5)]],
    ['too few unanswerable', [...many(right, 0.6, 0.9, 30), ...many(none, 0.1, 0.3, 4)]],
    ['too few answerable', [...many(right, 0.6, 0.9, 4), ...many(none, 0.1, 0.3, 30)]],
  ])('keeps the prior with %s', (_, samples) => {
    expect(fitLabelThreshold(samples)).toBeNull();
  });

  it('takes the lowest threshold whose answers are right 95% of the time', () => {
    // unanswerable up to 0.5, wrong articles up to 0.55, right ones from 0.4
    const samples = [...many(none, 0.05, 0.5, 20), ...many(wrong, 0.3, 0.55, 5), ...many(right, 0.4, 0.95, 30)];
    const fit = fitLabelThreshold(samples)!;
    expect(fit.chosen.answeredPrecision).toBeGreaterThanOrEqual(0.95);
    const lower = Math.max(...samples.map((s) => s.confidence).filter((c) => c < fit.threshold));
    expect(pointAt(samples, lower).answeredPrecision).toBeLessThan(0.95);
    expect(fit.answerable).toBe(35);
    expect(fit.unanswerable).toBe(20);
    expect(fit.curve).toHaveLength(21);
  });

  it('separable labels: everything right is answered and everything unanswerable escalated', () => {
    const fit = fitLabelThreshold([...many(none, 0.1, 0.4, 10), ...many(right, 0.6, 0.9, 15)])!;
    expect(fit.threshold).toBeCloseTo(0.6);
    expect(fit.chosen).toMatchObject({ inScopeAccuracy: 1, escalationRecall: 1, answeredPrecision: 1 });
  });

  it('when no threshold reaches the target, the most precise one', () => {
    const samples = [...many(none, 0.5, 0.9, 10), ...many(wrong, 0.5, 0.9, 10), ...many(right, 0.5, 0.9, 10)];
    const fit = fitLabelThreshold(samples)!;
    expect(fit.chosen.answeredPrecision).toBeLessThan(0.95);
    for (const p of fit.curve.filter((c) => c.answeredPrecision < 1)) expect(fit.chosen.answeredPrecision).toBeGreaterThanOrEqual(p.answeredPrecision - 1e-9);
  });
});
