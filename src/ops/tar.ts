// A minimal ustar (POSIX.1-1988) writer and reader with PAX records for long names and large sizes: enough
// for backups that `tar -xzf` can also open, without a dependency. Regular files only.

const BLOCK = 512;
const MAX_OCTAL_SIZE = 0o77777777777;

export interface TarEntryHeader {
  name: string;
  size: number;
  mtime?: Date;
  mode?: number;
}

function octal(value: number, length: number): string {
  return value.toString(8).padStart(length - 1, '0') + '\0';
}

function rawHeader(name: string, size: number, type: string, mtime: Date, mode: number): Buffer {
  const block = Buffer.alloc(BLOCK);
  block.write(name, 0, 100, 'utf8');
  block.write(octal(mode, 8), 100, 'ascii');
  block.write(octal(0, 8), 108, 'ascii');
  block.write(octal(0, 8), 116, 'ascii');
  block.write(octal(Math.min(size, MAX_OCTAL_SIZE), 12), 124, 'ascii');
  block.write(octal(Math.floor(mtime.getTime() / 1000), 12), 136, 'ascii');
  block.write('        ', 148, 'ascii');
  block.write(type, 156, 'ascii');
  block.write('ustar\u000000', 257, 'ascii');
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return block;
}

function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let length = Buffer.byteLength(body) + 1;
  while (String(length).length + Buffer.byteLength(body) !== length) length = String(length).length + Buffer.byteLength(body);
  return `${length}${body}`;
}

export const padding = (size: number) => Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK);

/** The header block(s) for one file; the caller writes `size` bytes of content and then `padding(size)`. */
export function entryHeader(entry: TarEntryHeader): Buffer {
  const mtime = entry.mtime ?? new Date();
  const mode = entry.mode ?? 0o600;
  const records: string[] = [];
  const simpleName = Buffer.byteLength(entry.name) <= 100 && !/[^\x20-\x7e]/.test(entry.name);
  if (!simpleName) records.push(paxRecord('path', entry.name));
  if (entry.size > MAX_OCTAL_SIZE) records.push(paxRecord('size', String(entry.size)));
  const name = simpleName ? entry.name : `PaxHeader/${entry.name.replace(/[^\x20-\x7e]/g, '_').slice(-80)}`;
  const main = rawHeader(simpleName ? entry.name : name, entry.size, '0', mtime, mode);
  if (records.length === 0) return main;
  const pax = Buffer.from(records.join(''), 'utf8');
  return Buffer.concat([rawHeader(name, pax.length, 'x', mtime, 0o644), pax, padding(pax.length), main]);
}

export const END_OF_ARCHIVE = Buffer.alloc(BLOCK * 2);

/** Pulls exact byte counts out of a stream of chunks. */
export class ByteReader {
  private chunks: Buffer[] = [];
  private length = 0;
  private done = false;

  constructor(private readonly source: AsyncIterator<Buffer>) {}

  private async fill(n: number): Promise<void> {
    while (this.length < n && !this.done) {
      const next = await this.source.next();
      if (next.done) this.done = true;
      else {
        const chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
        this.chunks.push(chunk);
        this.length += chunk.length;
      }
    }
  }

  /** Exactly n bytes, or null at a clean end of input. */
  async read(n: number): Promise<Buffer | null> {
    await this.fill(n);
    if (this.length === 0 && this.done) return null;
    if (this.length < n) throw new Error('the archive is truncated');
    const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    this.chunks = all.length > n ? [all.subarray(n)] : [];
    this.length -= n;
    return all.subarray(0, n);
  }

  /** n bytes as a sequence of chunks, without holding them all. */
  async *pieces(n: number): AsyncGenerator<Buffer> {
    let left = n;
    while (left > 0) {
      if (this.length === 0) await this.fill(1);
      if (this.length === 0) throw new Error('the archive is truncated');
      const chunk = this.chunks.shift()!;
      const take = Math.min(left, chunk.length);
      if (take < chunk.length) this.chunks.unshift(chunk.subarray(take));
      this.length -= take;
      left -= take;
      yield chunk.subarray(0, take);
    }
  }
}

export interface TarEntry {
  name: string;
  size: number;
  /** Must be consumed fully (or skipped with `skip`) before the next entry is read. */
  body(): AsyncGenerator<Buffer>;
}

function field(block: Buffer, start: number, length: number): string {
  const slice = block.subarray(start, start + length);
  const end = slice.indexOf(0);
  return slice.subarray(0, end === -1 ? length : end).toString('utf8');
}

/** Reads a tar stream entry by entry: regular files are yielded, PAX records applied, anything else skipped. */
export async function* readTar(source: AsyncIterable<Buffer>): AsyncGenerator<TarEntry> {
  const reader = new ByteReader(source[Symbol.asyncIterator]());
  let pax: Record<string, string> = {};
  for (;;) {
    const block = await reader.read(BLOCK);
    if (!block || block.every((b) => b === 0)) return;
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : block[i]!;
    if (sum !== parseInt(field(block, 148, 8).trim(), 8)) throw new Error('not a tar archive (bad header checksum)');
    const type = String.fromCharCode(block[156]!) || '0';
    const prefix = field(block, 345, 155);
    const name = pax.path ?? (prefix ? `${prefix}/${field(block, 0, 100)}` : field(block, 0, 100));
    const size = pax.size !== undefined ? Number(pax.size) : parseInt(field(block, 124, 12).trim() || '0', 8);
    pax = {};
    if (type === 'x' || type === 'g') {
      const text = Buffer.concat(await collect(reader.pieces(size))).toString('utf8');
      await reader.read(padding(size).length);
      if (type === 'x') {
        for (const m of text.matchAll(/^\d+ ([^=]+)=(.*)$/gm)) pax[m[1]!] = m[2]!;
      }
      continue;
    }
    let consumed = false;
    const body = async function* () {
      consumed = true;
      yield* reader.pieces(size);
    };
    if (type === '0' || type === '\0' || type === '7') yield { name, size, body };
    if (!consumed) for await (const _ of reader.pieces(size)) void _;
    const pad = padding(size).length;
    if (pad > 0) await reader.read(pad);
  }
}

export async function collect(pieces: AsyncIterable<Buffer>): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for await (const p of pieces) out.push(p);
  return out;
}
