import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const cliPath = path.join(root, 'bin/firstreply.js');

export interface ChildService {
  process: ChildProcess;
  httpPort: number;
  smtpPort: number | null;
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts `firstreply start` as a real separate process and resolves once it logged that it started. */
// Child processes would reach the machine's DNS for sender authentication; it is tested in-process with a fake zone.
// CHILD_NODE_ARGS (space-separated) go to node before the CLI, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile
// the children of bench/workers.ts.
export async function startChildService(env: Record<string, string>, timeoutMs = 60_000): Promise<ChildService> {
  const child = spawn(process.execPath, [...(process.env.CHILD_NODE_ARGS?.split(' ') ?? []), cliPath, 'start'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', LOG_LEVEL: 'info', SENDER_AUTH: 'off', SEMANTIC_MODEL: 'off', DATABASE_POOL_MAX: '1', PORT: '0', INBOUND_SMTP_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += String(d)));
  const started = await new Promise<{ httpPort: number; smtpPort: number | null }>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL'); // never left running behind a failed test
      reject(new Error(`child service did not start in ${timeoutMs} ms (it must log 'firstreply started' at info): ${stderr}`));
    }, timeoutMs);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const entry = JSON.parse(line);
        if (entry.msg === 'firstreply started') {
          clearTimeout(timer);
          resolve({ httpPort: entry.httpPort, smtpPort: entry.smtpPort });
        }
      } catch {
        // not a log line
      }
    });
    void exited.then((code) => reject(new Error(`child service exited with ${code} before starting: ${stderr}`)));
  });
  return {
    process: child,
    ...started,
    exited,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Runs the CLI to completion and returns its exit code and output. */
export function runCli(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cliPath, ...args], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', LOG_LEVEL: 'silent', SENDER_AUTH: 'off', SEMANTIC_MODEL: 'off', DATABASE_POOL_MAX: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += String(d)));
    child.stderr.on('data', (d) => (stderr += String(d)));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}
