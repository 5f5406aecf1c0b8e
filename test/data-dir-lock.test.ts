// Issue 17 item 8: one process at a time on an embedded DATA_DIR. A second `firstreply start` and state-changing CLI
// commands beside the running service are refused with one sentence; a lock left by a dead process is taken over.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCK_FILE, lockDataDir } from '../src/db/data-dir-lock.js';
import { runCli, startChildService, type ChildService } from './support/child-service.js';

const deadPid = () => spawnSync(process.execPath, ['-e', '0']).pid!;
const oneLine = (stderr: string) => stderr.trim().split('\n');

describe('the DATA_DIR lock', { timeout: 240_000 }, () => {
  let dir: string;
  let service: ChildService;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'firstreply-lock-'));
    service = await startChildService({ DATA_DIR: dir, LOG_LEVEL: 'info' }, 180_000);
  });
  afterAll(async () => {
    await service?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('holds the lock with its pid', () => {
    expect(JSON.parse(readFileSync(path.join(dir, LOCK_FILE), 'utf8')).pid).toBe(service.process.pid);
  });

  it('refuses a second `firstreply start` with one line and a non-zero exit', async () => {
    const second = await runCli(['start'], { DATA_DIR: dir, PORT: '0', INBOUND_SMTP_PORT: '0' });
    expect(second.code).not.toBe(0);
    expect(oneLine(second.stderr)).toEqual([expect.stringMatching(new RegExp(`firstreply is running on this DATA_DIR \\(.*pid ${service.process.pid}.*stop it first`))]);
    expect(service.process.exitCode).toBeNull();
  });

  it.each([
    ['users create', ['users', 'create', '--email', 'x@shop.test', '--name', 'X', '--role', 'agent', '--password-stdin']],
    ['tokens create', ['tokens', 'create', '--name', 'ci', '--role', 'admin']],
  ])('refuses `%s` beside the running service, saying what to do', async (_name, args) => {
    const result = await runCli(args, { DATA_DIR: dir });
    expect(result.code).not.toBe(0);
    expect(oneLine(result.stderr)).toEqual([expect.stringMatching(/firstreply is running on this DATA_DIR .*: stop it first, or make the change in the web app or through the HTTP API/)]);
    expect(result.stdout).toBe('');
  });

  it('is released when the service stops, and a stale lock from a dead process is taken over', async () => {
    await service.stop();
    expect(existsSync(path.join(dir, LOCK_FILE))).toBe(false);
    writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify({ pid: deadPid(), command: 'start', since: new Date().toISOString() }));
    const result = await runCli(['migrate'], { DATA_DIR: dir });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(existsSync(path.join(dir, LOCK_FILE))).toBe(false);
  });
});

describe('lockDataDir', () => {
  it('refuses a live holder, takes over a dead one, and releases only its own lock', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'firstreply-lock-unit-'));
    try {
      const file = path.join(dir, LOCK_FILE);
      writeFileSync(file, JSON.stringify({ pid: process.ppid, command: 'start', since: '' }));
      expect(() => lockDataDir(dir, 'test')).toThrow(`pid ${process.ppid}`);
      writeFileSync(file, JSON.stringify({ pid: deadPid(), command: 'start', since: '' }));
      const lock = lockDataDir(dir, 'test');
      expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ pid: process.pid, command: 'test' });
      lock.release();
      expect(existsSync(file)).toBe(false);
      writeFileSync(file, 'half-written');
      lockDataDir(dir, 'test').release();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names DATA_DIR when it cannot be created', () => {
    expect(() => lockDataDir('/proc/firstreply-x', 'test')).toThrow(/^DATA_DIR \/proc\/firstreply-x cannot be created: /);
  });
});
