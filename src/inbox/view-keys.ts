// The built-in inbox views every agent has (their conditions are in views.ts); the keys live with the saved views' table.
import { builtInViewKeys } from '../db/schema/inbox-views.js';

export { builtInViewKeys };
export type BuiltInViewKey = (typeof builtInViewKeys)[number];

export const builtInViewLabels: Record<BuiltInViewKey, string> = {
  all: 'Needs a human', mine: 'Mine', unassigned: 'Unassigned', escalated: 'Escalated', due: 'Due soon or overdue', review: 'Awaiting review',
};
