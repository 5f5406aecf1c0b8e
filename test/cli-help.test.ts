// Issue 19 item 8: the CLI as the README writes it. `users create` without --name works, and --help lists every
// command the README's CLI section names.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliPath } from './support/child-service.js';

const root = path.resolve(path.dirname(cliPath), '..');

function cli(args: string[], env: Record<string, string>, input = ''): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cliPath, ...args], {
      cwd: root, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', LOG_LEVEL: 'silent', ...env }, stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += String(d)));
    child.stderr.on('data', (d) => (stderr += String(d)));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

/** "users create|set-password|list" -> ["users create", "users set-password", "users list"] */
function readmeCommands(): string[] {
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('\n## CLI'), readme.indexOf('\n## ', readme.indexOf('\n## CLI') + 5));
  const commands = new Set<string>();
  for (const line of section.split('\n').filter((l) => l.startsWith('- '))) {
    for (const [, code] of line.matchAll(/`([^`]+)`/g)) {
      if (code!.startsWith('npm ')) continue;
      const words: string[] = [];
      for (const w of code!.split(/\s+/)) {
        if (w.startsWith('-') || /^[A-Z]/.test(w) || w === '…') break;
        words.push(w);
      }
      if (words.length === 0) continue;
      const [first, second] = words;
      for (const alt of (second ?? first!).split('|')) commands.add(second ? `${first} ${alt}` : alt);
    }
  }
  return [...commands];
}

describe('the CLI as the README writes it', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'firstreply-cli-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('--help lists every command of the README', async () => {
    const commands = readmeCommands();
    expect(commands).toEqual(expect.arrayContaining(['start', 'users create', 'users set-password', 'kb gaps', 'eval', 'privacy erase', 'restore']));
    const help = await cli(['--help'], { DATA_DIR: dataDir });
    expect(help.code).toBe(0);
    const listed = help.stdout.split('\n').map((l) => l.trim());
    const missing = commands.filter((c) => !listed.some((l) => l === `firstreply ${c}` || l.startsWith(`firstreply ${c} `)));
    expect(missing).toEqual([]);
  });

  it('creates an admin with --email and --role only, named after the address', async () => {
    const created = await cli(['users', 'create', '--email', 'Ana.Lopez@Shop.example', '--role', 'admin', '--password-stdin'], { DATA_DIR: dataDir }, 'a-long-password-123\n');
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^created admin ana\.lopez@shop\.example /);
    const list = await cli(['users', 'list'], { DATA_DIR: dataDir });
    expect(list.stdout.split('\n').find((l) => l.includes('ana.lopez@shop.example'))!.split('\t')).toContain('Ana.Lopez');
  }, 300_000); // two CLI processes, each opening the embedded database
});
