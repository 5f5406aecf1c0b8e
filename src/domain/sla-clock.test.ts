import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  addBusinessMinutes, businessMinutesBetween, isWithinBusinessHours, DEFAULT_BUSINESS_HOURS, type BusinessHours,
} from './sla-clock.js';

const hours = (over: Partial<BusinessHours> = {}): BusinessHours => ({ ...DEFAULT_BUSINESS_HOURS, ...over });
const BERLIN = hours({ timeZone: 'Europe/Berlin' });
const NEW_YORK = hours({ timeZone: 'America/New_York' });
const JAKARTA = hours({ timeZone: 'Asia/Jakarta', open: '08:00', close: '16:30' });
const ALWAYS_BERLIN = hours({ timeZone: 'Europe/Berlin', days: [1, 2, 3, 4, 5, 6, 7], open: '00:00', close: '24:00' });

// 2026: Berlin switches to CEST on Sun 29 Mar, back on Sun 25 Oct; New York to EDT on Sun 8 Mar, back Sun 1 Nov.
describe('addBusinessMinutes', () => {
  const cases: [string, string, number, BusinessHours, string][] = [
    ['within the same day', '2026-11-23T10:00:00Z', 60, hours(), '2026-11-23T11:00:00Z'],
    ['Friday 16:30 + 4h -> Monday 12:30', '2026-11-20T16:30:00Z', 240, hours(), '2026-11-23T12:30:00Z'],
    ['Saturday start waits for Monday', '2026-11-21T11:00:00Z', 30, hours(), '2026-11-23T09:30:00Z'],
    ['Sunday night start', '2026-11-22T23:59:00Z', 480, hours(), '2026-11-23T17:00:00Z'],
    ['before opening starts at opening', '2026-11-24T06:00:00Z', 15, hours(), '2026-11-24T09:15:00Z'],
    ['after closing rolls to next day', '2026-11-24T17:00:00Z', 15, hours(), '2026-11-25T09:15:00Z'],
    ['0 minutes when open -> start itself', '2026-11-24T12:34:56Z', 0, hours(), '2026-11-24T12:34:56Z'],
    ['0 minutes when closed -> next opening', '2026-11-21T12:00:00Z', 0, hours(), '2026-11-23T09:00:00Z'],
    ['0 minutes exactly at closing -> next opening', '2026-11-24T17:00:00Z', 0, hours(), '2026-11-25T09:00:00Z'],
    ['lands exactly on closing time', '2026-11-24T16:00:00Z', 60, hours(), '2026-11-24T17:00:00Z'],
    ['spans several days', '2026-11-23T09:00:00Z', 3 * 480 + 90, hours(), '2026-11-26T10:30:00Z'],
    ['spans two weekends', '2026-11-20T13:00:00Z', 7 * 480, hours(), '2026-12-01T13:00:00Z'],
    ['holiday is skipped', '2026-12-24T16:00:00Z', 120, hours({ holidays: ['2026-12-25'] }), '2026-12-28T10:00:00Z'],
    ['holiday start', '2026-12-25T10:00:00Z', 60, hours({ holidays: ['2026-12-25'] }), '2026-12-28T10:00:00Z'],
    ['custom days (Sun-Thu)', '2026-11-20T10:00:00Z', 60, hours({ days: [7, 1, 2, 3, 4] }), '2026-11-22T10:00:00Z'],
    // Friday 16:00 CET (15:00Z) + 2h -> Monday 10:00 CEST (08:00Z)
    ['Berlin across spring DST', '2026-03-27T15:00:00Z', 120, BERLIN, '2026-03-30T08:00:00Z'],
    // Friday 16:00 CEST (14:00Z) + 2h -> Monday 10:00 CET (09:00Z)
    ['Berlin across autumn DST', '2026-10-23T14:00:00Z', 120, BERLIN, '2026-10-26T09:00:00Z'],
    // Friday 16:00 EST (21:00Z) + 2h -> Monday 10:00 EDT (14:00Z)
    ['New York across spring DST', '2026-03-06T21:00:00Z', 120, NEW_YORK, '2026-03-09T14:00:00Z'],
    // Friday 16:00 EDT (20:00Z) + 2h -> Monday 10:00 EST (15:00Z)
    ['New York across autumn DST', '2026-10-30T20:00:00Z', 120, NEW_YORK, '2026-11-02T15:00:00Z'],
    ['New York evening (next UTC day) start', '2026-11-24T01:00:00Z', 30, NEW_YORK, '2026-11-24T14:30:00Z'],
    // Jakarta is UTC+7 all year: Friday 16:00 WIB + 1h -> Monday 08:30 WIB
    ['Asia/Jakarta', '2026-11-20T09:00:00Z', 60, JAKARTA, '2026-11-23T01:30:00Z'],
    ['Asia/Jakarta rolls over local closing', '2026-11-23T09:20:00Z', 30, JAKARTA, '2026-11-24T01:20:00Z'],
    // 02:30 does not exist in New York on 8 Mar 2026: the window opens at 03:30 EDT (07:30Z)
    ['opening inside a DST gap moves forward', '2026-03-08T05:00:00Z', 0, hours({ timeZone: 'America/New_York', days: [7], open: '02:30', close: '05:00' }), '2026-03-08T07:30:00Z'],
    // 24/7 support: the spring-forward Sunday has only 23 hours
    ['24/7 across the short DST day', '2026-03-28T23:00:00Z', 24 * 60, ALWAYS_BERLIN, '2026-03-29T23:00:00Z'],
  ];
  it.each(cases)('%s', (_name, start, minutes, h, expected) => {
    expect(addBusinessMinutes(new Date(start), minutes, h).toISOString()).toBe(new Date(expected).toISOString());
  });
});

describe('businessMinutesBetween', () => {
  const cases: [string, string, string, BusinessHours, number][] = [
    ['same day', '2026-11-23T10:00:00Z', '2026-11-23T12:15:00Z', hours(), 135],
    ['over a weekend', '2026-11-20T16:30:00Z', '2026-11-23T12:30:00Z', hours(), 240],
    ['entirely outside hours', '2026-11-21T08:00:00Z', '2026-11-22T20:00:00Z', hours(), 0],
    ['whole week', '2026-11-23T00:00:00Z', '2026-11-30T00:00:00Z', hours(), 5 * 480],
    ['week with a holiday', '2026-11-23T00:00:00Z', '2026-11-30T00:00:00Z', hours({ holidays: ['2026-11-26'] }), 4 * 480],
    ['reversed is negative', '2026-11-23T12:15:00Z', '2026-11-23T10:00:00Z', hours(), -135],
    ['Berlin DST week', '2026-03-27T15:00:00Z', '2026-03-30T08:00:00Z', BERLIN, 120],
    ['24/7 short DST day', '2026-03-28T23:00:00Z', '2026-03-29T22:00:00Z', ALWAYS_BERLIN, 23 * 60],
    ['24/7 long DST day', '2026-10-24T22:00:00Z', '2026-10-25T23:00:00Z', ALWAYS_BERLIN, 25 * 60],
  ];
  it.each(cases)('%s', (_name, from, to, h, expected) => {
    expect(businessMinutesBetween(new Date(from), new Date(to), h)).toBe(expected);
  });
});

describe('isWithinBusinessHours', () => {
  const cases: [string, BusinessHours, boolean][] = [
    ['2026-11-23T09:00:00Z', hours(), true],
    ['2026-11-23T16:59:59Z', hours(), true],
    ['2026-11-23T17:00:00Z', hours(), false],
    ['2026-11-23T08:59:59Z', hours(), false],
    ['2026-11-22T12:00:00Z', hours(), false],
    ['2026-12-25T12:00:00Z', hours({ holidays: ['2026-12-25'] }), false],
    ['2026-07-01T07:30:00Z', BERLIN, true], // 09:30 CEST
    ['2026-01-07T07:30:00Z', BERLIN, false], // 08:30 CET
    ['2026-11-23T02:00:00Z', JAKARTA, true], // 09:00 WIB
  ];
  it.each(cases)('%s', (at, h, expected) => {
    expect(isWithinBusinessHours(new Date(at), h)).toBe(expected);
  });
});

describe('misconfiguration', () => {
  const start = new Date('2026-11-23T10:00:00Z');
  it.each([
    ['no days', hours({ days: [] }), /no business days/],
    ['bad weekday', hours({ days: [0] }), /invalid ISO weekday/],
    ['bad time', hours({ open: '9:00' }), /open must be 'HH:MM'/],
    ['close before open', hours({ open: '17:00', close: '09:00' }), /must be after open/],
    ['unknown zone', hours({ timeZone: 'Mars/Olympus' }), /unknown time zone/],
  ])('%s throws', (_name, h, message) => {
    expect(() => addBusinessMinutes(start, 10, h)).toThrow(message);
    expect(() => isWithinBusinessHours(start, h)).toThrow(message);
  });
  it('every business day a holiday terminates with an error', () => {
    const holidays = Array.from({ length: 800 }, (_, i) => new Date(Date.UTC(2026, 10, 23 + i)).toISOString().slice(0, 10));
    expect(() => addBusinessMinutes(start, 10, hours({ holidays }))).toThrow(/no opening within/);
  });
  it('rejects negative minutes and invalid dates', () => {
    expect(() => addBusinessMinutes(start, -1, hours())).toThrow(/minutes/);
    expect(() => addBusinessMinutes(new Date('nope'), 1, hours())).toThrow(/invalid Date/);
  });
});

describe('properties', () => {
  const configs = [hours(), BERLIN, NEW_YORK, JAKARTA, ALWAYS_BERLIN, hours({ timeZone: 'Australia/Sydney', days: [1, 3, 5] })];
  const startArb = fc.date({ min: new Date('2024-01-01T00:00:00Z'), max: new Date('2028-12-31T00:00:00Z'), noInvalidDate: true });

  it('businessMinutesBetween(start, addBusinessMinutes(start, m)) === m', () => {
    fc.assert(
      fc.property(startArb, fc.integer({ min: 0, max: 20_000 }), fc.constantFrom(...configs), (start, m, h) => {
        const end = addBusinessMinutes(start, m, h);
        expect(end.getTime()).toBeGreaterThanOrEqual(start.getTime());
        expect(businessMinutesBetween(start, end, h)).toBe(m);
        if (m > 0) expect(isWithinBusinessHours(new Date(end.getTime() - 1), h)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('adding in two steps equals adding at once', () => {
    fc.assert(
      fc.property(startArb, fc.integer({ min: 1, max: 5_000 }), fc.integer({ min: 1, max: 5_000 }), fc.constantFrom(...configs),
        (start, a, b, h) => {
          const twoSteps = addBusinessMinutes(addBusinessMinutes(start, a, h), b, h);
          expect(twoSteps.getTime()).toBe(addBusinessMinutes(start, a + b, h).getTime());
        }),
      { numRuns: 200 },
    );
  });
});
