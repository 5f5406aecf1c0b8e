// A throwaway PostgreSQL 15 cluster with pgvector (scripts/install-test-deps.sh installs both) for the tests and the
// benchmarks: initdb in a temp directory, trust authentication, listening on loopback only, on a free port; stop()
// shuts it down and deletes it. Nothing depends on a system service, and nothing outlives the run but a crash.
import { execFile, execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './dovecot.js';

const run = promisify(execFile);
export const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';

export interface PostgresCluster {
  port: number;
  /** postgres:// URL of one database of the cluster, as the superuser 'postgres' */
  url(database?: string): string;
  stop(): Promise<void>;
  /** for process 'exit' handlers, which cannot wait for a promise */
  stopSync(): void;
}

export interface ClusterOptions {
  /** Tests only: no fsync, no synchronous commit. What they prove is how sessions interleave, not durability through
   * a power cut; the benchmarks keep PostgreSQL's defaults so their figures mean what production would see. */
  volatile?: boolean;
  /** extra `-c name=value` server settings */
  settings?: Record<string, string>;
}

/** Why a cluster cannot start here, in one line, or undefined when it can. */
export function postgresMissing(): string | undefined {
  for (const bin of ['initdb', 'pg_ctl', 'postgres']) {
    if (!existsSync(path.join(PG_BIN, bin))) return `${PG_BIN}/${bin} not found: run scripts/install-test-deps.sh (PostgreSQL 15 and pgvector)`;
  }
  if (!existsSync('/usr/share/postgresql/15/extension/vector.control')) return 'pgvector is not installed for PostgreSQL 15: run scripts/install-test-deps.sh';
  return undefined;
}

export async function startPostgresCluster(opts: ClusterOptions = {}): Promise<PostgresCluster> {
  const missing = postgresMissing();
  if (missing) throw new Error(missing);
  // PostgreSQL refuses to run as root: as root, the cluster belongs to the 'postgres' user the package created.
  const asRoot = userInfo().uid === 0;
  const wrap = (cmd: string, args: string[]): [string, string[]] => (asRoot ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args]);
  const exec = (cmd: string, args: string[]) => run(...wrap(path.join(PG_BIN, cmd), args), { cwd: '/' });
  const stopArgs = (data: string) => ['-D', data, '-m', 'immediate', '-w', 'stop'];

  const dir = mkdtempSync(path.join(tmpdir(), 'firstreply-pg-'));
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    chownSync(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  const data = path.join(dir, 'data');
  const log = path.join(dir, 'server.log');
  try {
    await exec('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync']);
    const settings: Record<string, string> = {
      listen_addresses: '127.0.0.1',
      unix_socket_directories: dir,
      // Parallel test files, each with a pool, and three worker processes with pg-boss's pool beside their own.
      max_connections: '300',
      ...(opts.volatile ? { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' } : {}),
      ...opts.settings,
    };
    const serverArgs = Object.entries(settings).map(([k, v]) => `-c ${k}=${v}`).join(' ');
    // freePort() lets the port go before the server takes it: another process may win it in between, so try again.
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      try {
        await exec('pg_ctl', ['-D', data, '-l', log, '-w', '-t', '60', '-o', `-p ${port} ${serverArgs}`, 'start']);
      } catch (err) {
        if (attempt < 3) continue;
        throw new Error(`PostgreSQL did not start: ${String(err)}\n${existsSync(log) ? readFileSync(log, 'utf8').slice(-2000) : ''}`);
      }
      watchOwner(dir, asRoot);
      return {
        port,
        url: (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`,
        // 'immediate': the cluster is deleted right after, so nothing needs to reach the disk first.
        async stop() {
          await exec('pg_ctl', stopArgs(data)).catch(() => undefined);
          rmSync(dir, { recursive: true, force: true });
        },
        stopSync() {
          if (!existsSync(dir)) return;
          try {
            execFileSync(...wrap(path.join(PG_BIN, 'pg_ctl'), stopArgs(data)), { cwd: '/', stdio: 'ignore' });
          } catch {
            // already stopped
          }
          rmSync(dir, { recursive: true, force: true });
        },
      };
    }
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

/**
 * pg_ctl detaches the server, so a test run killed before its teardown (a timeout, Ctrl-C, SIGKILL) would leave it
 * running for good. A small shell watches this process and stops and deletes the cluster once it is gone; after a
 * normal stop() it finds the data directory gone and simply ends.
 */
function watchOwner(dir: string, asRoot: boolean): void {
  const script = `while kill -0 "$OWNER" 2>/dev/null && [ -d "$DIR/data" ]; do sleep 2; done
if [ -d "$DIR/data" ]; then
  if [ "$AS_ROOT" = 1 ]; then runuser -u postgres -- "$PG_CTL" -D "$DIR/data" -m immediate -w stop; else "$PG_CTL" -D "$DIR/data" -m immediate -w stop; fi
  rm -rf "$DIR"
fi`;
  spawn('sh', ['-c', script], {
    detached: true, stdio: 'ignore', cwd: '/',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', OWNER: String(process.pid), DIR: dir, PG_CTL: path.join(PG_BIN, 'pg_ctl'), AS_ROOT: asRoot ? '1' : '0' },
  }).unref();
}
