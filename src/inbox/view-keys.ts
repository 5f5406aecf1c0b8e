// The built-in inbox views every agent has (their conditions are in views.ts).
export const builtInViewKeys = ['all', 'mine', 'unassigned', 'escalated', 'due', 'review'] as const;
export type BuiltInViewKey = (typeof builtInViewKeys)[number];

export const builtInViewLabels: Record<BuiltInViewKey, string> = {
  all: 'Needs a human', mine: 'Mine', unassigned: 'Unassigned', escalated: 'Escalated', due: 'Due soon or overdue', review: 'Awaiting review',
};
