import { afterEach, describe, expect, it } from 'vitest';
import nodemailer from 'nodemailer';
import { startSmtpSink, type SmtpSink } from './support/smtp-sink.js';

let sink: SmtpSink | undefined;
afterEach(async () => { await sink?.stop(); sink = undefined; });

function transport(url: string) {
  return nodemailer.createTransport({ url, pool: true, tls: { rejectUnauthorized: false } } as never);
}

const mail = (n: number) => ({
  from: 'Support <support@example.test>',
  to: ['customer@example.test', 'cc@example.test'],
  subject: `Case ${n}`,
  text: `body ${n}`,
  messageId: `<case-${n}@example.test>`,
  headers: { 'Auto-Submitted': 'auto-replied' },
});

describe('smtp sink', () => {
  it('records envelope, raw bytes and headers', async () => {
    sink = await startSmtpSink();
    expect(sink.url).toBe(`smtp://127.0.0.1:${sink.port}`);
    const t = transport(sink.url);
    await t.sendMail(mail(1));
    const [m] = await sink.waitFor(1);
    expect(m.envelopeFrom).toBe('support@example.test');
    expect(m.envelopeTo).toEqual(['customer@example.test', 'cc@example.test']);
    expect(m.messageId).toBe('<case-1@example.test>');
    expect(m.headers.get('subject')).toBe('Case 1');
    expect(m.headers.get('auto-submitted')).toBe('auto-replied');
    expect(m.raw.toString()).toContain('body 1');
    t.close();
  });

  it('rejects DATA with the configured code, then recovers', async () => {
    sink = await startSmtpSink();
    const t = transport(sink.url);
    sink.setFailure({ code: 451, message: 'try later' });
    const err = (await t.sendMail(mail(2)).catch((e: unknown) => e)) as { responseCode?: number };
    expect(err.responseCode).toBe(451);
    expect(sink.messages).toHaveLength(0);
    sink.setFailure(null);
    await t.sendMail(mail(3));
    const [m] = await sink.waitFor(1);
    expect(m.messageId).toBe('<case-3@example.test>');
    t.close();
  });

  it('restarts on the same port after stop', async () => {
    sink = await startSmtpSink();
    const port = sink.port;
    await sink.stop();
    const down = nodemailer.createTransport({ url: sink.url, connectionTimeout: 1000 } as never);
    await expect(down.sendMail(mail(4))).rejects.toThrow();
    await sink.start();
    expect(sink.port).toBe(port);
    await nodemailer.createTransport({ url: sink.url } as never).sendMail(mail(5));
    await expect(sink.waitFor(1)).resolves.toHaveLength(1);
    await expect(sink.waitFor(2, 100)).rejects.toThrow(/expected 2/);
  });
});
