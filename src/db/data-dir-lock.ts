// One process at a time on an embedded DATA_DIR. PGlite is a single-writer database kept in files: a second process
// opening the same files (a second `firstreply start`, or `firstreply users create` beside the service) writes over
// the first one's changes or never shows them to it. A lock file with the holder's pid, created with O_EXCL; a lock
// whose pid no longer runs is stale (a crash, a kill -9) and is taken over.
import { closeSync, linkSync, mkdirSync, openSync, readFileSync, rmSync, statSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '../errors.js';

export const LOCK_FILE = 'firstreply.lock';

export interface DataDirLock {
  path: string;
  release(): void;
}

interface Holder {
  pid: number;
  command: string;
  since: string;
}

function running(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readHolder(file: string): Holder | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Holder;
  } catch {
    return null; // gone meanwhile, or half-written by a process that died: stale either way
  }
}

/** The sentence a refused process says (one line; the CLI prints it and exits non-zero). */
export function lockedMessage(dataDir: string, holder: Holder): string {
  return `firstreply is running on this DATA_DIR (${path.resolve(dataDir)}, pid ${holder.pid}, "${holder.command}"): ` +
    'stop it first, or make the change in the web app or through the HTTP API';
}

/**
 * mkdir -p one level at a time: Node's recursive mkdir never returns for a path under /proc (it retries forever at
 * full CPU), which is what DATA_DIR=/proc/x used to do.
 */
function makeDirectory(dir: string, depth = 0): void {
  try {
    if (statSync(dir).isDirectory()) return;
  } catch {
    // missing: created below
  }
  try {
    mkdirSync(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' && statSync(dir).isDirectory()) return;
    if (code !== 'ENOENT' || depth > 64 || path.dirname(dir) === dir) throw err;
    makeDirectory(path.dirname(dir), depth + 1);
    mkdirSync(dir);
  }
}

/** Takes the lock or throws AppError('conflict') naming the holder. `command` says who holds it, e.g. "start". */
export function lockDataDir(dataDir: string, command: string): DataDirLock {
  try {
    makeDirectory(path.resolve(dataDir));
  } catch (err) {
    throw new AppError('bad_request', `DATA_DIR ${dataDir} cannot be created: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const file = path.join(dataDir, LOCK_FILE);
  const mine: Holder = { pid: process.pid, command, since: new Date().toISOString() };
  // Written to a private file first and linked into place: the lock file never exists half-written.
  const draft = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  try {
    const fd = openSync(draft, 'wx', 0o644);
    writeSync(fd, JSON.stringify(mine));
    closeSync(fd);
  } catch (err) {
    throw new AppError('bad_request', `DATA_DIR ${dataDir} is not writable: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        linkSync(draft, file);
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 3) throw err;
      }
      const holder = readHolder(file);
      if (holder && running(holder.pid)) throw new AppError('conflict', lockedMessage(dataDir, holder));
      try {
        unlinkSync(file); // stale: its process is gone
      } catch {
        // another process took it over first; the next link attempt sees its lock
      }
    }
  } finally {
    rmSync(draft, { force: true });
  }
  let held = true;
  return {
    path: file,
    release() {
      if (!held) return;
      held = false;
      // only our own lock: never a successor's
      if (readHolder(file)?.pid === process.pid) rmSync(file, { force: true });
    },
  };
}

/** Who holds the lock right now, if anyone (for messages and health checks). */
export function lockHolder(dataDir: string): Holder | null {
  const holder = readHolder(path.join(dataDir, LOCK_FILE));
  return holder && running(holder.pid) ? holder : null;
}
