// What an admin writes for a mailbox's review and SLA settings (the form's text fields), validated with zod into the
// update of its row. Each message names what is expected, and each error sits on its own field.
import { z } from 'zod';
import type { Mailbox } from '../db/schema/mailboxes.js';
import { isTimeZone } from '../domain/time-zone.js';

const list = (v: string) => [...new Set(v.toLowerCase().split(/[\s,]+/).filter(Boolean))];
const share = (message: string) => z.string().trim().regex(/^(0(\.\d+)?|1(\.0+)?)$/, message).transform(Number);
const time = (example: string) => z.string().trim().regex(/^([01]\d|2[0-3]):[0-5]\d$/, `a time like ${example}`);
const action = z.string().pipe(z.enum(['acknowledge', 'withhold'], 'acknowledge or withhold'));

export const mailboxSettingsSchema = z
  .object({
    matchThreshold: z.union([z.literal('').transform(() => null), share('a number from 0 to 1, or empty for the calibrated threshold')]),
    fallbackLanguages: z.string().transform(list)
      .refine((l) => l.length <= 5 && l.every((x) => /^[a-z]{2}$/.test(x)), 'up to five two-letter language codes like en, de, separated by commas'),
    autoSendMode: z.string().pipe(z.enum(['off', 'shadow', 'on'], 'off, shadow or on')),
    autoSendMinConfidence: share('a number from 0 to 1'),
    timeZone: z.string().trim().refine(isTimeZone, 'an IANA time zone like Europe/Berlin'),
    days: z.array(z.string()).transform((d, ctx) => {
      const days = [...new Set(d.map(Number))].filter((n) => Number.isInteger(n) && n >= 1 && n <= 7).sort();
      if (days.length === 0 || days.length !== d.length) ctx.addIssue({ code: 'custom', message: 'choose at least one business day' });
      return days;
    }),
    open: time('09:00'),
    close: time('17:00'),
    holidays: z.string().transform((v) => v.split(/[\s,]+/).filter(Boolean))
      .refine((h) => h.every((d) => /^\d{4}-\d\d-\d\d$/.test(d) && !Number.isNaN(Date.parse(d))), 'dates like 2026-12-25, separated by commas'),
    firstReplyMinutes: z.string().trim().regex(/^\d{1,6}$/, 'a whole number of minutes above 0').transform(Number)
      .refine((n) => n > 0, 'a whole number of minutes above 0'),
    trustedRelays: z.string().transform(list).refine((r) => r.every((x) => /^([^@\s]+@)?[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(x.replace(/^@/, ''))),
      'addresses like noreply@shop.example or domains like shop.example, separated by commas'),
    dmarcNoneAction: action,
    dmarcTemperrorAction: action,
  })
  .superRefine((v, ctx) => {
    const valid = (t: string) => /^([01]\d|2[0-3]):[0-5]\d$/.test(t);
    if (valid(v.open) && valid(v.close) && v.close <= v.open) ctx.addIssue({ code: 'custom', path: ['close'], message: 'after the opening time' });
  })
  .transform(({ days, open, close, holidays, ...rest }): Partial<Mailbox> => ({ ...rest, businessHours: { days, open, close, holidays } }));

/** The form's text, as the admin typed it (and shown again with the errors). */
export type MailboxSettingsInput = z.input<typeof mailboxSettingsSchema>;

export function settingsInputOf(m: Mailbox): MailboxSettingsInput {
  return {
    matchThreshold: m.matchThreshold === null ? '' : String(m.matchThreshold),
    fallbackLanguages: m.fallbackLanguages.join(', '),
    autoSendMode: m.autoSendMode,
    autoSendMinConfidence: String(m.autoSendMinConfidence),
    timeZone: m.timeZone,
    days: m.businessHours.days.map(String),
    open: m.businessHours.open,
    close: m.businessHours.close,
    holidays: m.businessHours.holidays.join(', '),
    firstReplyMinutes: String(m.firstReplyMinutes),
    trustedRelays: m.trustedRelays.join(', '),
    dmarcNoneAction: m.dmarcNoneAction,
    dmarcTemperrorAction: m.dmarcTemperrorAction,
  };
}
