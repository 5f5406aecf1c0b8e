// Issue 17 item 9: a start that cannot succeed says so in one line naming what to change, exits non-zero, and leaves
// nothing behind (no DATA_DIR lock, no PGlite postmaster.pid), so the next start just works.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';
import { LOCK_FILE } from '../src/db/data-dir-lock.js';
import { runCli } from './support/child-service.js';

describe('start-up failures', { timeout: 240_000 }, () => {
  let busy: Server;
  let busyPort: number;
  const dirs: string[] = [];
  const dataDir = () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'firstreply-startup-'));
    dirs.push(dir);
    return dir;
  };
  const leftBehind = (dir: string) => [LOCK_FILE, 'pglite/postmaster.pid'].filter((f) => existsSync(path.join(dir, f)));

  beforeAll(async () => {
    busy = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
    busyPort = (busy.address() as { port: number }).port;
  });
  afterAll(async () => {
    await new Promise((r) => busy.close(r));
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ['PORT', 'INBOUND_SMTP_PORT', /^firstreply: The HTTP server cannot listen on 127\.0\.0\.1:\d+: the port is in use by another program \(change PORT\)$/],
    ['INBOUND_SMTP_PORT', 'PORT', /^firstreply: The SMTP listener cannot listen on 127\.0\.0\.1:\d+: the port is in use by another program \(change INBOUND_SMTP_PORT\)$/],
  ])('%s in use: one line naming it, a non-zero exit, no lock or postmaster.pid left', async (taken, free, message) => {
    const dir = dataDir();
    const result = await runCli(['start'], { DATA_DIR: dir, [taken]: String(busyPort), [free]: '0' });
    expect(result.code).not.toBe(0);
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(message)]);
    expect(existsSync(path.join(dir, 'pglite'))).toBe(true); // it did get as far as opening the database
    expect(leftBehind(dir)).toEqual([]);
  });

  it('an unusable DATA_DIR: one line naming it and a non-zero exit (no endless retrying)', async () => {
    const result = await runCli(['start'], { DATA_DIR: '/proc/firstreply-x', PORT: '0', INBOUND_SMTP_PORT: '0' });
    expect(result.code).not.toBe(0);
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^firstreply: DATA_DIR \/proc\/firstreply-x cannot be created: E[A-Z]+$/)]);
  });

  it.each([
    ['IMAP_URL', 'imap://us%ZZer:secret@mail.example.com/INBOX'],
    ['IMAP_URL', 'imaps://user:pa%2@mail.example.com/INBOX,imap://ok:ok@mail.example.com/INBOX'],
    ['SMTP_URL', 'smtp://user:100%@mail.example.com:587'],
  ])('%s with a malformed %%-escape names the setting (not "URI malformed")', (name, value) => {
    expect(() => loadConfig({ [name]: value }, '/nonexistent/.env')).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value }, '/nonexistent/.env')).toThrow(new RegExp(`${name}: expected %-escapes of two hex digits`));
    expect(() => loadConfig({ [name]: value }, '/nonexistent/.env')).not.toThrow(/secret|URI malformed/);
  });
});
