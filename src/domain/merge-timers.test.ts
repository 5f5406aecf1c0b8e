import { describe, expect, it } from 'vitest';
import { planTimerMerge, type MergeTimer } from './merge-timers.js';

const at = (h: number) => new Date(Date.UTC(2026, 11, 1, h));
const t = (id: string, kind: MergeTimer['kind'], dueHour: number, paused = false): MergeTimer => ({ id, kind, dueAt: at(dueHour), paused });

describe('planTimerMerge', () => {
  const table: [string, Parameters<typeof planTimerMerge>[0], { move: string[]; stop: string[] }][] = [
    ['the source owes the earlier reply: it moves, the target’s later one stops',
      { targetRunning: true, target: [t('tn', 'next_reply', 12), t('tr', 'resolution', 40)], source: [t('sf', 'first_reply', 11), t('sr', 'resolution', 50)] },
      { move: ['sf'], stop: ['tn', 'sr'] }],
    ['the target’s reply is due first: it stays, the source’s stops',
      { targetRunning: true, target: [t('tf', 'first_reply', 9), t('tr', 'resolution', 40)], source: [t('sf', 'first_reply', 11), t('sr', 'resolution', 30)] },
      { move: ['sr'], stop: ['sf', 'tr'] }],
    ['the target owes no reply (answered) but works on: the source’s reply moves',
      { targetRunning: true, target: [t('tr', 'resolution', 40)], source: [t('sn', 'next_reply', 15), t('sr', 'resolution', 45)] },
      { move: ['sn'], stop: ['sr'] }],
    ['the target waits on the customer and the source owes nothing: the source’s timers stop',
      { targetRunning: false, target: [t('tr', 'resolution', 40, true)], source: [t('sr', 'resolution', 30, true)] },
      { move: [], stop: ['sr'] }],
    ['a paused source timer is not owed now: it stops',
      { targetRunning: true, target: [t('tr', 'resolution', 40)], source: [t('sr', 'resolution', 30, true)] },
      { move: [], stop: ['sr'] }],
    ['neither has timers', { targetRunning: true, target: [], source: [] }, { move: [], stop: [] }],
  ];
  it.each(table)('%s', (_name, input, expected) => {
    const plan = planTimerMerge(input);
    expect({ move: [...plan.move].sort(), stop: [...plan.stop].sort() }).toEqual({ move: [...expected.move].sort(), stop: [...expected.stop].sort() });
    // every source timer either moves or stops; nothing is kept twice per group
    expect([...plan.move, ...plan.stop].filter((id) => input.source.some((s) => s.id === id))).toHaveLength(input.source.length);
  });
});
