import { describe, expect, it } from 'vitest';
import { chooseAcknowledgementRecipient, organisationalDomain, type RecipientInput } from './acknowledgement-recipient.js';

const base: RecipientInput = { from: 'anna@customer.example', replyTo: null, trustedRelays: [], dmarc: 'pass', authSkipped: false };

describe('chooseAcknowledgementRecipient', () => {
  it.each<[string, Partial<RecipientInput>, { address: string; why: string; proven: boolean; ignoredReplyTo?: string }]>([
    ['From alone', {}, { address: 'anna@customer.example', why: 'from', proven: true }],
    ['Reply-To equal to From', { replyTo: 'ANNA@customer.example' }, { address: 'anna@customer.example', why: 'from', proven: true }],
    ['contact form on its own domain', { from: 'forms@shop.example', replyTo: 'customer@shop.example' },
      { address: 'customer@shop.example', why: 'reply_to_same_domain', proven: true }],
    ['Reply-To on the organisational domain', { from: 'forms@mail.shop.co.uk', replyTo: 'bob@shop.co.uk' },
      { address: 'bob@shop.co.uk', why: 'reply_to_same_domain', proven: true }],
    ['backscatter: Reply-To on a stranger\'s domain', { from: 'spam@attacker.example', replyTo: 'victim@victim.example' },
      { address: 'spam@attacker.example', why: 'reply_to_not_trusted', proven: true, ignoredReplyTo: 'victim@victim.example' }],
    ['a public suffix is no shared domain', { from: 'a@x.co.uk', replyTo: 'b@y.co.uk' },
      { address: 'a@x.co.uk', why: 'reply_to_not_trusted', proven: true, ignoredReplyTo: 'b@y.co.uk' }],
    ['trusted relay by address', { from: 'noreply@ourshop.example', replyTo: 'carl@gmail.example', trustedRelays: ['NoReply@ourshop.example'] },
      { address: 'carl@gmail.example', why: 'reply_to_trusted_relay', proven: true }],
    ['trusted relay by domain', { from: 'forms@ourshop.example', replyTo: 'carl@gmail.example', trustedRelays: ['@ourshop.example'] },
      { address: 'carl@gmail.example', why: 'reply_to_trusted_relay', proven: true }],
    ['a trusted relay whose From is not proven is not trusted', { from: 'noreply@ourshop.example', replyTo: 'victim@victim.example', trustedRelays: ['ourshop.example'], dmarc: 'none' },
      { address: 'noreply@ourshop.example', why: 'reply_to_not_trusted', proven: false, ignoredReplyTo: 'victim@victim.example' }],
    ['a look-alike of a trusted relay is not trusted', { from: 'noreply@\u043eurshop.example', replyTo: 'v@victim.example', trustedRelays: ['noreply@xurshop.example'] },
      { address: 'noreply@\u043eurshop.example', why: 'reply_to_not_trusted', proven: true, ignoredReplyTo: 'v@victim.example' }],
    ['no DMARC: the From address, not proven', { dmarc: 'none' }, { address: 'anna@customer.example', why: 'from', proven: false }],
    ['sender checks off: the admin vouches', { dmarc: null, authSkipped: true, from: 'f@relay.example', replyTo: 'c@c.example', trustedRelays: ['relay.example'] },
      { address: 'c@c.example', why: 'reply_to_trusted_relay', proven: true }],
  ])('%s', (_, input, expected) => {
    expect(chooseAcknowledgementRecipient({ ...base, ...input })).toEqual(expected);
  });

  it('has no one to answer without a From address', () => {
    expect(chooseAcknowledgementRecipient({ ...base, from: null, replyTo: 'victim@victim.example' })).toBeNull();
  });

  it('finds organisational domains by the public suffix list', () => {
    expect(organisationalDomain('a.b.shop.co.uk')).toBe('shop.co.uk');
    expect(organisationalDomain('localhost')).toBe('localhost');
  });
});
