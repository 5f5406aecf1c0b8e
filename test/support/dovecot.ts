// A real Dovecot IMAP server for integration tests, run as a plain process (no Docker, no systemd).
// Each server gets its own temp dir holding config, sockets, state, log and maildirs.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chown, mkdir, mkdtemp, readFile, readdir, rename, rm, writeFile, chmod } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ImapFlow } from 'imapflow';

const DOVECOT_BIN = '/usr/sbin/dovecot';
const NOBODY_UID = 65534; // Debian's nobody/nogroup: the static userdb runs mail processes as them
const NOGROUP_GID = 65534;

export interface DovecotServer {
  host: string;
  port: number;
  user: string;
  password: string;
  /** imap://user:pass@127.0.0.1:port/INBOX */
  url(mailbox?: string): string;
  append(raw: string | Buffer, mailbox?: string): Promise<void>;
  restart(): Promise<void>;
  stop(): Promise<void>;
  /** Deletes and recreates the mailbox, so it comes back with a new UIDVALIDITY. */
  recreateMailbox(mailbox?: string): Promise<void>;
  /** Changes the user's password, as rotating an app password does; the next login must use the new one. */
  setPassword(password: string): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function config(dir: string, port: number): string {
  return `protocols = imap
listen = 127.0.0.1
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
# Failed logins are answered after 2 s, growing to 15 s per IP (anvil penalty); tests repeat them.
auth_failure_delay = 0
passdb {
  driver = passwd-file
  args = scheme=PLAIN ${dir}/passwd
}
userdb {
  driver = static
  args = uid=${NOBODY_UID} gid=${NOGROUP_GID} home=${dir}/mail/%u
}
mail_location = maildir:${dir}/mail/%u/Maildir
first_valid_uid = 1
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
`;
}

/** Resolves once the port answers with an IMAP greeting. */
async function waitForGreeting(port: number, child: ChildProcess, logFile: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      const log = await readFile(logFile, 'utf8').catch(() => '');
      throw new Error(`dovecot exited (${child.exitCode ?? child.signalCode}) before accepting connections:\n${log}`);
    }
    const greeted = await new Promise<boolean>((resolve) => {
      const sock = net.connect(port, '127.0.0.1');
      let buf = '';
      const done = (ok: boolean) => { sock.destroy(); resolve(ok); };
      sock.setTimeout(1000, () => done(false));
      sock.on('error', () => done(false));
      sock.on('data', (d) => { buf += d.toString(); if (buf.includes('\r\n')) done(buf.startsWith('* OK')); });
    });
    if (greeted) return;
    if (Date.now() > deadline) throw new Error(`dovecot did not greet on 127.0.0.1:${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function chownTree(p: string): Promise<void> {
  await chown(p, NOBODY_UID, NOGROUP_GID);
  for (const e of await readdir(p, { withFileTypes: true })) {
    const child = path.join(p, e.name);
    if (e.isDirectory()) await chownTree(child);
    else await chown(child, NOBODY_UID, NOGROUP_GID);
  }
}

export async function startDovecot(opts: { user?: string; password?: string } = {}): Promise<DovecotServer> {
  if (!existsSync(DOVECOT_BIN)) throw new Error('dovecot not installed: run scripts/install-test-deps.sh');
  const user = opts.user ?? 'support@example.test';
  let password = opts.password ?? 'secret-pass';
  // Short base path: dovecot's unix sockets live under base_dir and sun_path is limited to 108 bytes.
  const dir = await mkdtemp(path.join(os.tmpdir(), 'dovecot-'));
  await chmod(dir, 0o755); // login processes run as dovenull and must traverse it
  const mailRoot = path.join(dir, 'mail');
  for (const d of ['run', 'state', 'mail']) await mkdir(path.join(dir, d), { recursive: true });
  await chown(mailRoot, NOBODY_UID, NOGROUP_GID);
  const passwdFile = path.join(dir, 'passwd');
  // Written beside and renamed: dovecot re-reads passwd-file when it changes, and must never see half a file.
  const writePasswd = async () => {
    await writeFile(`${passwdFile}.tmp`, `${user}:{PLAIN}${password}::::::\n`, { mode: 0o644 });
    await rename(`${passwdFile}.tmp`, passwdFile);
  };
  await writePasswd();
  const port = await freePort();
  const confFile = path.join(dir, 'dovecot.conf');
  await writeFile(confFile, config(dir, port));
  const logFile = path.join(dir, 'dovecot.log');

  let child: ChildProcess | null = null;
  const launch = async () => {
    // detached: own process group, so stop() reaches the master and all its children.
    const c = spawn(DOVECOT_BIN, ['-F', '-c', confFile], { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
    // A crashed or interrupted test run must not leave a detached dovecot behind.
    const reap = () => { try { process.kill(-c.pid!, 'SIGKILL'); } catch { /* gone */ } };
    process.once('exit', reap);
    c.once('exit', () => process.off('exit', reap));
    let stderr = '';
    c.stderr?.on('data', (d) => { stderr += d.toString(); });
    child = c;
    try {
      await waitForGreeting(port, c, logFile);
    } catch (err) {
      await kill();
      throw new Error(`${(err as Error).message}\n${stderr}`);
    }
  };
  const kill = async () => {
    const c = child;
    child = null;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise<void>((r) => c.once('exit', () => r()));
    const signal = (s: NodeJS.Signals) => { try { process.kill(-c.pid!, s); } catch { /* already gone */ } };
    signal('SIGTERM');
    const timer = setTimeout(() => signal('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
    signal('SIGKILL'); // stragglers (imap processes) that outlived the master
  };

  const withClient = async <T>(fn: (c: ImapFlow) => Promise<T>): Promise<T> => {
    const c = new ImapFlow({ host: '127.0.0.1', port, secure: false, auth: { user, pass: password }, logger: false });
    await c.connect();
    try { return await fn(c); } finally { await c.logout().catch(() => c.close()); }
  };
  const mailboxDir = (mailbox: string) =>
    path.join(mailRoot, user, 'Maildir', mailbox.toUpperCase() === 'INBOX' ? '' : `.${mailbox}`);

  await launch();
  return {
    host: '127.0.0.1',
    port,
    user,
    get password() { return password; },
    url: (mailbox = 'INBOX') =>
      `imap://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(mailbox)}`,
    append: (raw, mailbox = 'INBOX') =>
      withClient(async (c) => {
        if (mailbox.toUpperCase() !== 'INBOX') await c.mailboxCreate(mailbox).catch(() => undefined);
        const res = await c.append(mailbox, raw);
        if (!res) throw new Error(`APPEND to ${mailbox} failed`);
      }),
    restart: async () => { await kill(); await launch(); },
    setPassword: async (next) => { password = next; await writePasswd(); },
    stop: async () => { await kill(); await rm(dir, { recursive: true, force: true }); },
    recreateMailbox: async (mailbox = 'INBOX') => {
      if (mailbox.toUpperCase() !== 'INBOX') {
        await withClient(async (c) => { await c.mailboxDelete(mailbox).catch(() => undefined); await c.mailboxCreate(mailbox); });
        return;
      }
      // IMAP cannot DELETE INBOX, so wipe its maildir offline. Dovecot then assigns a fresh UIDVALIDITY
      // (the dovecot-uidvalidity* files are kept so the new value is strictly greater). Open
      // connections are dropped by the restart, as a real mailbox reset would do.
      await kill();
      const inbox = mailboxDir('INBOX');
      for (const e of await readdir(inbox).catch(() => [] as string[])) {
        if (['cur', 'new', 'tmp', 'dovecot-uidlist'].includes(e) || e.startsWith('dovecot.index')) {
          await rm(path.join(inbox, e), { recursive: true, force: true });
        }
      }
      if (existsSync(inbox)) await chownTree(inbox);
      await launch();
    },
  };
}
