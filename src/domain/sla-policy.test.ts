import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DEFAULT_BUSINESS_HOURS, addBusinessMinutes, type BusinessHours } from './sla-clock.js';
import {
  businessMinutesBetween, effectivePolicy, mailboxHours, pauseTimer, remainingAt, resumeTimer, retarget, scheduleFromStart,
  type SlaPolicySource, type TimerClock,
} from './sla-policy.js';

const hours = (over: Partial<BusinessHours> = {}): BusinessHours => ({ ...DEFAULT_BUSINESS_HOURS, ...over });
// 09:00-18:00 Berlin: Friday 16:00 + 4 business hours = Monday 11:00
const BERLIN = hours({ timeZone: 'Europe/Berlin', open: '09:00', close: '18:00' });
const NEW_YORK = hours({ timeZone: 'America/New_York' });
const iso = (d: Date | null) => d?.toISOString().replace('.000Z', 'Z') ?? null;
const at = (s: string) => new Date(s);

describe('effectivePolicy', () => {
  const mailbox = { id: 1, firstReplyMinutes: 240 };
  const row: SlaPolicySource = { mailboxId: 1, priority: 'high', firstReplyMinutes: 30, nextReplyMinutes: 60, resolutionMinutes: 600, reminderBeforeMinutes: 10 };
  const other: SlaPolicySource = { ...row, mailboxId: 2, priority: 'urgent', firstReplyMinutes: 5 };
  const cases: [string, string, SlaPolicySource[], [number, number, number, number]][] = [
    ['urgent default ×0.25', 'urgent', [], [60, 60, 300, 12]],
    ['high default ×0.5', 'high', [], [120, 120, 600, 24]],
    ['normal default ×1', 'normal', [], [240, 240, 1200, 48]],
    ['low default ×2', 'low', [], [480, 480, 2400, 96]],
    ['unknown priority counts as normal', 'whatever', [], [240, 240, 1200, 48]],
    ['the mailbox row wins', 'high', [row], [30, 60, 600, 10]],
    ['a row for another priority is ignored', 'normal', [row], [240, 240, 1200, 48]],
    ['a row of another mailbox is ignored', 'urgent', [other], [60, 60, 300, 12]],
  ];
  it.each(cases)('%s', (_name, priority, rows, [first, next, resolution, reminder]) => {
    expect(effectivePolicy(mailbox, rows, priority)).toEqual({
      firstReplyMinutes: first, nextReplyMinutes: next, resolutionMinutes: resolution, reminderBeforeMinutes: reminder,
    });
  });
  it('never derives a zero target', () => {
    expect(effectivePolicy({ id: 1, firstReplyMinutes: 1 }, [], 'urgent').firstReplyMinutes).toBe(1);
  });
});

describe('scheduleFromStart', () => {
  const cases: [string, string, number, number, number, BusinessHours, string, string | null][] = [
    // start, target, reminderBefore, paused, hours, due, remind
    ['Friday 16:00 Berlin + 4h', '2026-11-20T15:00:00Z', 240, 48, 0, BERLIN, '2026-11-23T10:00:00Z', '2026-11-23T09:12:00Z'],
    ['holiday Monday moves it to Tuesday', '2026-11-20T15:00:00Z', 240, 48, 0, { ...BERLIN, holidays: ['2026-11-23'] }, '2026-11-24T10:00:00Z', '2026-11-24T09:12:00Z'],
    // Friday 16:00 CET (15:00Z) -> Monday 11:00 CEST (09:00Z); reminder 10:12 CEST (08:12Z)
    ['across spring DST (Berlin)', '2026-03-27T15:00:00Z', 240, 48, 0, BERLIN, '2026-03-30T09:00:00Z', '2026-03-30T08:12:00Z'],
    // Friday 16:00 CEST (14:00Z) -> Monday 11:00 CET (10:00Z)
    ['across autumn DST (Berlin)', '2026-10-23T14:00:00Z', 240, 48, 0, BERLIN, '2026-10-26T10:00:00Z', '2026-10-26T09:12:00Z'],
    // Friday 16:00 EST (21:00Z) + 2h -> Monday 10:00 EDT (14:00Z)
    ['across spring DST (New York)', '2026-03-06T21:00:00Z', 120, 0, 0, NEW_YORK, '2026-03-09T14:00:00Z', null],
    ['paused minutes push the deadline', '2026-11-23T08:00:00Z', 60, 10, 120, BERLIN, '2026-11-23T11:00:00Z', '2026-11-23T10:50:00Z'],
    ['reminder not shorter than target: none', '2026-11-23T08:00:00Z', 60, 60, 0, BERLIN, '2026-11-23T09:00:00Z', null],
    ['started on a Sunday counts from Monday opening', '2026-11-22T10:00:00Z', 30, 5, 0, BERLIN, '2026-11-23T08:30:00Z', '2026-11-23T08:25:00Z'],
  ];
  it.each(cases)('%s', (_name, start, target, reminderBefore, paused, h, due, remind) => {
    const s = scheduleFromStart({ startedAt: at(start), targetMinutes: target, reminderBeforeMinutes: reminderBefore, pausedBusinessMinutes: paused }, h);
    expect(iso(s.dueAt)).toBe(due);
    expect(iso(s.remindAt)).toBe(remind);
  });
});

describe('businessMinutesBetween (re-exported from the clock)', () => {
  const cases: [string, string, string, BusinessHours, number][] = [
    ['Friday 16:00 to Monday 11:00 Berlin', '2026-11-20T15:00:00Z', '2026-11-23T10:00:00Z', BERLIN, 240],
    ['over the spring DST weekend', '2026-03-27T15:00:00Z', '2026-03-30T09:00:00Z', BERLIN, 240],
    ['a holiday counts nothing', '2026-11-23T00:00:00Z', '2026-11-24T00:00:00Z', { ...BERLIN, holidays: ['2026-11-23'] }, 0],
    ['a weekend counts nothing', '2026-11-21T00:00:00Z', '2026-11-23T00:00:00Z', BERLIN, 0],
  ];
  it.each(cases)('%s', (_name, from, to, h, expected) => {
    expect(businessMinutesBetween(at(from), at(to), h)).toBe(expected);
  });
});

describe('pause and resume', () => {
  const base: TimerClock = {
    startedAt: at('2026-11-20T15:00:00Z'), // Friday 16:00 Berlin
    targetMinutes: 240,
    reminderBeforeMinutes: 48,
    pausedBusinessMinutes: 0,
    pausedAt: null,
    remainingBusinessMinutes: null,
  };
  const cases: [string, BusinessHours, string, string, number, string, string, number][] = [
    // hours, pause at, resume at, remaining when paused, new due, new remind, paused business minutes
    ['paused Monday 09:30 (2.5h used), resumed Monday 14:00: 4.5h later', BERLIN, '2026-11-23T08:30:00Z', '2026-11-23T13:00:00Z', 90, '2026-11-23T14:30:00Z', '2026-11-23T13:42:00Z', 270],
    ['paused Friday 17:00 over the weekend, resumed Monday 09:00', BERLIN, '2026-11-20T16:00:00Z', '2026-11-23T08:00:00Z', 180, '2026-11-23T11:00:00Z', '2026-11-23T10:12:00Z', 60],
    ['resumed on a holiday counts from the next opening', { ...BERLIN, holidays: ['2026-11-24'] }, '2026-11-23T09:00:00Z', '2026-11-24T10:00:00Z', 60, '2026-11-25T09:00:00Z', '2026-11-25T08:12:00Z', 480],
    // paused Friday 27 Mar 17:00 CET (16:00Z; 1h used), resumed Monday 30 Mar 10:00 CEST (08:00Z): 3h left -> 13:00 CEST
    ['pause across the spring DST switch', BERLIN, '2026-03-27T16:00:00Z', '2026-03-30T08:00:00Z', 180, '2026-03-30T11:00:00Z', '2026-03-30T10:12:00Z', 120],
    ['paused after the deadline: nothing left, due at resume', BERLIN, '2026-11-23T11:00:00Z', '2026-11-23T13:00:00Z', 0, '2026-11-23T13:00:00Z', '2026-11-23T13:00:00Z', 120],
  ];
  const start = (s: string) => (s.startsWith('2026-03') ? { ...base, startedAt: at('2026-03-27T15:00:00Z') } : base);
  it.each(cases)('%s', (_name, h, pauseAt, resumeAt, remaining, due, remind, pausedMinutes) => {
    const t = start(pauseAt);
    const paused = pauseTimer(t, at(pauseAt), h);
    expect(paused.remainingBusinessMinutes).toBe(remaining);
    const resumed = resumeTimer({ ...t, ...paused }, at(resumeAt), h);
    expect(iso(resumed.dueAt)).toBe(due);
    expect(iso(resumed.remindAt)).toBe(remind);
    expect(resumed.pausedBusinessMinutes).toBe(pausedMinutes);
    expect(resumed.pausedAt).toBeNull();
    expect(resumed.remainingBusinessMinutes).toBeNull();
  });

  it('pausing twice keeps the first pause', () => {
    const paused = pauseTimer(base, at('2026-11-23T08:30:00Z'), BERLIN);
    expect(pauseTimer({ ...base, ...paused }, at('2026-11-23T12:00:00Z'), BERLIN)).toEqual(paused);
  });

  it('after a resume, recomputing from the start gives the same deadline', () => {
    fc.assert(fc.property(
      fc.integer({ min: 0, max: 5 * 24 * 60 }), fc.integer({ min: 0, max: 5 * 24 * 60 }), fc.integer({ min: 30, max: 3000 }),
      (pauseAfter, pauseFor, target) => {
        const t = { ...base, targetMinutes: target, reminderBeforeMinutes: 0 };
        const pauseAt = new Date(base.startedAt.getTime() + pauseAfter * 60_000);
        const resumeAt = new Date(pauseAt.getTime() + pauseFor * 60_000);
        const paused = pauseTimer(t, pauseAt, BERLIN);
        fc.pre(paused.remainingBusinessMinutes > 0);
        const resumed = resumeTimer({ ...t, ...paused }, resumeAt, BERLIN);
        const fromStart = scheduleFromStart({ ...t, pausedBusinessMinutes: resumed.pausedBusinessMinutes }, BERLIN);
        expect(fromStart.dueAt.getTime()).toBe(resumed.dueAt.getTime());
        // and the time the deadline moved equals the pause, in business minutes
        const plain = scheduleFromStart(t, BERLIN).dueAt;
        expect(businessMinutesBetween(plain, resumed.dueAt, BERLIN)).toBeCloseTo(businessMinutesBetween(pauseAt, resumeAt, BERLIN), 6);
      },
    ), { numRuns: 200 });
  });
});

describe('retarget (priority change)', () => {
  const t: TimerClock = {
    startedAt: at('2026-11-23T08:00:00Z'), // Monday 09:00 Berlin
    targetMinutes: 240, reminderBeforeMinutes: 48, pausedBusinessMinutes: 30, pausedAt: null, remainingBusinessMinutes: null,
  };
  const urgent = { firstReplyMinutes: 60, nextReplyMinutes: 60, resolutionMinutes: 300, reminderBeforeMinutes: 12 };
  it('a running timer is rescheduled from its start, keeping its pauses', () => {
    const r = retarget(t, urgent, 'first_reply', BERLIN);
    expect(iso(r.dueAt)).toBe('2026-11-23T09:30:00Z'); // 09:00 + 60 + 30 paused = 10:30 Berlin
    expect(iso(r.remindAt)).toBe('2026-11-23T09:18:00Z');
    expect(r.targetMinutes).toBe(60);
    expect(r.remainingBusinessMinutes).toBeNull();
  });
  it('a paused timer gets the new remainder', () => {
    const pausedAt = at('2026-11-23T08:50:00Z'); // 50 minutes later, 30 of them already paused earlier → 20 used
    const r = retarget({ ...t, pausedAt, remainingBusinessMinutes: 190 }, urgent, 'resolution', BERLIN);
    expect(r.targetMinutes).toBe(300);
    expect(r.remainingBusinessMinutes).toBe(280);
    expect(remainingAt({ ...t, targetMinutes: 300 }, pausedAt, BERLIN)).toBe(280);
  });
});

describe('mailboxHours', () => {
  it('puts the mailbox zone on its business hours', () => {
    expect(mailboxHours({ timeZone: 'Europe/Berlin', businessHours: { days: [1], open: '08:00', close: '12:00', holidays: [] } }))
      .toEqual({ timeZone: 'Europe/Berlin', days: [1], open: '08:00', close: '12:00', holidays: [] });
    expect(addBusinessMinutes(at('2026-11-23T06:00:00Z'), 0, mailboxHours({ timeZone: 'Europe/Berlin', businessHours: BERLIN }))).toEqual(at('2026-11-23T08:00:00Z'));
  });
});
