// Which SLA deadlines a merged case keeps. The customer of the merged-away case may still be owed a reply: that
// promise does not vanish, and it does not restart either. Reply deadlines (first or next reply) and resolution
// deadlines each keep the earliest one still owed; nothing is counted twice, and a breached one stays breached (so
// its "still on it" update, already sent, is not sent again).

export interface MergeTimer {
  id: string;
  kind: 'first_reply' | 'next_reply' | 'resolution';
  dueAt: Date;
  /** paused: the case waits on the customer */
  paused: boolean;
}

export interface TimerMergePlan {
  /** the source's timers that move to the target, unchanged */
  move: string[];
  /** timers of either case that stop at the merge */
  stop: string[];
}

const groupOf = (t: MergeTimer) => (t.kind === 'resolution' ? 'resolution' : 'reply');

/**
 * `target` and `source` hold each case's active timers (not stopped). `targetRunning`: the target works on the case
 * after the merge (open or escalated; the caller reopens a waiting or resolved target when the source still owes a
 * reply). A running target takes, per group, the earliest deadline among its own and the source's running ones; a
 * target waiting on the customer or resolved keeps its own, and the source's stop.
 */
export function planTimerMerge(input: { targetRunning: boolean; target: MergeTimer[]; source: MergeTimer[] }): TimerMergePlan {
  const plan: TimerMergePlan = { move: [], stop: [] };
  if (!input.targetRunning) {
    plan.stop.push(...input.source.map((t) => t.id));
    return plan;
  }
  for (const group of ['reply', 'resolution'] as const) {
    const own = input.target.filter((t) => groupOf(t) === group);
    const theirs = input.source.filter((t) => groupOf(t) === group);
    const candidates = [...own, ...theirs.filter((t) => !t.paused)].sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime());
    const keep = candidates[0];
    for (const t of own) if (t !== keep) plan.stop.push(t.id);
    for (const t of theirs) {
      if (t === keep) plan.move.push(t.id);
      else plan.stop.push(t.id);
    }
  }
  return plan;
}
