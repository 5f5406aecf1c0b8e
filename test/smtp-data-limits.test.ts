// SMTP DATA past the size limit (issue 17, item 7): the listener answers 552, keeps nothing past the limit, and the bytes
// it holds per client address stay under the cap however many messages a client sends at once. Checked through the
// listener's own accounting (DataBudget), not timing or resident memory.
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Mailbox } from '../src/db/schema/mailboxes.js';
import type { Inbound } from '../src/mail/inbound.js';
import { createSmtpListener, type SmtpListener } from '../src/mail/smtp-listener.js';
import { createLogger } from '../src/logger.js';

const KiB = 1024;
const LIMIT = 256 * KiB;

/** The storage side is not under test here: it records what reached it. */
function recordingInbound() {
  const stored: number[] = [];
  const inbound = {
    mailboxForRecipient: () => ({ id: 1 }) as Mailbox,
    receive: async (_m: Mailbox, _s: string, raw: Buffer) => {
      stored.push(raw.length);
      return {};
    },
  } as unknown as Inbound;
  return { inbound, stored };
}

/** A plain SMTP client that streams `bytes` of message body without announcing SIZE, and returns the DATA answer. */
async function sendBig(port: number, bytes: number, opts: { size?: number } = {}): Promise<string> {
  const socket = net.connect(port, '127.0.0.1');
  socket.setEncoding('utf8');
  let buffer = '';
  const waiters: ((line: string) => void)[] = [];
  socket.on('data', (d: string) => {
    buffer += d;
    for (;;) {
      const m = /^(\d{3}) .*\r\n/m.exec(buffer);
      if (!m) break;
      buffer = buffer.slice(m.index + m[0].length);
      waiters.shift()?.(m[0].trim());
    }
  });
  socket.on('error', () => undefined);
  const reply = () => new Promise<string>((r) => waiters.push(r));
  const command = async (line: string) => { socket.write(`${line}\r\n`); return reply(); };
  try {
    await reply(); // greeting
    await command('EHLO client.test');
    const mail = await command(`MAIL FROM:<big@client.test>${opts.size ? ` SIZE=${opts.size}` : ''}`);
    if (!mail.startsWith('250')) return mail;
    await command('RCPT TO:<support@shop.test>');
    const go = await command('DATA');
    if (!go.startsWith('354')) return go;
    const answer = reply();
    socket.write('Subject: big\r\n\r\n');
    const line = `${'x'.repeat(1022)}\r\n`; // 1 KiB a line
    const chunk = line.repeat(64); // 64 KiB a write
    for (let sent = 0; sent < bytes; sent += chunk.length) {
      if (!socket.write(chunk)) await new Promise((r) => socket.once('drain', r));
    }
    socket.write('.\r\n');
    return await answer;
  } finally {
    socket.destroy();
  }
}

describe('SMTP DATA past the limit', () => {
  let listener: SmtpListener | undefined;
  afterEach(async () => {
    await new Promise<void>((r) => (listener ? listener.close(() => r()) : r()));
    listener = undefined;
  });

  async function start(limits: { maxBytesInFlightPerIp: number; maxBytesInFlight?: number }) {
    const { inbound, stored } = recordingInbound();
    listener = createSmtpListener({
      inbound, defaultMailbox: { id: 1 } as Mailbox, host: '127.0.0.1', maxBytes: LIMIT, log: createLogger('silent'),
      limits: { maxBytesInFlight: 64 * LIMIT, ...limits },
    });
    await new Promise<void>((r) => listener!.listen(0, '127.0.0.1', r));
    return { port: (listener.server.address() as net.AddressInfo).port, stored };
  }

  it('answers 552 to a message 16 times the limit and never holds more than the limit for it', async () => {
    const { port, stored } = await start({ maxBytesInFlightPerIp: 4 * LIMIT });
    expect(await sendBig(port, 16 * LIMIT)).toMatch(/^552 /);
    expect(stored).toEqual([]);
    // the limit plus at most one chunk smtp-server hands over, never the 4 MiB sent
    expect(listener!.dataBudget.peakBytes).toBeLessThanOrEqual(LIMIT + 64 * KiB);
    expect(listener!.dataBudget.bufferedBytes).toBe(0);
  });

  it('two such messages at once from one address: both refused, together never more than the per-address cap', async () => {
    const { port, stored } = await start({ maxBytesInFlightPerIp: LIMIT });
    const answers = await Promise.all([sendBig(port, 16 * LIMIT), sendBig(port, 16 * LIMIT)]);
    for (const a of answers) expect(a).toMatch(/^(552|452) /);
    expect(answers.some((a) => a.startsWith('552'))).toBe(true);
    expect(stored).toEqual([]);
    expect(listener!.dataBudget.peakBytes).toBeLessThanOrEqual(LIMIT);
    expect(listener!.dataBudget.bufferedBytes).toBe(0);
  });

  it('a message under the limit is stored, and what it held is given back', async () => {
    const { port, stored } = await start({ maxBytesInFlightPerIp: LIMIT });
    expect(await sendBig(port, LIMIT / 2)).toMatch(/^250 /);
    expect(stored).toHaveLength(1);
    expect(listener!.dataBudget.bufferedBytes).toBe(0);
  });

  it('a client announcing SIZE above the limit is refused at MAIL FROM, before any data', async () => {
    const { port } = await start({ maxBytesInFlightPerIp: LIMIT });
    expect(await sendBig(port, LIMIT, { size: 700 * 1024 * 1024 })).toMatch(/^552 /);
    expect(listener!.dataBudget.peakBytes).toBe(0);
  });

  it('a client that goes away mid-message gives back what it held', async () => {
    const { port } = await start({ maxBytesInFlightPerIp: LIMIT });
    const socket = net.connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    const lines: string[] = [];
    socket.on('data', (d) => lines.push(String(d)));
    const until = async (re: RegExp) => { while (!lines.join('').match(re)) await new Promise((r) => setTimeout(r, 10)); };
    await until(/^220 /m);
    socket.write('EHLO c.test\r\nMAIL FROM:<a@c.test>\r\nRCPT TO:<support@shop.test>\r\nDATA\r\n');
    await until(/^354 /m);
    socket.write(`Subject: x\r\n\r\n${'y'.repeat(1000)}\r\n`.repeat(50));
    while (listener!.dataBudget.bufferedBytes === 0) await new Promise((r) => setTimeout(r, 10));
    socket.destroy();
    while (listener!.dataBudget.bufferedBytes !== 0) await new Promise((r) => setTimeout(r, 10));
    expect(listener!.dataBudget.bufferedBytes).toBe(0);
  });
});
