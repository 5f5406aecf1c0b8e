// BANKING77 loader (Casanueva et al. 2020, CC-BY-4.0). Reads from shared/, never copies it.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Row { text: string; category: string }

const here = dirname(fileURLToPath(import.meta.url));
export const datasetDir = process.env.BANKING77_DIR ?? resolve(here, '../../../shared/datasets/banking77');

export function parseCsv(src: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < src.length; i++) {
    const ch = src[i]!;
    if (quoted) {
      if (ch === '"' && src[i + 1] === '"') { field += '"'; i++; }
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { row.push(field); field = ''; }
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && src[i + 1] === '\n') i++;
      row.push(field); field = '';
      if (row.length > 1 || row[0] !== '') rows.push(row);
      row = [];
    } else field += ch;
  }
  if (field !== '' || row.length) { row.push(field); rows.push(row); }
  return rows;
}

export function loadSplit(name: 'train' | 'test'): Row[] {
  const [header, ...rows] = parseCsv(readFileSync(resolve(datasetDir, `${name}.csv`), 'utf8'));
  const ti = header!.indexOf('text');
  const ci = header!.indexOf('category');
  return rows.map((r) => ({ text: r[ti]!, category: r[ci]! }));
}

/** First n examples of each category, in file order (deterministic). */
export function firstPerCategory(rows: Row[], n: number): Row[] {
  const seen = new Map<string, number>();
  return rows.filter((r) => {
    const c = seen.get(r.category) ?? 0;
    seen.set(r.category, c + 1);
    return c < n;
  });
}
