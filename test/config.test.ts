import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';
import { runCli } from './support/child-service.js';

describe('configuration', () => {
  it('needs nothing at all: the embedded defaults', () => {
    const config = loadConfig({}, '/nonexistent/.env');
    expect(config).toMatchObject({ DATA_DIR: './data', PORT: 3000, INBOUND_SMTP_PORT: 2525, FIRST_REPLY_MINUTES: 240, BUSINESS_DAYS: [1, 2, 3, 4, 5] });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.SMTP_URL).toBeUndefined();
  });

  it.each([
    ['PORT', 'abc', /PORT/],
    ['TIME_ZONE', 'Mars/Olympus', /TIME_ZONE: expected an IANA time zone/],
    ['SMTP_URL', 'http://mail.example.com', /SMTP_URL: expected a URL starting with smtp:\/\/ or smtps:\/\//],
    ['IMAP_URL', 'imap://a:b@host/INBOX,pop3://x', /IMAP_URL/],
    ['BUSINESS_DAYS', '1,2,9', /BUSINESS_DAYS: expected ISO weekdays/],
    ['INBOUND_TOKEN', 'short', /INBOUND_TOKEN: expected a secret of at least 16 characters/],
    ['DATABASE_URL', 'mysql://x', /DATABASE_URL/],
  ])('rejects %s=%s naming the variable and what it expects', (name, value, message) => {
    expect(() => loadConfig({ [name]: value }, '/nonexistent/.env')).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value }, '/nonexistent/.env')).toThrow(message);
  });

  it('never echoes a secret back in the error', () => {
    expect(() => loadConfig({ SMTP_URL: 'http://user:hunter2@mail.example.com' }, '/nonexistent/.env')).toThrow(/a value of \d+ characters/);
    try {
      loadConfig({ SMTP_URL: 'http://user:hunter2@mail.example.com' }, '/nonexistent/.env');
    } catch (err) {
      expect(String(err)).not.toContain('hunter2');
    }
  });

  it('stops `firstreply start` with exit code 78 and the reason on stderr', async () => {
    const result = await runCli(['start'], { PORT: 'not-a-port', DATA_DIR: '/tmp/firstreply-config-test' });
    expect(result.code).toBe(78);
    expect(result.stderr).toMatch(/Invalid configuration:\n\s+PORT:/);
  });
});
