import { describe, expect, it } from 'vitest';
import { mailboxSettingsSchema, type MailboxSettingsInput as MailboxValues } from './settings-input.js';

function mailboxUpdate(v: MailboxValues): { update: Record<string, unknown> } | { errors: Record<string, string> } {
  const r = mailboxSettingsSchema.safeParse(v);
  return r.success ? { update: r.data } : { errors: Object.fromEntries(r.error.issues.map((i) => [String(i.path[0]), i.message])) };
}

const base: MailboxValues = {
  matchThreshold: '', fallbackLanguages: '', autoSendMode: 'off', autoSendMinConfidence: '0.9',
  timeZone: 'Europe/Berlin', days: ['1', '2', '3', '4', '5'], open: '09:00', close: '17:00', holidays: '', firstReplyMinutes: '240',
  trustedRelays: '', dmarcNoneAction: 'acknowledge', dmarcTemperrorAction: 'withhold',
};

describe('mailbox settings: who gets automatic mail', () => {
  it.each<[string, Partial<MailboxValues>, Record<string, unknown>]>([
    ['no trusted relay', {}, { trustedRelays: [], dmarcNoneAction: 'acknowledge', dmarcTemperrorAction: 'withhold' }],
    ['addresses and domains, deduplicated and lower-cased', { trustedRelays: 'NoReply@OurShop.example, forms.example,noreply@ourshop.example' },
      { trustedRelays: ['noreply@ourshop.example', 'forms.example'] }],
    ['an empty threshold is the calibrated one', { matchThreshold: '' }, { matchThreshold: null }],
    ['business hours together', { days: ['5', '1'], holidays: '2026-12-25 2026-12-26' },
      { businessHours: { days: [1, 5], open: '09:00', close: '17:00', holidays: ['2026-12-25', '2026-12-26'] }, firstReplyMinutes: 240 }],
    ['both actions chosen', { dmarcNoneAction: 'withhold', dmarcTemperrorAction: 'acknowledge' }, { dmarcNoneAction: 'withhold', dmarcTemperrorAction: 'acknowledge' }],
  ])('%s', (_, values, expected) => {
    const result = mailboxUpdate({ ...base, ...values });
    expect('update' in result && result.update).toMatchObject(expected);
  });

  it.each<[string, Partial<MailboxValues>, string]>([
    ['a relay that is no address or domain', { trustedRelays: 'not a domain' }, 'trustedRelays'],
    ['an unknown action', { dmarcTemperrorAction: 'maybe' }, 'dmarcTemperrorAction'],
    ['a threshold above 1', { matchThreshold: '1.2' }, 'matchThreshold'],
    ['a language name instead of its code', { fallbackLanguages: 'english' }, 'fallbackLanguages'],
    ['an unknown auto-send mode', { autoSendMode: 'always' }, 'autoSendMode'],
    ['no business day', { days: [] }, 'days'],
    ['a day number out of range', { days: ['1', '9'] }, 'days'],
    ['closing before opening', { open: '17:00', close: '09:00' }, 'close'],
    ['a time zone that does not exist', { timeZone: 'Mars/Olympus' }, 'timeZone'],
    ['a holiday that is no date', { holidays: '2026-12-25, Christmas' }, 'holidays'],
    ['zero first-reply minutes', { firstReplyMinutes: '0' }, 'firstReplyMinutes'],
  ])('refuses %s', (_, values, field) => {
    const result = mailboxUpdate({ ...base, ...values });
    expect('errors' in result && Object.keys(result.errors)).toEqual([field]);
  });
});
