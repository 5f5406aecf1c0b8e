// Turns ranking features into a calibrated probability that the top article answers the question
// (Platt-style logistic regression), and picks the "escalate below this" threshold. Both are fitted
// on held-out examples of the knowledge base itself (see cross-validation in matcher.ts), never on
// live traffic or on a test set.

export interface Calibrator {
  readonly weights: number[];
  readonly bias: number;
  /** feature standardisation, so one learning rate suits all features */
  readonly mean: number[];
  readonly scale: number[];
}

export interface CalibrationSample {
  features: number[];
  /** the top article was the right one (false for out-of-scope questions) */
  correct: boolean;
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

export function fitCalibrator(samples: CalibrationSample[], l2 = 1e-3, iterations = 300): Calibrator {
  const d = samples[0]?.features.length ?? 0;
  const n = samples.length;
  const mean = new Array<number>(d).fill(0);
  const scale = new Array<number>(d).fill(0);
  for (const s of samples) s.features.forEach((v, j) => (mean[j]! += v / n));
  for (const s of samples) s.features.forEach((v, j) => (scale[j]! += (v - mean[j]!) ** 2 / n));
  for (let j = 0; j < d; j++) scale[j] = Math.sqrt(scale[j]!) || 1;
  const xs = samples.map((s) => s.features.map((v, j) => (v - mean[j]!) / scale[j]!));
  const w = new Array<number>(d).fill(0);
  let b = 0;
  // full-batch gradient descent: a few thousand samples x a handful of features, converges fast
  const lr = 0.5;
  for (let it = 0; it < iterations; it++) {
    const gw = new Array<number>(d).fill(0);
    let gb = 0;
    for (let i = 0; i < n; i++) {
      const x = xs[i]!;
      let z = b;
      for (let j = 0; j < d; j++) z += w[j]! * x[j]!;
      const g = sigmoid(z) - (samples[i]!.correct ? 1 : 0);
      for (let j = 0; j < d; j++) gw[j]! += g * x[j]!;
      gb += g;
    }
    for (let j = 0; j < d; j++) w[j]! -= lr * (gw[j]! / n + l2 * w[j]!);
    b -= (lr * gb) / n;
  }
  return { weights: w, bias: b, mean, scale };
}

export function confidence(cal: Calibrator, features: number[]): number {
  let z = cal.bias;
  for (let j = 0; j < cal.weights.length; j++) z += (cal.weights[j]! * (features[j]! - cal.mean[j]!)) / cal.scale[j]!;
  return sigmoid(z);
}

export interface ThresholdSample {
  confidence: number;
  inScope: boolean;
  /** top article correct (only meaningful when inScope) */
  correct: boolean;
}

export interface EscalationMetrics {
  threshold: number;
  /** in-scope questions answered (not escalated) with the right article */
  inScopeAccuracy: number;
  /** out-of-scope questions escalated */
  escalationRecall: number;
  /** escalated questions that were out of scope or would have been answered wrongly */
  escalationPrecision: number;
}

export function escalationMetrics(samples: ThresholdSample[], threshold: number): EscalationMetrics {
  let inScope = 0, answeredRight = 0, oos = 0, oosEscalated = 0, escalated = 0, escalatedUseful = 0;
  for (const s of samples) {
    const esc = s.confidence < threshold;
    if (esc) {
      escalated++;
      if (!s.inScope || !s.correct) escalatedUseful++;
    }
    if (s.inScope) {
      inScope++;
      if (!esc && s.correct) answeredRight++;
    } else {
      oos++;
      if (esc) oosEscalated++;
    }
  }
  return {
    threshold,
    inScopeAccuracy: inScope ? answeredRight / inScope : 1,
    escalationRecall: oos ? oosEscalated / oos : 1,
    escalationPrecision: escalated ? escalatedUseful / escalated : 1,
  };
}

/**
 * Highest escalation recall whose in-scope accuracy stays within `maxAccuracyLoss` of answering
 * everything; that keeps the rule meaningful whatever the knowledge base's raw accuracy is.
 */
export function chooseThreshold(samples: ThresholdSample[], maxAccuracyLoss = 0.03): EscalationMetrics {
  const candidates = [...new Set(samples.map((s) => s.confidence))].sort((a, b) => a - b);
  const base = escalationMetrics(samples, 0);
  let best = base;
  for (const c of candidates) {
    const m = escalationMetrics(samples, c);
    if (base.inScopeAccuracy - m.inScopeAccuracy > maxAccuracyLoss) break;
    if (m.escalationRecall >= best.escalationRecall) best = m;
  }
  return best;
}
