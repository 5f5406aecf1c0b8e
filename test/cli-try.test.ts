// `firstreply try` (README, Quick start): a sample customer email to a running service, and its acknowledgement shown.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startChildService, type ChildService } from './support/child-service.js';

describe('firstreply try', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'firstreply-try-'));
  let service: ChildService;
  let env: Record<string, string>;

  beforeAll(async () => {
    service = await startChildService({ DATA_DIR: dataDir }, 180_000);
    env = { DATA_DIR: dataDir, PORT: String(service.httpPort), INBOUND_SMTP_PORT: String(service.smtpPort) };
  }, 200_000);
  afterAll(async () => {
    await service?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('sends a Spanish sample and prints the Spanish acknowledgement with its case reference', async () => {
    const r = await runCli(['try', '--language', 'es'], env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('acknowledgement: ');
    expect(r.stdout).toMatch(/Subject: Re: ¿Dónde está mi pedido\? \[FR-[A-Z0-9]+\]/);
    expect(r.stdout).toContain('Hola');
  }, 120_000);

  it('refuses an unknown language, and says when no service listens', async () => {
    expect((await runCli(['try', '--language', 'xx'], env)).code).toBe(2);
    const none = await runCli(['try'], { ...env, INBOUND_SMTP_PORT: '1' });
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('is `firstreply start` running?');
  }, 60_000);
});
