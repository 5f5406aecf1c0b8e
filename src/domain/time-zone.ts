// Time-zone math on the platform's tz database (Intl): local calendar parts of an instant, the UTC instant of a local
// wall time (DST-safe), and which zone names are accepted. One home for the SLA clock, the reports and the forms.
import { AppError } from '../errors.js';

export interface LocalDate { y: number; m: number; d: number }
export interface LocalParts extends LocalDate { h: number; min: number; s: number }

const MINUTE = 60_000;

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric',
      hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Whether Intl knows the zone (any name it accepts, POSIX-style offsets included). */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return tz.length > 0;
  } catch {
    return false;
  }
}

/**
 * An IANA zone name both Intl and PostgreSQL read the same way. POSIX-style strings ('UTC+3', '+03:00') are refused:
 * PostgreSQL reads their sign inverted.
 */
export function assertTimeZone(timeZone: string): void {
  const shaped = timeZone === 'UTC' || /^[A-Za-z]+(?:\/[A-Za-z0-9_+-]+){1,2}$/.test(timeZone);
  if (!shaped || !isTimeZone(timeZone)) throw new AppError('bad_request', `tz: expected an IANA time zone such as Europe/Berlin (got '${timeZone.slice(0, 60)}')`);
}

/** The local wall-clock parts of instant t in the zone. */
export function localParts(t: number, tz: string): LocalParts {
  const p: Record<string, number> = {};
  for (const part of formatter(tz).formatToParts(new Date(t))) {
    if (part.type !== 'literal') p[part.type] = Number(part.value);
  }
  return { y: p.year!, m: p.month!, d: p.day!, h: p.hour! % 24, min: p.minute!, s: p.second! };
}

/** Offset of the zone from UTC at instant t, in ms (local = utc + offset). */
export function offsetAt(t: number, tz: string): number {
  const l = localParts(t, tz);
  const asUtc = Date.UTC(l.y, l.m - 1, l.d, l.h, l.min, l.s);
  return asUtc - (t - (((t % 1000) + 1000) % 1000));
}

/** The local calendar date of instant t. */
export function localDateOf(t: number, tz: string): LocalDate {
  const { y, m, d } = localParts(t, tz);
  return { y, m, d };
}

/**
 * UTC instant of a local wall time. Times skipped by a DST gap move forward by the gap; a repeated time takes one of its
 * two instants (the later east of Greenwich, the earlier west of it).
 */
export function zonedToUtc(date: LocalDate, minuteOfDay: number, tz: string): number {
  const guess = Date.UTC(date.y, date.m - 1, date.d) + minuteOfDay * MINUTE;
  const off1 = offsetAt(guess, tz);
  const t1 = guess - off1;
  const off2 = offsetAt(t1, tz);
  if (off2 === off1) return t1;
  const t2 = guess - off2;
  if (offsetAt(t2, tz) === off2) return t2;
  return Math.max(t1, t2); // wall time inside a gap
}

/** The local calendar date (YYYY-MM-DD) of an instant in a time zone. */
export function localDate(at: Date, timeZone: string): string {
  const l = localParts(at.getTime(), timeZone);
  return `${String(l.y).padStart(4, '0')}-${String(l.m).padStart(2, '0')}-${String(l.d).padStart(2, '0')}`;
}

/** The instant a local date (YYYY-MM-DD) starts in a time zone, plus `addDays` local days. DST-safe. */
export function localDateStart(date: string, timeZone: string, addDays = 0): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) throw new AppError('bad_request', `expected a date YYYY-MM-DD (got '${date.slice(0, 40)}')`);
  const guess = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + addDays);
  if (Number.isNaN(guess)) throw new AppError('bad_request', `not a date: '${date}'`);
  // Midnight inside a DST gap (a few zones switch at 00:00): the day starts when the clock jumps.
  const day = new Date(guess);
  return new Date(zonedToUtc({ y: day.getUTCFullYear(), m: day.getUTCMonth() + 1, d: day.getUTCDate() }, 0, timeZone));
}
