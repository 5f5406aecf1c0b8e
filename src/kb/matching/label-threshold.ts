// A mailbox's escalation threshold fitted from its agents' labels. Each label pairs the confidence the match had
// when the message arrived with what the agent decided: this article answers it (was the top article that one?), or
// no article does. A wrong link in an acknowledgement is worse than none, so the threshold is the lowest one whose
// answered questions were right at least `targetPrecision` of the time — not the one that answers most.

export interface LabelSample {
  confidence: number;
  /** the agent named an article that answers it */
  answerable: boolean;
  /** ... and it was the match's top article (or its translation) */
  topWasRight: boolean;
}

export interface LabelCurvePoint {
  threshold: number;
  /** answerable questions answered with the right article */
  inScopeAccuracy: number;
  /** unanswerable questions escalated */
  escalationRecall: number;
  /** of the questions answered, the share answered with the right article */
  answeredPrecision: number;
}

export interface LabelFit {
  threshold: number;
  chosen: LabelCurvePoint;
  curve: LabelCurvePoint[];
  answerable: number;
  unanswerable: number;
}

export const MIN_LABELS = 20;
export const MIN_EACH_KIND = 5;
export const TARGET_PRECISION = 0.95;

export function pointAt(samples: readonly LabelSample[], threshold: number): LabelCurvePoint {
  let answerable = 0, right = 0, unanswerable = 0, escalated = 0, answered = 0, answeredRight = 0;
  for (const s of samples) {
    const answers = s.confidence >= threshold;
    if (answers) answered++;
    if (answers && s.answerable && s.topWasRight) answeredRight++;
    if (s.answerable) {
      answerable++;
      if (answers && s.topWasRight) right++;
    } else {
      unanswerable++;
      if (!answers) escalated++;
    }
  }
  const share = (a: number, b: number, none: number) => (b ? a / b : none);
  return {
    threshold,
    inScopeAccuracy: share(right, answerable, 0),
    escalationRecall: share(escalated, unanswerable, 1),
    answeredPrecision: share(answeredRight, answered, 1),
  };
}

/**
 * Null until there are MIN_LABELS labels with MIN_EACH_KIND of each kind (the prior or cross-validation stays in force).
 * When no threshold reaches the target, the one with the best answered precision is taken (ties: the lower).
 */
export function fitLabelThreshold(samples: readonly LabelSample[], targetPrecision = TARGET_PRECISION): LabelFit | null {
  const answerable = samples.filter((s) => s.answerable).length;
  const unanswerable = samples.length - answerable;
  if (samples.length < MIN_LABELS || answerable < MIN_EACH_KIND || unanswerable < MIN_EACH_KIND) return null;
  const candidates = [...new Set(samples.map((s) => s.confidence))].sort((a, b) => a - b);
  let best: LabelCurvePoint | undefined;
  for (const t of candidates) {
    const p = pointAt(samples, t);
    if (p.answeredPrecision >= targetPrecision) {
      best = p;
      break;
    }
    if (!best || p.answeredPrecision > best.answeredPrecision) best = p;
  }
  const curve = Array.from({ length: 21 }, (_, i) => pointAt(samples, i / 20));
  return { threshold: best!.threshold, chosen: best!, curve, answerable, unanswerable };
}
