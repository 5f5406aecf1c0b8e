import { createHash } from 'node:crypto';
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import path from 'node:path';

/** Where a message's raw bytes are kept: in its row, or in a file for large messages (embedded database). */
export interface RawStore {
  put(raw: Buffer): Promise<{ raw: Buffer | null; rawPath: string | null }>;
  load(row: { raw: Buffer | null; rawPath: string | null }): Promise<Buffer>;
}

export const rowRawStore: RawStore = {
  put: async (raw) => ({ raw, rawPath: null }),
  load: async (row) => row.raw ?? Buffer.alloc(0),
};

/**
 * Messages above the threshold go to dir/<sha256>.eml, written durably (fsync, then rename) before the row
 * that points at them is inserted, so a stored message always has its bytes. Content-addressed: storing
 * the same bytes twice writes one file.
 */
export function fileRawStore(dir: string, thresholdBytes: number): RawStore {
  return {
    async put(raw) {
      if (raw.length <= thresholdBytes) return { raw, rawPath: null };
      const name = `${createHash('sha256').update(raw).digest('hex')}.eml`;
      await mkdir(dir, { recursive: true });
      const tmp = path.join(dir, `${name}.${process.pid}.tmp`);
      const handle = await open(tmp, 'w');
      try {
        await handle.writeFile(raw);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(tmp, path.join(dir, name));
      return { raw: null, rawPath: name };
    },
    async load(row) {
      if (row.rawPath) return readFile(path.join(dir, path.basename(row.rawPath)));
      return row.raw ?? Buffer.alloc(0);
    },
  };
}
