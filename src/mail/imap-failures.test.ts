import { describe, expect, it } from 'vitest';
import { mailAlerts } from '../api/routes/ops.js';
import { failureKind } from './imap-failures.js';

describe('IMAP failure kinds', () => {
  it.each([
    ['imapflow: LOGIN answered NO', { message: 'Command failed', authenticationFailed: true, responseText: 'Authentication failed.' }, 'auth'],
    ['RFC 5530 response code only', { message: 'Command failed', serverResponseCode: 'AUTHENTICATIONFAILED' }, 'auth'],
    ['response code in the text', { message: 'Command failed', responseText: '[AUTHENTICATIONFAILED] Invalid credentials' }, 'auth'],
    ['connection refused', { message: 'connect ECONNREFUSED 127.0.0.1:993', code: 'ECONNREFUSED' }, 'network'],
    ['DNS', { message: 'getaddrinfo ENOTFOUND imap.example.test', code: 'ENOTFOUND' }, 'network'],
    ['greeting never came', { message: 'Failed to receive greeting from server in required time', code: 'GREETING_TIMEOUT' }, 'network'],
    ['lost during LOGIN (not a refusal)', { message: 'Connection not available', code: 'NoConnection' }, 'network'],
    ['untrusted certificate', { message: 'self-signed certificate', code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }, 'other'],
    ['no such mailbox', { message: 'Command failed', serverResponseCode: 'NONEXISTENT' }, 'other'],
    ['not an object', 'something odd', 'other'],
  ])('%s → %s', (_name, err, kind) => {
    expect(failureKind(err)).toBe(kind);
  });
});

describe('/health alert sentences', () => {
  const failing = { name: 'imap:help@shop.test@imap.shop.test:993/INBOX', kind: 'imap', connected: false, consecutiveFailures: 3,
    failingSince: '2026-11-23T21:03:40.000Z', nextRetryAt: '2026-11-23T21:05:12.400Z' };

  it('names the mailbox, the count, since when and the next attempt', () => {
    expect(mailAlerts([{ ...failing, authFailed: true }])).toEqual([
      'IMAP mailbox imap:help@shop.test@imap.shop.test:993/INBOX: login refused 3 times since 21:03 UTC (check the user name and password); next attempt at 21:05:12 UTC',
    ]);
    expect(mailAlerts([{ ...failing, authFailed: false, lastError: 'connect ECONNREFUSED 10.0.0.5:993', nextRetryAt: null }])).toEqual([
      'IMAP mailbox imap:help@shop.test@imap.shop.test:993/INBOX: cannot connect, 3 failures since 21:03 UTC (last: connect ECONNREFUSED 10.0.0.5:993); connecting now',
    ]);
  });

  it('says nothing about connected mailboxes, a first connection still under way, or the SMTP listener', () => {
    expect(mailAlerts([
      { ...failing, connected: true, consecutiveFailures: 0 },
      { ...failing, consecutiveFailures: 0, failingSince: null, nextRetryAt: null },
      { name: 'smtp-listener', connected: true },
    ])).toEqual([]);
  });
});
