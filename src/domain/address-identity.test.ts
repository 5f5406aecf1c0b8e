import { describe, expect, it } from 'vitest';
import { foldAddress, foldedLocalPart, sameAddress, senderCapKey } from './address-identity.js';

describe('foldAddress: look-alikes read as the address they imitate', () => {
  it.each([
    ['Cyrillic о', 'supp\u043ert@example.com', 'support@example.com'],
    ['fullwidth letters', '\uff53\uff55\uff50\uff50\uff4f\uff52\uff54@example.com', 'support@example.com'],
    ['upper case', 'Support@Example.COM', 'support@example.com'],
    ['Cyrillic о in no-reply', 'n\u043e-reply@shop.example', 'no-reply@shop.example'],
    ['Unicode hyphen U+2010', 'mailer\u2010daemon@mx.example', 'mailer-daemon@mx.example'],
    ['Greek omicron, Cyrillic а', 'p\u03bfstm\u0430ster@mx.example', 'postmaster@mx.example'],
    ['zero-width space hidden inside', 'supp\u200bort@example.com', 'support@example.com'],
    ['ASCII is left alone (no m → rn)', 'mom1@example.com', 'mom1@example.com'],
  ])('%s', (_, input, folded) => {
    expect(foldAddress(input)).toBe(folded);
  });

  it('keeps different people different', () => {
    expect(sameAddress('anna@example.com', 'anne@example.com')).toBe(false);
    expect(sameAddress('supp\u043ert@example.com', 'SUPPORT@example.com')).toBe(true);
  });

  it('gives the folded local part', () => {
    expect(foldedLocalPart('MAILER\u2010DAEMON@mx.example')).toBe('mailer-daemon');
  });
});

describe('senderCapKey: one key per mailbox, however it is dressed', () => {
  it.each([
    ['user+1@example.com', 'user@example.com'],
    ['User+Promo-2@Example.com', 'user@example.com'],
    ['\uff55ser+x@example.com', 'user@example.com'],
    ['user@example.com', 'user@example.com'],
    // a local part that starts with + is not a tag on anything
    ['+1@example.com', '+1@example.com'],
  ])('%s → %s', (input, key) => {
    expect(senderCapKey(input)).toBe(key);
  });
});
