// Sentence vectors kept on disk by content hash between benchmark runs (encoding BANKING77's 13,083 sentences with
// USE-lite costs minutes on this machine). A run with a warm file measures everything but the encoding; the cold
// figure is the first run's. One file per model: 64 hex characters of hash, then the vector's float32s, repeated.
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import type { EmbeddingStore } from '../../src/ai/cached-embedder.js';

export class FileEmbeddingStore implements EmbeddingStore {
  private readonly vectors = new Map<string, Float32Array>();
  constructor(private readonly file: string, private readonly dimensions: number) {
    if (!existsSync(file)) return;
    const buf = readFileSync(file);
    const record = 64 + 4 * dimensions;
    for (let at = 0; at + record <= buf.length; at += record) {
      const hash = buf.toString('latin1', at, at + 64);
      this.vectors.set(hash, new Float32Array(buf.buffer.slice(buf.byteOffset + at + 64, buf.byteOffset + at + record)));
    }
  }

  async get(_model: string, hashes: string[]): Promise<Map<string, Float32Array>> {
    return new Map(hashes.flatMap((h) => (this.vectors.has(h) ? [[h, this.vectors.get(h)!] as const] : [])));
  }

  async put(_model: string, entries: Map<string, Float32Array>): Promise<void> {
    const parts: Buffer[] = [];
    for (const [h, v] of entries) {
      this.vectors.set(h, v);
      parts.push(Buffer.from(h, 'latin1'), Buffer.from(v.buffer, v.byteOffset, v.byteLength));
    }
    if (parts.length) appendFileSync(this.file, Buffer.concat(parts));
  }
}
