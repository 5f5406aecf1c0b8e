// What an operator shares from an info-level log must not carry a customer's words or address, nor any secret:
// a full flow (SMTP in, acknowledgement out, API calls with both tokens, a refused delivery) with the logger's
// output captured, then searched for every distinctive value the flow used.
import net from 'node:net';
import { eq } from 'drizzle-orm';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outbox } from '../src/db/schema/outbox.js';
import { createLogger, type DestinationStream } from '../src/logger.js';
import { startService, type Service } from '../src/service.js';
import { openTestDatabase, type TestDatabase } from './support/database.js';
import { fakeResolver } from './support/dns.js';
import { customerEmail, eventually, sendRaw } from './support/mail.js';
import { TEST_API_TOKEN, TEST_INBOUND_TOKEN, testConfig } from './support/service.js';

interface AuthSink {
  port: number;
  messages: { envelopeTo: string[] }[];
  logins: string[];
  setFailure(mode: null | { code: number; message: string }): void;
  stop(): Promise<void>;
}

/** Like test/support/smtp-sink.ts, but it requires AUTH with the password: proof that the password was used. */
async function startAuthSink(user: string, password: string): Promise<AuthSink> {
  const messages: AuthSink['messages'] = [];
  const logins: string[] = [];
  let failure: null | { code: number; message: string } = null;
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    logger: false,
    closeTimeout: 500,
    onAuth(auth, _session, callback) {
      if (auth.username !== user || auth.password !== password) return callback(new Error('bad credentials'));
      logins.push(auth.username!);
      callback(null, { user: auth.username });
    },
    onData(stream, session, callback) {
      stream.resume();
      stream.on('end', () => {
        if (failure) return callback(Object.assign(new Error(failure.message), { responseCode: failure.code }));
        messages.push({ envelopeTo: session.envelope.rcptTo.map((r) => r.address) });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  server.on('error', () => undefined);
  return {
    port: (server.server.address() as net.AddressInfo).port,
    messages,
    logins,
    setFailure: (mode) => void (failure = mode),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const SMTP_PASSWORD = 'Sm7pPassw0rd-zebra-quartz';
const BODY = 'My purple giraffe umbrella arrived folded into seventeen origami swans.';
const SUBJECT = 'Origami swans instead of an umbrella';
const CUSTOMER = 'Quentin.Marlowe-7731@customer-logs.test';
const SECOND_BODY = 'The replacement kazoo hums the anthem of a country that does not exist.';
const SECOND_SUBJECT = 'Humming kazoo of a nonexistent nation';
const SECOND_CUSTOMER = 'ottilie.vanderberg-4410@customer-logs.test';

function capture(): DestinationStream & { lines: string[] } {
  const lines: string[] = [];
  return { lines, write: (chunk: string) => void lines.push(...chunk.split('\n').filter(Boolean)) };
}

describe('logs at the default level', () => {
  let t: TestDatabase;
  let sink: AuthSink;
  let service: Service | undefined;
  const out = capture();

  beforeAll(async () => {
    t = await openTestDatabase('pglite');
    sink = await startAuthSink('firstreply', SMTP_PASSWORD);
    const config = testConfig({ LOG_LEVEL: 'info', SMTP_URL: `smtp://firstreply:${SMTP_PASSWORD}@127.0.0.1:${sink.port}`, OUTBOX_MAX_ATTEMPTS: '1' });
    service = await startService(config, { database: t.database, resolver: fakeResolver({}), log: createLogger(config.LOG_LEVEL, out) });
  });
  afterAll(async () => {
    await service?.stop();
    await sink.stop();
    await t.stop();
  });

  it('carries no message body, subject, customer address, token or SMTP password', async () => {
    const s = service!;
    // 1. A customer writes through the SMTP listener and is acknowledged through the SMTP sink.
    await sendRaw(s.smtpPort!, customerEmail({ from: `Quentin Marlowe <${CUSTOMER}>`, subject: SUBJECT, body: BODY }), { from: CUSTOMER, to: ['support@shop.test'] });
    await eventually(() => sink.messages.find((m) => m.envelopeTo[0] === CUSTOMER.toLowerCase()), 30_000, 'the acknowledgement');
    expect(sink.logins.length).toBeGreaterThan(0);

    // 2. API calls with the API token (and a wrong one), and a message through the webhook with INBOUND_TOKEN.
    const base = `http://127.0.0.1:${s.httpPort}`;
    expect((await fetch(`${base}/api/cases`, { headers: { authorization: `Bearer ${TEST_API_TOKEN}` } })).status).toBe(200);
    expect((await fetch(`${base}/api/cases`, { headers: { authorization: `Bearer ${TEST_API_TOKEN}x` } })).status).toBe(401);

    // 3. The next acknowledgement is refused by the server, whose answer names the recipient (as real servers' do).
    sink.setFailure({ code: 550, message: `5.1.1 <${SECOND_CUSTOMER}>: Recipient address rejected: ${SECOND_SUBJECT}` });
    const raw = customerEmail({ from: SECOND_CUSTOMER, subject: SECOND_SUBJECT, body: SECOND_BODY });
    const res = await fetch(`${base}/api/inbound/raw`, { method: 'POST', headers: { authorization: `Bearer ${TEST_INBOUND_TOKEN}` }, body: raw });
    expect(res.status).toBe(202);
    await eventually(async () => {
      const [row] = await t.database.db.select().from(outbox).where(eq(outbox.toAddress, SECOND_CUSTOMER));
      return row?.status === 'failed' ? row : undefined;
    }, 30_000, 'the refused acknowledgement to be recorded');
    await eventually(() => out.lines.some((l) => l.includes('outgoing mail not delivered')), 5000, 'the delivery failure in the log');
    sink.setFailure(null);
    await s.stop();
    service = undefined;

    const messages = out.lines.map((l) => JSON.parse(l).msg as string);
    // The capture saw the flow, so the absence below means something.
    expect(messages).toEqual(expect.arrayContaining(['firstreply started', 'message processed', 'mail delivered', 'outgoing mail not delivered', 'firstreply stopped']));
    // …and the delivery failure is still diagnosable from its codes.
    const failure = out.lines.map((l) => JSON.parse(l)).find((l) => l.msg === 'outgoing mail not delivered');
    expect(failure).toMatchObject({ level: 40, responseCode: 550, retry: false });
    const text = out.lines.join('\n').toLowerCase();
    const secrets = {
      body: BODY, subject: SUBJECT, address: CUSTOMER, secondBody: SECOND_BODY, secondSubject: SECOND_SUBJECT, secondAddress: SECOND_CUSTOMER,
      apiToken: TEST_API_TOKEN, inboundToken: TEST_INBOUND_TOKEN, smtpPassword: SMTP_PASSWORD,
    };
    // Fragments too: a truncated or re-wrapped value must not slip through either.
    const leaks = Object.entries(secrets).flatMap(([name, value]) =>
      [value, value.slice(0, 20), value.slice(-20)].filter((v) => text.includes(v.toLowerCase())).map((v) => `${name}: ${v}`));
    expect(leaks).toEqual([]);
  });

  it('keeps the query parameters of a failed database query out of a logged error', () => {
    const lines = capture();
    const log = createLogger('info', lines);
    // drizzle's DrizzleQueryError puts every bound value (raw mail, bodies, addresses) into its message.
    const err = Object.assign(new Error(`Failed query: insert into "inbound_messages" ("raw") values ($1)\nparams: ${BODY},${CUSTOMER}`), {
      query: 'insert into "inbound_messages" ("raw") values ($1)', params: [BODY, CUSTOMER],
      // …and the driver's error under it names row values in detail and where.
      cause: Object.assign(new Error('duplicate key value violates unique constraint'), { code: '23505', detail: `Key (from_address)=(${CUSTOMER}) already exists.`, where: `JSON data, line 1: ${BODY}` }),
    });
    log.error({ err }, 'as an Error');
    log.error({ err: err.message }, 'as its message');
    expect(lines.lines).toHaveLength(2);
    const text = lines.lines.join('\n');
    expect(text).toContain('Failed query: insert into');
    const logged = JSON.parse(lines.lines[0]!).err;
    expect(logged.stack).toMatch(/params: \(not logged\)\n {4}at /);
    // What went wrong stays: the driver's message and both stacks.
    expect(logged.message).toMatch(/params: \(not logged\): duplicate key value violates unique constraint$/);
    expect(logged.stack).toContain('caused by: Error: duplicate key value violates unique constraint');
    expect(text).not.toContain(BODY);
    expect(text).not.toContain(CUSTOMER);
  });
});
