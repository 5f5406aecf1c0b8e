import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { assertTimeZone, isTimeZone, localDate, localDateStart, zonedToUtc } from './time-zone.js';

describe('localDateStart', () => {
  // Berlin's DST change: 2026-10-25, 03:00 CEST -> 02:00 CET; spring 2026-03-29, 02:00 CET -> 03:00 CEST.
  it.each([
    ['2026-10-24', 'Europe/Berlin', 0, '2026-10-23T22:00:00.000Z'], // CEST, UTC+2
    ['2026-10-25', 'Europe/Berlin', 0, '2026-10-24T22:00:00.000Z'], // still CEST at midnight
    ['2026-10-26', 'Europe/Berlin', 0, '2026-10-25T23:00:00.000Z'], // CET, UTC+1: Oct 25 had 25 hours
    ['2026-10-25', 'Europe/Berlin', 1, '2026-10-25T23:00:00.000Z'],
    ['2026-03-29', 'Europe/Berlin', 1, '2026-03-29T22:00:00.000Z'], // spring: 23-hour day
    ['2026-10-25', 'UTC', 0, '2026-10-25T00:00:00.000Z'],
    ['2026-12-31', 'UTC', 1, '2027-01-01T00:00:00.000Z'], // days roll over the month and year
    // Santiago moves its clocks at 00:00 (2026-09-06 00:00 -> 01:00): the day starts when the clock jumps.
    ['2026-09-06', 'America/Santiago', 0, '2026-09-06T04:00:00.000Z'],
  ])('%s in %s plus %i days starts at %s', (date, tz, addDays, expected) => {
    expect(localDateStart(date, tz, addDays).toISOString()).toBe(expected);
  });

  it.each(['2026-1-5', 'yesterday', ''])('refuses %j', (date) => {
    expect(() => localDateStart(date, 'UTC')).toThrow(AppError);
  });
});

describe('localDate', () => {
  it.each([
    ['2026-10-25T23:30:00Z', 'Europe/Berlin', '2026-10-26'],
    ['2026-10-25T22:30:00Z', 'Europe/Berlin', '2026-10-25'],
    ['2026-10-25T23:30:00Z', 'UTC', '2026-10-25'],
    ['2026-10-25T10:00:00Z', 'Pacific/Kiritimati', '2026-10-26'], // UTC+14
  ])('%s in %s is %s', (at, tz, expected) => {
    expect(localDate(new Date(at), tz)).toBe(expected);
  });
});

describe('zonedToUtc', () => {
  it.each([
    [{ y: 2026, m: 3, d: 30 }, 9 * 60, 'Europe/Berlin', '2026-03-30T07:00:00.000Z'], // CEST
    [{ y: 2026, m: 3, d: 29 }, 2 * 60 + 30, 'Europe/Berlin', '2026-03-29T01:30:00.000Z'], // inside the gap: moves forward an hour, 03:30 CEST
    [{ y: 2026, m: 3, d: 8 }, 2 * 60 + 30, 'America/New_York', '2026-03-08T07:30:00.000Z'], // inside the gap: 03:30 EDT
    [{ y: 2026, m: 10, d: 25 }, 2 * 60 + 30, 'Europe/Berlin', '2026-10-25T01:30:00.000Z'], // repeated, east of Greenwich: the later (CET)
    [{ y: 2026, m: 11, d: 1 }, 60 + 30, 'America/New_York', '2026-11-01T05:30:00.000Z'], // repeated, west of Greenwich: the earlier (EDT)
    [{ y: 2026, m: 1, d: 1 }, 24 * 60, 'UTC', '2026-01-02T00:00:00.000Z'], // 24:00 is the end of the day
  ])('%o at minute %i in %s is %s', (date, minute, tz, expected) => {
    expect(new Date(zonedToUtc(date, minute, tz)).toISOString()).toBe(expected);
  });
});

describe('zone names', () => {
  it.each([
    ['UTC', true, true],
    ['Europe/Berlin', true, true],
    ['America/Argentina/Buenos_Aires', true, true],
    ['Etc/GMT+3', true, true],
    ['+03:00', false, false], // PostgreSQL would read its sign inverted
    ['', false, false],
    ['Mars/Olympus', false, false],
    ['UTC+3', false, false],
    ["Europe/Berlin'; drop table cases; --", false, false],
    ['europe', false, false],
  ])('%j: known to Intl %s, IANA-shaped and known %s', (tz, known, iana) => {
    expect(isTimeZone(tz)).toBe(known);
    if (iana) expect(() => assertTimeZone(tz)).not.toThrow();
    else expect(() => assertTimeZone(tz)).toThrow(AppError);
  });
});
