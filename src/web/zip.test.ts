import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { zip } from './zip.js';

describe('zip', () => {
  const files = [
    { name: 'card-arrival.md', content: '---\ntitle: When will my card arrive?\n---\nWithin 5 days.\n' },
    { name: 'über-ñ.md', content: 'Unicode names and bodies: 你好\n' },
    { name: 'empty.md', content: '' },
  ];

  it('writes one local header per file, a central directory and its end record', () => {
    const archive = zip(files, new Date('2026-03-04T05:06:08Z'));
    expect(archive.readUInt32LE(0)).toBe(0x04034b50);
    const end = archive.subarray(archive.length - 22);
    expect(end.readUInt32LE(0)).toBe(0x06054b50);
    expect(end.readUInt16LE(10)).toBe(3);
    const directoryOffset = end.readUInt32LE(16);
    const names: string[] = [];
    for (let at = directoryOffset; archive.readUInt32LE(at) === 0x02014b50; ) {
      expect(archive.readUInt16LE(at + 8) & 0x0800).toBe(0x0800); // names are UTF-8
      const length = archive.readUInt16LE(at + 28);
      names.push(archive.subarray(at + 46, at + 46 + length).toString('utf8'));
      at += 46 + length;
    }
    expect(names).toEqual(files.map((f) => f.name));
  });

  it('is read back byte for byte by unzip (installed by the test command)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'firstreply-zip-'));
    try {
      const file = path.join(dir, 'kb.zip');
      writeFileSync(file, zip(files));
      expect(execFileSync('unzip', ['-t', file], { encoding: 'utf8' })).toContain('No errors detected');
      // -p writes every member in archive order. (Info-ZIP's unzip mangles non-ASCII names in listings whatever the
      // flag says, so names are checked from the central directory above instead.)
      expect(execFileSync('unzip', ['-p', file], { encoding: 'utf8' })).toBe(files.map((f) => f.content).join(''));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
