// A deliberately small front-matter dialect: a YAML subset with string values and string lists only, enough for
// article metadata without a YAML dependency. The writer emits only what the reader (and any YAML parser) reads
// back to the same strings: plain scalars only when unambiguous, otherwise JSON-style double quotes.

export type FrontMatter = Record<string, string | string[]>;

const FENCE = '---';
const PLAIN = /^[A-Za-z_][A-Za-z0-9._-]*$/;
// YAML 1.1 readers turn these into booleans or null (language "no" would become false): always quote them.
const RESERVED = new Set(['true', 'false', 'yes', 'no', 'on', 'off', 'y', 'n', 'null', '~']);

function scalar(value: string): string {
  return PLAIN.test(value) && !RESERVED.has(value.toLowerCase()) ? value : JSON.stringify(value);
}

export function writeFrontMatter(data: FrontMatter, body: string): string {
  const lines = [FENCE];
  for (const [key, value] of Object.entries(data)) {
    if (!PLAIN.test(key)) throw new Error(`front matter key ${JSON.stringify(key)} is not a plain name`);
    if (typeof value === 'string') lines.push(`${key}: ${scalar(value)}`);
    else if (value.length === 0) lines.push(`${key}: []`);
    else lines.push(`${key}:`, ...value.map((item) => `  - ${scalar(item)}`));
  }
  lines.push(FENCE, '');
  return `${lines.join('\n')}\n${body.replace(/\n*$/, '\n')}`;
}

export class FrontMatterError extends Error {}

/** Splits a Markdown file into front matter and body. A file without a leading '---' line is all body. */
export function readFrontMatter(text: string): { data: FrontMatter; body: string } {
  const lines = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n').split('\n');
  if (lines[0]?.trimEnd() !== FENCE) return { data: {}, body: lines.join('\n') };
  const end = lines.findIndex((l, i) => i > 0 && (l.trimEnd() === FENCE || l.trimEnd() === '...'));
  if (end < 0) throw new FrontMatterError('front matter is not closed by a --- line');
  const data: FrontMatter = {};
  for (let i = 1; i < end; i++) {
    const line = lines[i]!;
    if (!line.trim() || line.trimStart().startsWith('#')) continue;
    const lineNo = i + 1;
    const m = /^([A-Za-z_][A-Za-z0-9_-]*)\s*:(?:\s+(.*))?$/.exec(line.trimEnd());
    if (!m) throw new FrontMatterError(`line ${lineNo}: expected "key: value"`);
    const key = m[1]!;
    if (key in data) throw new FrontMatterError(`line ${lineNo}: ${key} appears twice`);
    const raw = stripComment(m[2] ?? '');
    if (raw === '') {
      const items: string[] = [];
      while (i + 1 < end && /^\s*-(\s|$)/.test(lines[i + 1]!)) {
        i++;
        items.push(parseScalar(stripComment(lines[i]!.replace(/^\s*-\s?/, '')), i + 1));
      }
      if (items.length > 0) data[key] = items; // a bare "key:" is null in YAML: leave the key out
    } else if (raw.startsWith('[')) {
      data[key] = parseFlowList(raw, lineNo);
    } else {
      if (/^[|>][-+0-9]*$/.test(raw)) throw new FrontMatterError(`line ${lineNo}: multi-line values are not supported; use a quoted string with \\n`);
      data[key] = parseScalar(raw, lineNo);
    }
  }
  return { data, body: lines.slice(end + 1).join('\n').replace(/^\n+/, '') };
}

/** Removes a trailing " # comment" outside quotes. */
function stripComment(raw: string): string {
  let quote: string | null = null;
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i]!;
    if (quote) {
      if (ch === '\\' && quote === '"') i++;
      else if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '#' && (i === 0 || /\s/.test(raw[i - 1]!))) return raw.slice(0, i).trim();
  }
  return raw.trim();
}

function parseScalar(raw: string, lineNo: number): string {
  if (raw.startsWith('"')) {
    try {
      const value: unknown = JSON.parse(raw);
      if (typeof value === 'string') return value;
    } catch {
      // fall through to the error below
    }
    throw new FrontMatterError(`line ${lineNo}: malformed double-quoted string ${raw}`);
  }
  if (raw.startsWith("'")) {
    if (!/^'(?:[^']|'')*'$/.test(raw)) throw new FrontMatterError(`line ${lineNo}: malformed single-quoted string ${raw}`);
    return raw.slice(1, -1).replaceAll("''", "'");
  }
  return raw;
}

function parseFlowList(raw: string, lineNo: number): string[] {
  if (!raw.endsWith(']')) throw new FrontMatterError(`line ${lineNo}: a [list] must close on the same line`);
  const inner = raw.slice(1, -1).trim();
  if (!inner) return [];
  const items: string[] = [];
  let start = 0;
  let quote: string | null = null;
  for (let i = 0; i <= inner.length; i++) {
    const ch = inner[i];
    if (quote) {
      if (ch === '\\' && quote === '"') i++;
      else if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === ',' || ch === undefined) {
      const item = inner.slice(start, i).trim();
      if (!item) throw new FrontMatterError(`line ${lineNo}: empty item in list`);
      items.push(parseScalar(item, lineNo));
      start = i + 1;
    }
  }
  if (quote) throw new FrontMatterError(`line ${lineNo}: unclosed quote in list`);
  return items;
}
