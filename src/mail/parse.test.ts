import { describe, expect, it } from 'vitest';
import { parseBounded, type ParseLimits } from './parse.js';

const LIMITS: ParseLimits = { maxParseBytes: 1024 * 1024, maxMimeParts: 50, maxHeaderBytes: 64 * 1024, maxHtmlBytes: 1024 * 1024, timeoutMs: 5000 };
const CONTROL = /[\x00-\x1f\x7f]/;

describe('parseBounded: only addresses we can store and answer', () => {
  it.each([
    ['a plain Reply-To is used', 'From: a@a.example\r\nReply-To: <b@c.example>\r\n\r\nhi', 'a@a.example', 'b@c.example'],
    // mailparser drops the control characters from a well-formed header block
    ['NUL inside a Reply-To', 'From: a@a.example\r\nReply-To: <a\u0000b@c>\r\n\r\nhi', 'a@a.example', 'ab@c'],
    ['an escape character inside From', 'From: <x\u001by@c.example>\r\n\r\nhi', 'xy@c.example', null],
    // found by test/fuzz.test.ts: with bare CRs the whole block is one From header, read by our own header reader;
    // the NUL address it held reached a query and PostgreSQL refused it
    ['bare CRs fold the block into one From with NUL', `From: a@a.aa\rIn-Reply-To: <a\u0000b@c>\rContent-Type: text/plain\r\r${'a'.repeat(50)}\r`, null, null],
  ])('%s', async (_, text, from, replyTo) => {
    const parsed = await parseBounded(Buffer.from(text, 'utf8'), LIMITS);
    expect(parsed.from?.address ?? null).toBe(from);
    expect(parsed.replyTo).toBe(replyTo);
    for (const address of [parsed.from?.address, parsed.replyTo]) expect(address ?? '').not.toMatch(CONTROL);
  });
});

describe('parseBounded: only text we can store', () => {
  it.each([
    // found by test/fuzz.test.ts: mailparser decodes this broken ISO-2022-JP word to two lone surrogates
    ['a broken ISO-2022-JP encoded word', 'Subject: =?ISO-2022-JP?B?9BA=?=\r\nContent-Type: text/plain\r\n\r\nhi', '\uFFFD\uFFFD'],
    ['NUL inside an encoded word', 'Subject: =?utf-8?B?YQBi?=\r\n\r\nhi', 'a\uFFFDb'],
    ['a well-formed pair is kept', 'Subject: =?utf-8?B?8J+Yig==?=\r\n\r\nhi', '\u{1F60A}'],
  ])('%s', async (_, text, subject) => {
    const parsed = await parseBounded(Buffer.from(text, 'latin1'), LIMITS);
    expect(parsed.subject).toBe(subject);
  });
});

