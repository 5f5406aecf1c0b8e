import { describe, expect, it } from 'vitest';
import { toCsv } from './csv.js';

/** A strict RFC 4180 reader: quoted fields with doubled quotes, CRLF records. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { field += '"'; i += 2; continue; }
      if (ch === '"') { quoted = false; i++; continue; }
      field += ch; i++; continue;
    }
    if (ch === '"' && field === '') { quoted = true; i++; continue; }
    if (ch === ',') { row.push(field); field = ''; i++; continue; }
    if (ch === '\r' && text[i + 1] === '\n') { row.push(field); rows.push(row); row = []; field = ''; i += 2; continue; }
    if (ch === '"' || ch === '\r' || ch === '\n') throw new Error(`bare ${JSON.stringify(ch)} at ${i}`);
    field += ch; i++;
  }
  if (field !== '' || row.length) throw new Error('the last record lacks its CRLF');
  return rows;
}

describe('toCsv', () => {
  it('writes RFC 4180 that reads back to the same cells', () => {
    const rows = [
      { name: 'plain', note: 'a, b', quote: 'say "hi"', lines: 'one\r\ntwo\nthree', n: 42, x: null },
      { name: 'ümlaut 中文', note: '', quote: undefined, lines: 'x', n: 0.5, x: true },
    ];
    const csv = toCsv(rows);
    expect(csv).toBe(
      'name,note,quote,lines,n,x\r\n' +
      'plain,"a, b","say ""hi""","one\r\ntwo\nthree",42,\r\n' +
      'ümlaut 中文,,,x,0.5,true\r\n',
    );
    expect(parseCsv(csv)).toEqual([
      ['name', 'note', 'quote', 'lines', 'n', 'x'],
      ['plain', 'a, b', 'say "hi"', 'one\r\ntwo\nthree', '42', ''],
      ['ümlaut 中文', '', '', 'x', '0.5', 'true'],
    ]);
  });

  it("prefixes text that a spreadsheet would evaluate with ', and leaves numbers alone", () => {
    const rows = [
      { v: '=SUM(A1:A9)' }, { v: '+1' }, { v: '-2' }, { v: '@cmd' }, { v: '\tx' }, { v: '\rx' },
      { v: '=HYPERLINK("http://evil.test","click")' }, { v: -5 }, { v: 'safe = text' }, { v: 'a-b' },
    ];
    expect(parseCsv(toCsv(rows)).slice(1).map((r) => r[0])).toEqual([
      "'=SUM(A1:A9)", "'+1", "'-2", "'@cmd", "'\tx", "'\rx",
      `'=HYPERLINK("http://evil.test","click")`, '-5', 'safe = text', 'a-b',
    ]);
  });

  it('takes the columns in first-appearance order, or as given (a header even without rows)', () => {
    expect(toCsv([{ a: 1 }, { b: 2, a: 3 }])).toBe('a,b\r\n1,\r\n3,2\r\n');
    expect(toCsv([], ['start', 'cases'])).toBe('start,cases\r\n');
    expect(toCsv([])).toBe('');
    expect(toCsv([{ d: new Date('2026-10-25T01:00:00Z'), o: { k: 1 } }])).toBe('d,o\r\n2026-10-25T01:00:00.000Z,"{""k"":1}"\r\n');
  });
});
