import { describe, expect, it } from 'vitest';
import {
  decodeEncodedWords, extractAddresses, extractMessageIds, firstHeader, parseRawHeaders,
} from './raw-headers.js';

const parse = (text: string, opts?: { maxHeaderBytes?: number }) => parseRawHeaders(Buffer.from(text, 'utf8'), opts);

describe('parseRawHeaders', () => {
  it.each([
    ['CRLF block ends at the empty line', 'From: a@b\r\nSubject: hi\r\n\r\nBody: no', 'subject', ['hi']],
    ['LF only', 'From: a@b\nSubject: hi\n\nBody: no', 'body', undefined],
    ['folding with a space', 'Subject: one\r\n two\r\n\r\n', 'subject', ['one two']],
    ['folding with a tab keeps the tab', 'Subject: one\r\n\ttwo\r\n\r\n', 'subject', ['one\ttwo']],
    ['names are lowercased, repeats kept in order', 'Received: 1\r\nRECEIVED: 2\r\n\r\n', 'received', ['1', '2']],
    ['space before the colon', 'Subject : hi\r\n\r\n', 'subject', ['hi']],
    ['mbox From_ line is ignored', 'From MAILER-DAEMON  Mon Sep 20 19:29:27 2021\nFrom: a@b\n\n', 'from', ['a@b']],
    ['junk lines are skipped', 'garbage line\r\nTo: x@y\r\n\r\n', 'to', ['x@y']],
    ['continuation before any header is ignored', ' lost\r\nTo: x@y\r\n\r\n', 'to', ['x@y']],
    ['headers without a body', 'To: x@y', 'to', ['x@y']],
    ['empty value', 'X-Empty:\r\n\r\n', 'x-empty', ['']],
  ])('%s', (_, text, name, expected) => {
    expect(parse(text).headers.get(name)).toEqual(expected);
  });

  it('decodes 8-bit header bytes as UTF-8 when valid, latin1 otherwise', () => {
    expect(firstHeader(parse('Subject: Grüße\r\n\r\n'), 'Subject')).toBe('Grüße');
    const latin1 = parseRawHeaders(Buffer.from('Subject: Gr\xfc\xdfe\r\n\r\n', 'latin1'));
    expect(firstHeader(latin1, 'subject')).toBe('Grüße');
  });

  it('reports where the header block ends', () => {
    const h = parse('A: 1\r\n\r\nbody');
    expect(h).toMatchObject({ headerBytes: 8, truncated: false });
  });

  it('stops at maxHeaderBytes and drops the half line', () => {
    const text = `Subject: x\r\nX-Huge: ${'a'.repeat(10_000)}\r\n\r\nbody`;
    const h = parse(text, { maxHeaderBytes: 1000 });
    expect(h.truncated).toBe(true);
    expect(h.headerBytes).toBe(12);
    expect(h.headers.get('subject')).toEqual(['x']);
    expect(h.headers.has('x-huge')).toBe(false);
  });

  it('truncates an endless header block at the default limit', () => {
    const h = parse('X-Spam: y\r\n'.repeat(100_000));
    expect(h.truncated).toBe(true);
    expect(h.headerBytes).toBeLessThanOrEqual(256 * 1024);
  });

  it('only reads the head of a 50 MB message', () => {
    const raw = Buffer.concat([Buffer.from('From: a@b\r\nSubject: big\r\n\r\n'), Buffer.alloc(50 * 1024 * 1024, 0x41)]);
    const h = parseRawHeaders(raw);
    expect(h.headerBytes).toBe(27);
    expect(h.truncated).toBe(false);
    expect(firstHeader(h, 'subject')).toBe('big');
  });

  it('never throws on binary garbage', () => {
    const raw = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7919) % 256));
    expect(() => parseRawHeaders(raw)).not.toThrow();
    expect(() => parseRawHeaders(Buffer.alloc(0))).not.toThrow();
  });
});

describe('extractAddresses', () => {
  it.each([
    ['a@b.example', ['a@b.example']],
    ['"Doe, John" <John.Doe@Example.COM>', ['john.doe@example.com']],
    ['Jane <jane@x.example>, bob@y.example', ['jane@x.example', 'bob@y.example']],
    ['bob@y.example (Bob Smith)', ['bob@y.example']],
    ['Pete(A wonderful \\) chap) <pete(his account)@silly.test(his host)>', ['pete@silly.test']],
    ['A Group:Ed <ed@e.example>,joe@j.example;, Mary <mary@m.example>', ['ed@e.example', 'joe@j.example', 'mary@m.example']],
    ['undisclosed-recipients:;', []],
    ['<>', []],
    ['<@relay.example:user@host.example>', ['user@host.example']],
    ['MAILER-DAEMON (Mail Delivery System)', []],
    ['"a@fake.example" <real@x.example>', ['real@x.example']],
    ['<<<>>> ,,, @@ ::: (((', []],
    ['<a\u0000b@c>', []],
    ['a\u001bb@c.example, ok@c.example', ['ok@c.example']],
    [`<${'a'.repeat(320)}@c.example>`, []],
    ['', []],
  ])('%s', (value, expected) => {
    expect(extractAddresses(value)).toEqual(expected);
  });
});

describe('extractMessageIds', () => {
  it.each([
    ['<abc@x.example>', ['abc@x.example']],
    ['<a@x> <b@y>\t<c@z>', ['a@x', 'b@y', 'c@z']],
    ['<a@x> (message from Joe)', ['a@x']],
    ['bare@x.example', ['bare@x.example']],
    ['two bare@ids', []],
    ['<>', []],
    ['', []],
  ])('%s', (value, expected) => {
    expect(extractMessageIds(value)).toEqual(expected);
  });
});

describe('decodeEncodedWords', () => {
  it.each([
    ['=?utf-8?B?R3LDvMOfZQ==?=', 'Grüße'],
    ['=?UTF-8?Q?Gr=C3=BC=C3=9Fe_dich?=', 'Grüße dich'],
    ['=?iso-8859-1?q?R=E9ponse?= automatique', 'Réponse automatique'],
    ['=?us-ascii?Q?Out_of_Office?=', 'Out of Office'],
    ['=?utf-8?Q?a?= =?utf-8?Q?b?=', 'ab'],
    ['=?utf-8?Q?a?=\t=?iso-8859-1?Q?b?=', 'ab'],
    ['=?utf-8?Q?=C3?= =?utf-8?Q?=BC?=', 'ü'],
    ['x =?utf-8?Q?a?= y', 'x a y'],
    ['=?koi8-r?B?8NLJ18XU?=', '=?koi8-r?B?8NLJ18XU?='],
    ['=?utf-8*en?Q?hi?=', 'hi'],
    ['=?utf-8?B?###?=', '=?utf-8?B?###?='],
    ['plain text', 'plain text'],
  ])('%s', (value, expected) => {
    expect(decodeEncodedWords(value)).toBe(expected);
  });
});
