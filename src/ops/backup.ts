// Backup and restore of the embedded setup: the PGlite database (PGlite's own dumpDataDir) and every other file
// under DATA_DIR (large raw messages in raw/, .eml copies of outgoing mail in outbox/), in one .tar.gz.
//
// Offline by design: the running service has the database open on its worker thread, and a second process
// must never open the same directory. The command refuses while the database is in use (see embedded-lock.ts).
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, rmdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { PGlite } from '@electric-sql/pglite';
import { LOCK_FILE } from '../db/data-dir-lock.js';
import { vector } from '@electric-sql/pglite-pgvector';
import { END_OF_ARCHIVE, entryHeader, padding, readTar } from './tar.js';

export const BACKUP_FORMAT = 'firstreply-embedded-backup';
const DATABASE_ENTRY = 'pglite.tar';
const FILES_PREFIX = 'files/';

export interface BackupManifest {
  format: typeof BACKUP_FORMAT;
  version: 1;
  createdAt: string;
  /** rows per table at the time of the backup: checked again after a restore */
  rows: Record<string, number>;
  files: { path: string; size: number }[];
}

/** Every file under DATA_DIR except the database directory itself, unfinished temporaries and `exclude`. */
async function dataFiles(dataDir: string, exclude: string[]): Promise<{ path: string; size: number; mtime: Date }[]> {
  const out: { path: string; size: number; mtime: Date }[] = [];
  const walk = async (rel: string) => {
    for (const d of await readdir(path.join(dataDir, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${d.name}` : d.name;
      const full = path.join(dataDir, child);
      if (child === 'pglite' || child === LOCK_FILE || exclude.includes(full) || d.name.endsWith('.tmp') || d.name.endsWith('.partial')) continue;
      if (d.isDirectory()) await walk(child);
      else if (d.isFile()) {
        const s = await stat(full);
        out.push({ path: child, size: s.size, mtime: s.mtime });
      }
    }
  };
  await walk('');
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

async function tableRows(db: PGlite): Promise<Record<string, number>> {
  const tables = await db.query<{ table_name: string }>(
    `select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`,
  );
  const rows: Record<string, number> = {};
  for (const { table_name } of tables.rows) {
    const r = await db.query<{ n: number }>(`select count(*)::int as n from "${table_name.replace(/"/g, '""')}"`);
    rows[table_name] = Number(r.rows[0]!.n);
  }
  return rows;
}

async function hasDatabase(pgliteDir: string): Promise<boolean> {
  return stat(path.join(pgliteDir, 'PG_VERSION')).then(() => true, () => false);
}

/** Writes DATA_DIR (service stopped) to `outFile` as a .tar.gz; the file appears only once complete. */
export async function backupEmbedded(dataDirInput: string, outFileInput: string): Promise<BackupManifest & { bytes: number }> {
  const dataDir = path.resolve(dataDirInput);
  const outFile = path.resolve(outFileInput);
  const pgliteDir = path.join(dataDir, 'pglite');
  if (!(await hasDatabase(pgliteDir))) throw new Error(`no embedded database in ${pgliteDir}`);

  const db = await PGlite.create(pgliteDir, { extensions: { vector } });
  let dump: Buffer;
  let rows: Record<string, number>;
  try {
    rows = await tableRows(db);
    // PGlite holds its query lock while it writes the tar: nothing runs in between, so the copy is consistent.
    dump = Buffer.from(await (await db.dumpDataDir('none')).arrayBuffer());
  } finally {
    await db.close();
  }
  const partial = `${outFile}.partial`;
  const files = await dataFiles(dataDir, [outFile, partial]);
  const manifest: BackupManifest = {
    format: BACKUP_FORMAT,
    version: 1,
    createdAt: new Date().toISOString(),
    rows,
    files: files.map((f) => ({ path: f.path, size: f.size })),
  };
  const checksums: Record<string, string> = {};
  async function* archive(): AsyncGenerator<Buffer> {
    const manifestBytes = Buffer.from(JSON.stringify(manifest, null, 2));
    yield entryHeader({ name: 'manifest.json', size: manifestBytes.length });
    yield manifestBytes;
    yield padding(manifestBytes.length);
    yield entryHeader({ name: DATABASE_ENTRY, size: dump.length });
    yield dump;
    yield padding(dump.length);
    checksums[DATABASE_ENTRY] = createHash('sha256').update(dump).digest('hex');
    for (const f of files) {
      const name = `${FILES_PREFIX}${f.path}`;
      yield entryHeader({ name, size: f.size, mtime: f.mtime });
      const hash = createHash('sha256');
      let written = 0;
      for await (const chunk of createReadStream(path.join(dataDir, f.path))) {
        const piece = (chunk as Buffer).subarray(0, Math.max(0, f.size - written));
        hash.update(piece);
        written += piece.length;
        yield piece;
      }
      if (written !== f.size) throw new Error(`${f.path} changed while it was being backed up (is the service stopped?)`);
      yield padding(f.size);
      checksums[name] = hash.digest('hex');
    }
    const sums = Buffer.from(JSON.stringify(checksums, null, 2));
    yield entryHeader({ name: 'checksums.json', size: sums.length });
    yield sums;
    yield padding(sums.length);
    yield END_OF_ARCHIVE;
  }
  await mkdir(path.dirname(outFile), { recursive: true });
  try {
    await pipeline(Readable.from(archive()), createGzip(), createWriteStream(partial, { mode: 0o600 }));
    await fsyncFile(partial);
    await rename(partial, outFile);
  } catch (err) {
    await rm(partial, { force: true });
    throw err;
  }
  return { ...manifest, bytes: (await stat(outFile)).size };
}

async function fsyncFile(file: string): Promise<void> {
  const handle = await open(file, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function safeRelative(name: string): string {
  const rel = path.posix.normalize(name);
  if (rel.startsWith('/') || rel === '..' || rel.startsWith('../') || rel.split('/').includes('..') || rel.startsWith('pglite/') || rel === 'pglite') {
    throw new Error(`refusing to restore ${JSON.stringify(name)}: outside DATA_DIR`);
  }
  return rel;
}

/**
 * Restores a backup into an empty (or not yet existing) DATA_DIR. Everything is unpacked into a sibling
 * directory and checked (checksums, file sizes, row counts) before it is renamed into place.
 */
export async function restoreEmbedded(fromFile: string, dataDirInput: string): Promise<BackupManifest> {
  const dataDir = path.resolve(dataDirInput);
  const existing = await readdir(dataDir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [] as string[];
    throw err;
  });
  if (existing.length > 0) throw new Error(`${dataDir} is not empty: restore into a new DATA_DIR (move the current one aside first)`);
  const staging = path.join(path.dirname(dataDir), `.${path.basename(dataDir)}.restore-${process.pid}`);
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true, mode: 0o700 });
  try {
    let manifest: BackupManifest | undefined;
    let dump: Buffer | undefined;
    let checksums: Record<string, string> | undefined;
    const actual: Record<string, string> = {};
    const restored = new Map<string, number>();
    for await (const entry of readTar(createReadStream(fromFile).pipe(createGunzip()))) {
      if (entry.name === 'manifest.json' || entry.name === 'checksums.json') {
        const parts: Buffer[] = [];
        for await (const p of entry.body()) parts.push(p);
        const value = JSON.parse(Buffer.concat(parts).toString('utf8'));
        if (entry.name === 'checksums.json') checksums = value;
        else if (value.format !== BACKUP_FORMAT) throw new Error(`${fromFile} is not a firstreply backup`);
        else manifest = value;
      } else if (entry.name === DATABASE_ENTRY) {
        const parts: Buffer[] = [];
        for await (const p of entry.body()) parts.push(p);
        dump = Buffer.concat(parts);
        actual[DATABASE_ENTRY] = createHash('sha256').update(dump).digest('hex');
      } else if (entry.name.startsWith(FILES_PREFIX)) {
        const rel = safeRelative(entry.name.slice(FILES_PREFIX.length));
        const target = path.join(staging, rel);
        await mkdir(path.dirname(target), { recursive: true });
        const hash = createHash('sha256');
        const body = entry.body();
        await pipeline(
          Readable.from((async function* () {
            for await (const p of body) {
              hash.update(p);
              yield p;
            }
          })()),
          createWriteStream(target, { mode: 0o600 }),
        );
        actual[entry.name] = hash.digest('hex');
        restored.set(rel, entry.size);
      }
    }
    if (!manifest || !dump || !checksums) throw new Error(`${fromFile} is incomplete (no manifest, database or checksums)`);
    for (const [name, sum] of Object.entries(checksums)) {
      if (actual[name] !== sum) throw new Error(`${name} in ${fromFile} is damaged (checksum mismatch)`);
    }
    for (const f of manifest.files) {
      if (restored.get(f.path) !== f.size) throw new Error(`${f.path} is missing from ${fromFile} or has the wrong size`);
    }
    const db = await PGlite.create(path.join(staging, 'pglite'), { loadDataDir: new Blob([new Uint8Array(dump)]), extensions: { vector } });
    try {
      const rows = await tableRows(db);
      for (const [table, n] of Object.entries(manifest.rows)) {
        if (rows[table] !== n) throw new Error(`the restored table ${table} has ${rows[table]} rows; the backup recorded ${n}`);
      }
    } finally {
      await db.close();
    }
    await rmdir(dataDir).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
    await rename(staging, dataDir);
    return manifest;
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    throw err;
  }
}
