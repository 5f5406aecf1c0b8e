import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig, type Config } from '../../src/config.js';
import { startService, type Service } from '../../src/service.js';
import type { TestDatabase } from './database.js';
import type { Resolver } from '../../src/mail/sender-auth.js';
import { fakeResolver } from './dns.js';

export const TEST_INBOUND_TOKEN = 'test-inbound-token-0123456789';
export const TEST_API_TOKEN = 'test-api-token-0123456789abcd';

/** Settings every in-process test service shares: free ports, a temp data dir, fast retries, quiet logs. */
export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig(
    {
      PORT: '0',
      INBOUND_SMTP_PORT: '0',
      DATA_DIR: mkdtempSync(path.join(tmpdir(), 'firstreply-test-')),
      SUPPORT_ADDRESS: 'support@shop.test',
      MESSAGE_ID_DOMAIN: 'firstreply.test',
      INBOUND_TOKEN: TEST_INBOUND_TOKEN,
      API_TOKEN: TEST_API_TOKEN,
      OUTBOX_RETRY_BASE_MS: '200',
      // no canary lookup against the fake zones by default; tests of the canary name one (test/dns-canary.db.test.ts)
      DNS_CANARY_NAME: 'off',
      // the sentence encoder costs ~300 MB and seconds per process: on only where a test asks for it
      SEMANTIC_MODEL: 'off',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      ...overrides,
    },
    '/nonexistent/.env',
  );
}

/** DNS for sender authentication: by default an empty zone (no DMARC anywhere), never the machine's resolver. */
export async function startTestService(db: TestDatabase, overrides: Record<string, string> = {}, opts: { resolver?: Resolver } = {}): Promise<Service> {
  const config = testConfig(overrides);
  const service = await startService(config, { database: db.database, resolver: opts.resolver ?? fakeResolver({}) });
  const stop = service.stop.bind(service);
  service.stop = async () => {
    await stop();
    rmSync(config.DATA_DIR, { recursive: true, force: true });
  };
  return service;
}

export function api(service: Service, pathname: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (!headers.has('authorization')) headers.set('authorization', `Bearer ${TEST_API_TOKEN}`);
  return fetch(`http://127.0.0.1:${service.httpPort}${pathname}`, { ...init, headers });
}
