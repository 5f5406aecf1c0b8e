// Business-hours clock. Works on local calendar days in the mailbox time zone and converts each day's
// opening window to UTC instants with Intl, so DST switches are handled by the platform's tz database.
import { isTimeZone, localDateOf, zonedToUtc, type LocalDate } from './time-zone.js';

export interface BusinessHours {
  timeZone: string; // IANA, e.g. 'Europe/Berlin'
  days: number[]; // ISO weekdays 1=Mon..7=Sun
  open: string; // 'HH:MM' local
  close: string; // 'HH:MM' local, '24:00' allowed (end of day)
  holidays: string[]; // 'YYYY-MM-DD' local dates with no business hours
}

export const DEFAULT_BUSINESS_HOURS: BusinessHours = Object.freeze({
  timeZone: 'UTC',
  days: [1, 2, 3, 4, 5],
  open: '09:00',
  close: '17:00',
  holidays: [],
}) as BusinessHours;

const MINUTE = 60_000;
// A search for the next opening that finds none within this many days means the configuration is unusable
// (e.g. every business day listed as a holiday); a total budget keeps absurd SLA targets from spinning.
const MAX_CLOSED_STREAK_DAYS = 400;
const MAX_SCAN_DAYS = 366 * 30;

interface Config { tz: string; days: Set<number>; open: number; close: number; holidays: Set<string> }

/**
 * zonedToUtc answers, remembered: each costs several Intl formatToParts calls, and every new case asks for the same
 * few opening and closing times of the coming days (a resolution target spans a week or more). Bounded by clearing.
 */
const zonedCache = new Map<string, number>();
const ZONED_CACHE_MAX = 50_000;

/** zonedToUtc (./time-zone.ts), remembered. */
function cachedZonedToUtc(date: LocalDate, minuteOfDay: number, tz: string): number {
  const key = `${tz}|${date.y}-${date.m}-${date.d}|${minuteOfDay}`;
  let t = zonedCache.get(key);
  if (t === undefined) {
    if (zonedCache.size >= ZONED_CACHE_MAX) zonedCache.clear();
    t = zonedToUtc(date, minuteOfDay, tz);
    zonedCache.set(key, t);
  }
  return t;
}

function parseTime(value: string, field: string, allow24: boolean): number {
  const m = /^(\d{2}):(\d{2})$/.exec(value);
  const minutes = m ? Number(m[1]) * 60 + Number(m[2]) : NaN;
  const valid = m !== null && Number(m[2]) < 60 && (minutes < 24 * 60 || (allow24 && minutes === 24 * 60));
  if (!valid) throw new Error(`Business hours: ${field} must be 'HH:MM' (got '${value}')`);
  return minutes;
}

function configure(hours: BusinessHours): Config {
  if (!isTimeZone(hours.timeZone)) throw new Error(`Business hours: unknown time zone '${hours.timeZone}'`);
  if (!hours.days?.length) throw new Error('Business hours: no business days configured');
  for (const d of hours.days) {
    if (!Number.isInteger(d) || d < 1 || d > 7) throw new Error(`Business hours: invalid ISO weekday ${d}`);
  }
  const open = parseTime(hours.open, 'open', false);
  const close = parseTime(hours.close, 'close', true);
  if (close <= open) throw new Error(`Business hours: close (${hours.close}) must be after open (${hours.open})`);
  return { tz: hours.timeZone, days: new Set(hours.days), open, close, holidays: new Set(hours.holidays ?? []) };
}

function nextDay({ y, m, d }: LocalDate): LocalDate {
  const n = new Date(Date.UTC(y, m - 1, d + 1));
  return { y: n.getUTCFullYear(), m: n.getUTCMonth() + 1, d: n.getUTCDate() };
}

/** The day's business window as UTC instants [open, close), or null on a closed day. */
function windowOf(date: LocalDate, c: Config): [number, number] | null {
  const weekday = new Date(Date.UTC(date.y, date.m - 1, date.d)).getUTCDay() || 7;
  const iso = `${String(date.y).padStart(4, '0')}-${String(date.m).padStart(2, '0')}-${String(date.d).padStart(2, '0')}`;
  if (!c.days.has(weekday) || c.holidays.has(iso)) return null;
  return [cachedZonedToUtc(date, c.open, c.tz), cachedZonedToUtc(date, c.close, c.tz)];
}

function checkInstant(d: Date, name: string): number {
  const t = d.getTime();
  if (!Number.isFinite(t)) throw new Error(`${name} is an invalid Date`);
  return t;
}

/**
 * The instant `minutes` business minutes after `start`. Outside business hours the clock starts at the next
 * opening; 0 minutes yields that opening (or `start` itself when open). Landing exactly on closing time
 * returns the closing instant.
 */
export function addBusinessMinutes(start: Date, minutes: number, hours: BusinessHours): Date {
  const c = configure(hours);
  if (!Number.isFinite(minutes) || minutes < 0) throw new Error(`minutes must be a finite number >= 0 (got ${minutes})`);
  let cursor = checkInstant(start, 'start');
  let remaining = Math.round(minutes * MINUTE);
  let date = localDateOf(cursor, c.tz);
  let closedStreak = 0;
  for (let scanned = 0; scanned < MAX_SCAN_DAYS; scanned++, date = nextDay(date)) {
    const w = windowOf(date, c);
    const from = w ? Math.max(cursor, w[0]) : 0;
    if (!w || from >= w[1]) {
      if (++closedStreak > MAX_CLOSED_STREAK_DAYS) {
        throw new Error(`Business hours: no opening within ${MAX_CLOSED_STREAK_DAYS} days (check days/holidays)`);
      }
      continue;
    }
    closedStreak = 0;
    if (remaining <= w[1] - from) return new Date(from + remaining);
    remaining -= w[1] - from;
    cursor = w[1];
  }
  throw new Error(`Business hours: ${minutes} business minutes exceed the supported range`);
}

/**
 * Business minutes in [from, to). Negative when `to` is before `from`. Fractional minutes are kept, so
 * businessMinutesBetween(s, addBusinessMinutes(s, m)) === m.
 */
export function businessMinutesBetween(from: Date, to: Date, hours: BusinessHours): number {
  const c = configure(hours);
  const a = checkInstant(from, 'from');
  const b = checkInstant(to, 'to');
  if (b < a) return -businessMinutesBetween(to, from, hours);
  let total = 0;
  let date = localDateOf(a, c.tz);
  const last = localDateOf(b, c.tz);
  const lastKey = Date.UTC(last.y, last.m - 1, last.d);
  while (Date.UTC(date.y, date.m - 1, date.d) <= lastKey) {
    const w = windowOf(date, c);
    if (w) total += Math.max(0, Math.min(b, w[1]) - Math.max(a, w[0]));
    date = nextDay(date);
  }
  return total / MINUTE;
}

export function isWithinBusinessHours(at: Date, hours: BusinessHours): boolean {
  const c = configure(hours);
  const t = checkInstant(at, 'at');
  const w = windowOf(localDateOf(t, c.tz), c);
  return w !== null && t >= w[0] && t < w[1];
}
