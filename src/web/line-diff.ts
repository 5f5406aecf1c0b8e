// Line diff for article versions: jsdiff's Myers diff over lines (a shortest edit script keeps a longest common
// subsequence), numbered on both sides for the history page.
import { diffArrays } from 'diff';

export type DiffLine =
  | { op: 'same'; text: string; oldLine: number; newLine: number }
  | { op: 'del'; text: string; oldLine: number }
  | { op: 'add'; text: string; newLine: number };

/** Above this many cells (old lines × new lines, after trimming the common ends) the middle is shown as replaced: a diff
 * of texts that share almost nothing says nothing, and bounds the work on two huge unrelated versions. */
export const MAX_CELLS = 4_000_000;

export function splitLines(text: string): string[] {
  if (text === '') return [];
  return text.replace(/\r\n?/g, '\n').replace(/\n$/, '').split('\n');
}

export function diffLines(oldText: string, newText: string): { lines: DiffLine[]; approximate: boolean } {
  const a = splitLines(oldText);
  const b = splitLines(newText);
  // Edits are usually local: the common head and tail need no table.
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;

  const lines: DiffLine[] = [];
  for (let i = 0; i < head; i++) lines.push({ op: 'same', text: a[i]!, oldLine: i + 1, newLine: i + 1 });
  const midA = a.slice(head, a.length - tail);
  const midB = b.slice(head, b.length - tail);
  const approximate = midA.length * midB.length > MAX_CELLS;
  const middle = approximate ? replaceAll(midA, midB) : myersDiff(midA, midB);
  for (const d of middle) {
    if (d.op === 'same') lines.push({ ...d, oldLine: d.oldLine + head, newLine: d.newLine + head });
    else if (d.op === 'del') lines.push({ ...d, oldLine: d.oldLine + head });
    else lines.push({ ...d, newLine: d.newLine + head });
  }
  for (let k = tail; k > 0; k--) {
    lines.push({ op: 'same', text: a[a.length - k]!, oldLine: a.length - k + 1, newLine: b.length - k + 1 });
  }
  return { lines, approximate };
}

function replaceAll(a: string[], b: string[]): DiffLine[] {
  return [
    ...a.map((text, i): DiffLine => ({ op: 'del', text, oldLine: i + 1 })),
    ...b.map((text, j): DiffLine => ({ op: 'add', text, newLine: j + 1 })),
  ];
}

function myersDiff(a: string[], b: string[]): DiffLine[] {
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  for (const change of diffArrays(a, b)) {
    for (const text of change.value) {
      if (change.removed) out.push({ op: 'del', text, oldLine: ++i });
      else if (change.added) out.push({ op: 'add', text, newLine: ++j });
      else out.push({ op: 'same', text, oldLine: ++i, newLine: ++j });
    }
  }
  return out;
}

/** Counts for a summary line like "+3 −1". */
export function diffStats(lines: DiffLine[]): { added: number; removed: number } {
  let added = 0;
  let removed = 0;
  for (const l of lines) {
    if (l.op === 'add') added++;
    else if (l.op === 'del') removed++;
  }
  return { added, removed };
}
