import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diffLines, diffStats, MAX_CELLS, splitLines, type DiffLine } from './line-diff.js';

/** Compact notation: ' x' same, '-x' removed, '+x' added. */
const show = (lines: DiffLine[]) => lines.map((l) => `${l.op === 'same' ? ' ' : l.op === 'del' ? '-' : '+'}${l.text}`);

describe('diffLines', () => {
  it.each([
    ['identical', 'a\nb\nc', 'a\nb\nc', [' a', ' b', ' c']],
    ['both empty', '', '', []],
    ['from nothing', '', 'a\nb', ['+a', '+b']],
    ['to nothing', 'a\nb', '', ['-a', '-b']],
    ['one line changed', 'a\nb\nc', 'a\nB\nc', [' a', '-b', '+B', ' c']],
    ['line inserted', 'a\nc', 'a\nb\nc', [' a', '+b', ' c']],
    ['line removed', 'a\nb\nc', 'a\nc', [' a', '-b', ' c']],
    ['appended', 'a', 'a\nb', [' a', '+b']],
    ['prepended', 'b', 'a\nb', ['+a', ' b']],
    ['moved line', 'a\nb\nc', 'b\nc\na', ['-a', ' b', ' c', '+a']],
    ['interleaved', 'a\nx\nb\ny\nc', 'a\nb\nc', [' a', '-x', ' b', '-y', ' c']],
    ['trailing newline ignored', 'a\nb\n', 'a\nb', [' a', ' b']],
    ['CRLF equals LF', 'a\r\nb', 'a\nb', [' a', ' b']],
    ['blank lines count', 'a\n\nb', 'a\nb', [' a', '-', ' b']],
  ])('%s', (_name, before, after, expected) => {
    expect(show(diffLines(before, after).lines)).toEqual(expected);
  });

  it('numbers lines on both sides', () => {
    const { lines } = diffLines('a\nb\nc', 'a\nB\nc\nd');
    expect(lines).toEqual([
      { op: 'same', text: 'a', oldLine: 1, newLine: 1 },
      { op: 'del', text: 'b', oldLine: 2 },
      { op: 'add', text: 'B', newLine: 2 },
      { op: 'same', text: 'c', oldLine: 3, newLine: 3 },
      { op: 'add', text: 'd', newLine: 4 },
    ]);
    expect(diffStats(lines)).toEqual({ added: 2, removed: 1 });
  });

  it('falls back to "all replaced" for huge middles, keeping the common ends', () => {
    const side = Math.ceil(Math.sqrt(MAX_CELLS)) + 1;
    const before = ['head', ...Array.from({ length: side }, (_, i) => `old ${i}`), 'tail'].join('\n');
    const after = ['head', ...Array.from({ length: side }, (_, i) => `new ${i}`), 'tail'].join('\n');
    const { lines, approximate } = diffLines(before, after);
    expect(approximate).toBe(true);
    expect(lines[0]).toMatchObject({ op: 'same', text: 'head' });
    expect(lines.at(-1)).toMatchObject({ op: 'same', text: 'tail', oldLine: side + 2, newLine: side + 2 });
    expect(diffStats(lines)).toEqual({ added: side, removed: side });
  });

  it('always rebuilds both sides and keeps a longest common subsequence (property)', () => {
    const text = fc.array(fc.constantFrom('a', 'b', 'c', ''), { maxLength: 12 }).map((l) => l.join('\n'));
    fc.assert(
      fc.property(text, text, (before, after) => {
        const { lines } = diffLines(before, after);
        expect(lines.filter((l) => l.op !== 'add').map((l) => l.text)).toEqual(splitLines(before));
        expect(lines.filter((l) => l.op !== 'del').map((l) => l.text)).toEqual(splitLines(after));
        const same = lines.filter((l) => l.op === 'same').length;
        expect(same).toBe(lcsLength(splitLines(before), splitLines(after)));
      }),
    );
  });
});

function lcsLength(a: string[], b: string[]): number {
  const t = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = 1; i <= a.length; i++) for (let j = 1; j <= b.length; j++) t[i]![j] = a[i - 1] === b[j - 1] ? t[i - 1]![j - 1]! + 1 : Math.max(t[i - 1]![j]!, t[i]![j - 1]!);
  return t[a.length]![b.length]!;
}
