import { describe, expect, it } from 'vitest';
import { canonicalLink, findLinks, LINK_REMOVED, restrictLinks } from './links.js';

const ALLOWED = ['https://kb.example.com/articles/reset-password', 'https://kb.example.com/a?x=1', 'http://legacy.example.org/faq/'];
const X = LINK_REMOVED;

describe('restrictLinks', () => {
  it.each<{ name: string; text: string; out: string; stripped?: string[] }>([
    // kept
    { name: 'allowed URL', text: 'See https://kb.example.com/articles/reset-password for details.', out: 'See https://kb.example.com/articles/reset-password for details.' },
    { name: 'allowed URL with trailing slash', text: 'https://kb.example.com/articles/reset-password/', out: 'https://kb.example.com/articles/reset-password/' },
    { name: 'allowed URL with a fragment', text: 'Step 2: https://kb.example.com/articles/reset-password#step-2.', out: 'Step 2: https://kb.example.com/articles/reset-password#step-2.' },
    { name: 'allowed URL, allowed one had a trailing slash', text: 'http://legacy.example.org/faq', out: 'http://legacy.example.org/faq' },
    { name: 'allowed URL with its exact query', text: 'https://kb.example.com/a?x=1', out: 'https://kb.example.com/a?x=1' },
    { name: 'host case does not matter', text: 'HTTPS://KB.EXAMPLE.COM/articles/reset-password', out: 'HTTPS://KB.EXAMPLE.COM/articles/reset-password' },
    { name: 'allowed URL in parentheses', text: '(see https://kb.example.com/articles/reset-password)', out: '(see https://kb.example.com/articles/reset-password)' },
    { name: 'allowed URL at the end of a sentence', text: 'Read https://kb.example.com/articles/reset-password.', out: 'Read https://kb.example.com/articles/reset-password.' },
    { name: 'allowed URL in angle brackets', text: '<https://kb.example.com/articles/reset-password>', out: 'https://kb.example.com/articles/reset-password' },
    { name: 'allowed URL as bare domain', text: 'kb.example.com/articles/reset-password', out: 'kb.example.com/articles/reset-password' },
    { name: 'allowed markdown link becomes text (url)', text: 'Read [the guide](https://kb.example.com/articles/reset-password).', out: 'Read the guide (https://kb.example.com/articles/reset-password).' },
    { name: 'allowed URL before CJK punctuation', text: '请看https://kb.example.com/articles/reset-password。', out: '请看https://kb.example.com/articles/reset-password。' },
    // stripped
    { name: 'allowed URL with an extra query string', text: 'https://kb.example.com/articles/reset-password?utm_source=x', out: X, stripped: ['https://kb.example.com/articles/reset-password?utm_source=x'] },
    { name: 'allowed URL with a different query value', text: 'https://kb.example.com/a?x=2', out: X, stripped: ['https://kb.example.com/a?x=2'] },
    { name: 'allowed path under another scheme', text: 'http://kb.example.com/articles/reset-password', out: X, stripped: ['http://kb.example.com/articles/reset-password'] },
    { name: 'a longer path', text: 'https://kb.example.com/articles/reset-password/evil', out: X, stripped: ['https://kb.example.com/articles/reset-password/evil'] },
    { name: 'foreign http URL', text: 'Go to http://evil.example/login now', out: `Go to ${X} now`, stripped: ['http://evil.example/login'] },
    { name: 'foreign URL in parentheses', text: '(see https://evil.example/a)', out: `(see ${X})`, stripped: ['https://evil.example/a'] },
    { name: 'foreign URL with balanced parentheses', text: 'https://evil.example/wiki/Foo_(bar), ok', out: `${X}, ok`, stripped: ['https://evil.example/wiki/Foo_(bar)'] },
    { name: 'unicode look-alike host (Cyrillic а)', text: 'https://kb.exаmple.com/articles/reset-password', out: X, stripped: ['https://kb.exаmple.com/articles/reset-password'] },
    { name: 'look-alike bare domain', text: 'kb.exаmple.com/articles/reset-password', out: X, stripped: ['kb.exаmple.com/articles/reset-password'] },
    { name: 'look-alike TLD (Cyrillic о)', text: 'visit evil.cоm today', out: `visit ${X} today`, stripped: ['evil.cоm'] },
    { name: 'punycode host', text: 'https://xn--kb-exmple-9na.com/', out: X, stripped: ['https://xn--kb-exmple-9na.com/'] },
    { name: 'credentials that hide the host', text: 'https://kb.example.com@evil.example/articles/reset-password', out: X, stripped: ['https://kb.example.com@evil.example/articles/reset-password'] },
    { name: 'www. name', text: 'Visit www.evil.example/x, ok', out: `Visit ${X}, ok`, stripped: ['www.evil.example/x'] },
    { name: 'bare domain with path', text: 'go to evil.example/path now', out: `go to ${X} now`, stripped: ['evil.example/path'] },
    { name: 'bare domain', text: 'evil.com and evil.ru!', out: `${X} and ${X}!`, stripped: ['evil.com', 'evil.ru'] },
    { name: 'bare domain with port', text: 'evil.example:8080', out: X, stripped: ['evil.example:8080'] },
    { name: 'protocol-relative', text: '//evil.example/x', out: X, stripped: ['//evil.example/x'] },
    { name: 'markdown link to a foreign URL', text: 'Please [click here](http://evil.example/claim "refund") today', out: `Please ${X} today`, stripped: ['http://evil.example/claim'] },
    { name: 'markdown link hiding an allowed URL behind foreign text', text: '[http://evil.example](https://kb.example.com/articles/reset-password)', out: `${X} (https://kb.example.com/articles/reset-password)`, stripped: ['http://evil.example'] },
    { name: 'markdown image', text: '![pixel](https://evil.example/p.gif)', out: X, stripped: ['https://evil.example/p.gif'] },
    { name: 'mailto', text: 'write to mailto:attacker@evil.example', out: `write to ${X}`, stripped: ['mailto:attacker@evil.example'] },
    { name: 'email address', text: 'Reply to attacker@evil.example.', out: `Reply to ${X}.`, stripped: ['attacker@evil.example'] },
    { name: 'javascript: URL', text: 'javascript:alert(1)', out: X, stripped: ['javascript:alert(1)'] },
    { name: 'angle-bracket autolink', text: '<https://evil.example/x>', out: X, stripped: ['https://evil.example/x'] },
    { name: 'other scheme', text: 'ftp://evil.example/file', out: X, stripped: ['ftp://evil.example/file'] },
    { name: 'IP address with path', text: 'open 192.168.1.10/admin', out: `open ${X}`, stripped: ['192.168.1.10/admin'] },
    { name: 'IP address', text: 'ping 10.0.0.1.', out: `ping ${X}.`, stripped: ['10.0.0.1'] },
    { name: 'URL glued to Chinese text', text: '请访问https://evil.example/path。谢谢', out: `请访问${X}。谢谢`, stripped: ['https://evil.example/path'] },
    { name: 'URL in bold', text: '**https://evil.example**', out: `**${X}**`, stripped: ['https://evil.example'] },
    { name: 'the same link twice is reported once', text: 'evil.com, evil.com', out: `${X}, ${X}`, stripped: ['evil.com'] },
    // prose left alone
    { name: 'abbreviations, versions and file names', text: 'e.g. i.e. v2.3.1 report.pdf Node.js 1.2.3 a.m.', out: 'e.g. i.e. v2.3.1 report.pdf Node.js 1.2.3 a.m.' },
    { name: 'a missing space after a sentence', text: 'Thanks.Hello world. Mr.Smith said so.', out: 'Thanks.Hello world. Mr.Smith said so.' },
    { name: 'an invalid IP-like number', text: 'order 300.1.2.999', out: 'order 300.1.2.999' },
    { name: 'a colon after a word', text: 'Note: data: 5 items', out: 'Note: data: 5 items' },
    { name: 'the marker itself', text: `already ${X}`, out: `already ${X}` },
  ])('$name', ({ text, out, stripped = [] }) => {
    expect(restrictLinks(text, ALLOWED)).toEqual({ text: out, stripped });
  });

  it('strips everything when nothing is allowed', () => {
    expect(restrictLinks('a https://kb.example.com/articles/reset-password b', [])).toEqual({
      text: `a ${X} b`,
      stripped: ['https://kb.example.com/articles/reset-password'],
    });
  });

  it('keeps an address when its mailto: is allowed', () => {
    expect(restrictLinks('write to help@example.com', ['mailto:Help@Example.com']).text).toBe('write to help@example.com');
  });
});

describe('canonicalLink', () => {
  it.each([
    ['https://KB.example.com:443/a/#x', 'https://kb.example.com/a'],
    ['https://kb.example.com/', 'https://kb.example.com'],
    ['www.example.com/a', 'https://www.example.com/a'],
    ['https://exаmple.com/a', 'https://xn--exmple-4nf.com/a'],
    ['mailto:A@B.example', 'mailto:a@b.example'],
    ['a@b.example', 'mailto:a@b.example'],
    ['javascript:alert(1)', null],
    ['https://user:pw@example.com/', null],
  ])('%s → %s', (link, canonical) => {
    expect(canonicalLink(link)).toBe(canonical);
  });
});

describe('findLinks', () => {
  it('finds the links of a Markdown text, as written', () => {
    expect(findLinks('Open [Billing](https://app.example.com/billing), www.example.com or billing@example.com.')).toEqual([
      'https://app.example.com/billing',
      'www.example.com',
      'billing@example.com',
    ]);
  });
});
