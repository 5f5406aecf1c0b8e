import { describe, expect, it } from 'vitest';
import { chooseThreshold, confidence, escalationMetrics, fitCalibrator } from './calibration.js';

describe('fitCalibrator', () => {
  // a higher margin means more often correct
  const samples = Array.from({ length: 400 }, (_, i) => {
    const margin = (i % 100) / 100;
    return { features: [margin], correct: (i * 37) % 100 < margin * 100 };
  });
  const cal = fitCalibrator(samples);

  it('is monotone in an informative feature and yields probabilities', () => {
    const lo = confidence(cal, [0.05]), hi = confidence(cal, [0.95]);
    expect(hi).toBeGreaterThan(lo);
    expect(lo).toBeGreaterThan(0);
    expect(hi).toBeLessThan(1);
  });

  it('is roughly calibrated', () => {
    expect(confidence(cal, [0.5])).toBeGreaterThan(0.35);
    expect(confidence(cal, [0.5])).toBeLessThan(0.65);
  });
});

describe('escalation threshold', () => {
  const samples = [
    { confidence: 0.9, inScope: true, correct: true },
    { confidence: 0.8, inScope: true, correct: true },
    { confidence: 0.3, inScope: true, correct: false },
    { confidence: 0.5, inScope: true, correct: true },
    { confidence: 0.2, inScope: false, correct: false },
    { confidence: 0.6, inScope: false, correct: false },
  ];

  it('computes the metrics', () => {
    expect(escalationMetrics(samples, 0.55)).toEqual({
      threshold: 0.55, inScopeAccuracy: 0.5, escalationRecall: 0.5, escalationPrecision: 2 / 3,
    });
  });

  it('escalates as much as allowed without losing in-scope accuracy', () => {
    const m = chooseThreshold(samples, 0);
    expect(m.threshold).toBe(0.5); // escalates 0.2 and 0.3, keeps every right answer
    expect(m.inScopeAccuracy).toBe(0.75);
    expect(m.escalationRecall).toBe(0.5);
  });

  it('trades accuracy for recall when allowed', () => {
    expect(chooseThreshold(samples, 0.25).escalationRecall).toBe(1);
  });
});
