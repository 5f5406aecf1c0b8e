// A deliberately small header reader: the guard must be able to judge a message even when mailparser chokes on
// it (bounces and auto-replies are often malformed), and it must not pay for a 50 MB attachment to read 2 KB.

export interface RawHeaders {
  headers: Map<string, string[]>;
  headerBytes: number;
  truncated: boolean;
}

export const DEFAULT_MAX_HEADER_BYTES = 256 * 1024;

// RFC 5322 field-name: printable ASCII except ':' and space; anything else (an mbox "From " line, junk) is skipped.
const FIELD_NAME = /^[\x21-\x39\x3b-\x7e]+$/;
const utf8Strict = new TextDecoder('utf-8', { fatal: true });

/** Headers are mostly ASCII; 8-bit bytes are taken as UTF-8 when valid, otherwise latin1 (every byte maps). */
function decodeLine(bytes: Buffer): string {
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i]! >= 0x80) {
      try {
        return utf8Strict.decode(bytes);
      } catch {
        return bytes.toString('latin1');
      }
    }
  }
  return bytes.toString('latin1');
}

export function parseRawHeaders(raw: Buffer, opts: { maxHeaderBytes?: number } = {}): RawHeaders {
  const headers = new Map<string, string[]>();
  const requested = opts.maxHeaderBytes;
  const max = requested !== undefined && Number.isFinite(requested) && requested >= 0 ? requested : DEFAULT_MAX_HEADER_BYTES;
  try {
    // Only the head is ever searched, so cost is bounded by max, not by the message size.
    const head = raw.subarray(0, Math.min(raw.length, max));
    let name: string | undefined;
    let value = '';
    const flush = () => {
      if (name === undefined) return;
      const list = headers.get(name);
      if (list) list.push(value.trim());
      else headers.set(name, [value.trim()]);
      name = undefined;
    };
    let pos = 0;
    while (pos < head.length) {
      const lf = head.indexOf(0x0a, pos);
      if (lf === -1 && head.length < raw.length) {
        // The limit cut a line in half: drop the fragment rather than record half a value.
        flush();
        return { headers, headerBytes: pos, truncated: true };
      }
      const next = lf === -1 ? head.length : lf + 1;
      let end = lf === -1 ? head.length : lf;
      if (end > pos && head[end - 1] === 0x0d) end--;
      if (end === pos) {
        flush();
        return { headers, headerBytes: next, truncated: false };
      }
      const line = decodeLine(head.subarray(pos, end));
      pos = next;
      if (line[0] === ' ' || line[0] === '\t') {
        // Unfolding removes only the line break; the whitespace belongs to the value (RFC 5322 2.2.3).
        if (name !== undefined) value += line;
        continue;
      }
      flush();
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      const field = line.slice(0, colon).trimEnd().toLowerCase();
      if (!FIELD_NAME.test(field)) continue;
      name = field;
      value = line.slice(colon + 1);
    }
    flush();
    return { headers, headerBytes: head.length, truncated: head.length < raw.length };
  } catch {
    return { headers, headerBytes: 0, truncated: false };
  }
}

export function firstHeader(h: RawHeaders, name: string): string | undefined {
  return h.headers.get(name.toLowerCase())?.[0];
}

/**
 * Mailbox tokens from an address header, lowercased, including ones without a domain ("MAILER-DAEMON"),
 * because a bounce's sender is sometimes written that way and the guard still needs to recognise it.
 */
export function extractMailboxTokens(value: string): string[] {
  const out: string[] = [];
  let plain = '';
  let angle: string | undefined;
  let inAngle = false;
  const finish = () => {
    let candidate = angle !== undefined
      ? angle.slice(angle.lastIndexOf(':') + 1).replace(/\s+/g, '') // drop an obsolete source route "@a,@b:"
      // two linear passes: /\s*([.@])\s*/ backtracks quadratically on long runs of spaces
      : plain.trim().replace(/\s+/g, ' ').replace(/ ?([.@]) ?/g, '$1');
    // A bare mailbox has no spaces; in "John a@b" garbage keep the part that looks like an address.
    if (/\s/.test(candidate)) candidate = candidate.split(/\s+/).find((t) => t.includes('@')) ?? '';
    if (candidate && !/[<>(),;]/.test(candidate)) out.push(candidate.toLowerCase());
    plain = '';
    angle = undefined;
  };
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === '"') {
      let quoted = '"';
      for (i++; i < value.length && value[i] !== '"'; i++) {
        if (value[i] === '\\') i++;
        quoted += value[i] ?? '';
      }
      if (inAngle) angle += `${quoted}"`;
      else plain += `${quoted}"`;
    } else if (c === '(') {
      // Comments may appear anywhere, even inside an address (RFC 5322 appendix A.5).
      for (let depth = 0; i < value.length; i++) {
        if (value[i] === '\\') i++;
        else if (value[i] === '(') depth++;
        else if (value[i] === ')' && --depth === 0) break;
      }
    } else if (inAngle) {
      if (c === '>') inAngle = false;
      else angle += c;
    } else if (c === '<') {
      inAngle = true;
      angle = '';
    } else if (c === ',' || c === ';') {
      finish();
    } else if (c === ':') {
      plain = ''; // "group name:" introduces the group's members; the name itself is no address
    } else {
      plain += c;
    }
  }
  finish();
  return out;
}

const ADDRESS = /^[^\s@]+@[^\s@]+$/;
const CONTROL = /[\x00-\x1f\x7f]/;

/**
 * An address we may store, look up and write back into a header: it has an @, no control character (NUL cannot be
 * stored in a text column, CR/LF would smuggle headers) and fits the SMTP path limit.
 */
export function isUsableAddress(address: string): boolean {
  return address.includes('@') && address.length <= 320 && !CONTROL.test(address);
}

export function extractAddresses(value: string): string[] {
  try {
    return extractMailboxTokens(value).filter((t) => ADDRESS.test(t) && isUsableAddress(t) && !t.startsWith('@') && !t.endsWith('@'));
  } catch {
    return [];
  }
}

export function extractMessageIds(value: string): string[] {
  try {
    // control characters (NUL above all) can neither be stored in a text column nor go back out in a header
    const usable = (id: string) => id.length > 0 && !/[\s\x00-\x1f\x7f]/.test(id);
    const ids = [...value.matchAll(/<([^<>]*)>/g)].map((m) => m[1]!.trim()).filter(usable);
    if (ids.length > 0 || value.includes('<')) return ids;
    const bare = value.trim();
    return usable(bare) ? [bare] : [];
  } catch {
    return [];
  }
}

const CHARSETS: Record<string, BufferEncoding> = {
  'utf-8': 'utf8', utf8: 'utf8', 'iso-8859-1': 'latin1', iso8859_1: 'latin1', 'iso8859-1': 'latin1',
  latin1: 'latin1', 'us-ascii': 'latin1', ascii: 'latin1',
};
const ENCODED_WORD = /=\?([^?\s*]+)(?:\*[^?\s]*)?\?([bBqQ])\?([^?\s]*)\?=/g;

function wordBytes(encoding: string, text: string): Buffer {
  if (encoding.toLowerCase() === 'b') return Buffer.from(text, 'base64');
  const s = text.replace(/_/g, ' ').replace(/=([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return Buffer.from(s, 'latin1');
}

export function decodeEncodedWords(value: string): string {
  try {
    let out = '';
    let last = 0;
    // Adjacent words of one charset are decoded together: senders split multi-byte characters across words.
    let pending: { charset: BufferEncoding; bytes: Buffer[] } | undefined;
    const flushPending = () => {
      if (pending) out += Buffer.concat(pending.bytes).toString(pending.charset);
      pending = undefined;
    };
    for (const m of value.matchAll(ENCODED_WORD)) {
      const start = m.index;
      const charset = CHARSETS[m[1]!.toLowerCase()];
      if (!charset || (/b/i.test(m[2]!) && !/^[A-Za-z0-9+/]*=*$/.test(m[3]!))) continue;
      const between = value.slice(last, start);
      // Whitespace between two encoded words is folding, not content (RFC 2047 section 6.2).
      const adjacent = pending !== undefined && /^\s*$/.test(between);
      if (pending && (!adjacent || pending.charset !== charset)) flushPending();
      if (!pending) {
        if (!adjacent) out += between;
        pending = { charset, bytes: [] };
      }
      pending.bytes.push(wordBytes(m[2]!, m[3]!));
      last = start + m[0].length;
    }
    flushPending();
    return out + value.slice(last);
  } catch {
    return value;
  }
}
