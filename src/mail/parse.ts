import { simpleParser, type AddressObject } from 'mailparser';
import { pgText } from '../db/text.js';
import { decodeEncodedWords, extractAddresses, isUsableAddress, extractMessageIds, firstHeader, parseRawHeaders, type RawHeaders } from '../domain/raw-headers.js';

export interface ParseLimits {
  maxParseBytes: number;
  maxMimeParts: number;
  maxHeaderBytes: number;
  maxHtmlBytes: number;
  timeoutMs: number;
}

export type ParseFlag = 'empty' | 'too_large' | 'too_many_parts' | 'header_too_long' | 'html_truncated' | 'parse_timeout' | 'parse_error';

export interface ParsedMessage {
  headers: RawHeaders;
  messageId: string | null;
  inReplyTo: string | null;
  references: string[];
  from: { address: string; name: string | null } | null;
  replyTo: string | null;
  subject: string;
  text: string;
  html: string | null;
  date: Date | null;
  attachments: { filename: string | null; contentType: string; size: number }[];
  flags: ParseFlag[];
  /** mailparser could not read the message at all: only the raw headers are known. */
  parseFailed: boolean;
  error?: string;
}

/**
 * Parse under explicit bounds. Whatever goes wrong, this returns what the raw headers tell and flags the
 * message for a human: a 50 MB message or a MIME bomb is never handed to the full parser.
 */
export async function parseBounded(raw: Buffer, limits: ParseLimits): Promise<ParsedMessage> {
  return storable(await parseWithin(raw, limits));
}

/** Every string of the result is storable text: broken encodings decode to NUL and lone surrogates, which no text
 * column and no outgoing header can take. */
function storable(p: ParsedMessage): ParsedMessage {
  return {
    ...p,
    subject: pgText(p.subject),
    text: pgText(p.text),
    html: pgText(p.html),
    from: p.from ? { address: p.from.address, name: pgText(p.from.name) } : null,
    // mailparser leaves contentType unset for a part whose Content-Type header is empty
    attachments: p.attachments.map((a) => ({ ...a, filename: pgText(a.filename), contentType: typeof a.contentType === 'string' ? pgText(a.contentType) : 'application/octet-stream' })),
  };
}

async function parseWithin(raw: Buffer, limits: ParseLimits): Promise<ParsedMessage> {
  const headers = parseRawHeaders(raw, { maxHeaderBytes: limits.maxHeaderBytes });
  const base = fromRawHeaders(headers);
  if (headers.truncated) base.flags.push('header_too_long');
  // Kept rather than refused: whatever arrived is stored and shown to a human, even nothing at all.
  if (raw.length === 0 || headers.headers.size === 0) return { ...base, flags: [...base.flags, 'empty'], parseFailed: true };
  if (raw.length > limits.maxParseBytes) return { ...base, flags: [...base.flags, 'too_large'] };
  if (countPartHeaders(raw, limits.maxMimeParts + 1) > limits.maxMimeParts) {
    return { ...base, flags: [...base.flags, 'too_many_parts'] };
  }
  try {
    return await withTimeout(fullParse(raw, base, limits), limits.timeoutMs);
  } catch (err) {
    const timedOut = err instanceof ParseTimeout;
    return { ...base, flags: [...base.flags, timedOut ? 'parse_timeout' : 'parse_error'], parseFailed: !timedOut, error: String(err) };
  }
}

async function fullParse(raw: Buffer, base: ParsedMessage, limits: ParseLimits): Promise<ParsedMessage> {
  const mail = await simpleParser(raw, {
    skipImageLinks: true,
    skipTextToHtml: true,
    skipTextLinks: true,
    maxHtmlLengthToParse: limits.maxHtmlBytes,
  } as Parameters<typeof simpleParser>[1]);
  const flags = [...base.flags];
  let html = typeof mail.html === 'string' ? mail.html : null;
  if (html && html.length > limits.maxHtmlBytes) {
    html = html.slice(0, limits.maxHtmlBytes);
    flags.push('html_truncated');
  }
  const from = firstAddress(mail.from);
  return {
    ...base,
    from: from ?? base.from,
    replyTo: firstAddress(mail.replyTo)?.address ?? base.replyTo,
    subject: mail.subject ?? base.subject,
    text: mail.text ?? '',
    html,
    date: storableDate(mail.date) ?? base.date,
    attachments: mail.attachments.map((a) => ({ filename: a.filename ?? null, contentType: a.contentType, size: a.size })),
    flags,
  };
}

function fromRawHeaders(headers: RawHeaders): ParsedMessage {
  const fromValue = firstHeader(headers, 'from') ?? '';
  const fromAddress = extractAddresses(fromValue)[0];
  const date = new Date(firstHeader(headers, 'date') ?? '');
  return {
    headers,
    messageId: extractMessageIds(firstHeader(headers, 'message-id') ?? '')[0] ?? null,
    inReplyTo: extractMessageIds(firstHeader(headers, 'in-reply-to') ?? '')[0] ?? null,
    references: extractMessageIds(firstHeader(headers, 'references') ?? ''),
    from: fromAddress ? { address: fromAddress, name: displayName(fromValue) } : null,
    replyTo: extractAddresses(firstHeader(headers, 'reply-to') ?? '')[0] ?? null,
    subject: decodeEncodedWords(firstHeader(headers, 'subject') ?? ''),
    text: '',
    html: null,
    date: storableDate(date),
    attachments: [],
    flags: [],
    parseFailed: false,
  };
}

function firstAddress(value: AddressObject | AddressObject[] | undefined): { address: string; name: string | null } | null {
  const list = Array.isArray(value) ? value : value ? [value] : [];
  for (const group of list) {
    for (const entry of group.value) {
      const address = entry.address ?? entry.group?.[0]?.address;
      if (address && isUsableAddress(address)) return { address: address.toLowerCase(), name: entry.name || null };
    }
  }
  return null;
}

function displayName(fromValue: string): string | null {
  const match = /^\s*"?([^"<]*?)"?\s*</.exec(decodeEncodedWords(fromValue));
  return match?.[1]?.trim() || null;
}

/** Counts Content-Type headers at line starts: a cheap upper bound on MIME parts, stopping at `stopAt`. */
function countPartHeaders(raw: Buffer, stopAt: number): number {
  const text = raw.toString('latin1');
  const pattern = /^content-type:/gim;
  let count = 0;
  while (pattern.exec(text) && count < stopAt) count++;
  return count;
}

class ParseTimeout extends Error {}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ParseTimeout(`parse took longer than ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** A Date header the database can store (years 1-9999); anything else is treated as absent. */
function storableDate(date: Date | undefined | null): Date | null {
  if (!date || Number.isNaN(date.getTime())) return null;
  const year = date.getUTCFullYear();
  return year >= 1 && year <= 9999 ? date : null;
}
