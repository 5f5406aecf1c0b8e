import { describe, expect, it } from 'vitest';
import { mailboxUpdate, type MailboxValues } from './mailbox-form.js';

const base: MailboxValues = {
  matchThreshold: '', fallbackLanguages: '', autoSendMode: 'off', autoSendMinConfidence: '0.9', escalationRules: '',
  timeZone: 'Europe/Berlin', days: ['1', '2', '3', '4', '5'], open: '09:00', close: '17:00', holidays: '', firstReplyMinutes: '240',
  trustedRelays: '', dmarcNoneAction: 'acknowledge', dmarcTemperrorAction: 'withhold',
};

describe('mailboxUpdate: who gets automatic mail', () => {
  it.each<[string, Partial<MailboxValues>, Record<string, unknown>]>([
    ['no trusted relay', {}, { trustedRelays: [], dmarcNoneAction: 'acknowledge', dmarcTemperrorAction: 'withhold' }],
    ['addresses and domains, deduplicated and lower-cased', { trustedRelays: 'NoReply@OurShop.example, forms.example,noreply@ourshop.example' },
      { trustedRelays: ['noreply@ourshop.example', 'forms.example'] }],
    ['both actions chosen', { dmarcNoneAction: 'withhold', dmarcTemperrorAction: 'acknowledge' }, { dmarcNoneAction: 'withhold', dmarcTemperrorAction: 'acknowledge' }],
  ])('%s', (_, values, expected) => {
    const result = mailboxUpdate({ ...base, ...values });
    expect('update' in result && result.update).toMatchObject(expected);
  });

  it.each<[string, Partial<MailboxValues>, string]>([
    ['a relay that is no address or domain', { trustedRelays: 'not a domain' }, 'trustedRelays'],
    ['an unknown action', { dmarcTemperrorAction: 'maybe' }, 'dmarcTemperrorAction'],
  ])('refuses %s', (_, values, field) => {
    const result = mailboxUpdate({ ...base, ...values });
    expect('errors' in result && Object.keys(result.errors)).toEqual([field]);
  });
});
