// `firstreply try`: sends a sample customer email to the running service's SMTP listener and shows what came back,
// so a new install can be tried with nothing else installed (issue 19). It only talks to the service over SMTP and
// HTTP: the embedded database belongs to the running process (DATA_DIR lock).
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { simpleParser } from 'mailparser';
import nodemailer from 'nodemailer';
import type { Config } from '../config.js';

const SAMPLES: Record<string, { subject: string; text: string; from: string }> = {
  en: { from: 'Sam Carter <sam.carter@example.com>', subject: 'Where is my order?', text: 'Hello,\n\nI ordered a lamp last week and it has not arrived yet. Can you tell me when it will come?\n\nThanks,\nSam' },
  es: { from: 'Lucía Gómez <lucia.gomez@example.com>', subject: '¿Dónde está mi pedido?', text: 'Hola,\n\nhice un pedido la semana pasada y todavía no ha llegado. ¿Cuándo llegará?\n\nGracias,\nLucía' },
  de: { from: 'Jonas Weber <jonas.weber@example.com>', subject: 'Wo ist meine Bestellung?', text: 'Hallo,\n\nich habe letzte Woche bestellt und das Paket ist noch nicht da. Wann kommt es?\n\nViele Grüße\nJonas' },
};

export async function tryCommand(config: Config, args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { language: { type: 'string', default: 'en' }, wait: { type: 'string', default: '20' } } });
  const sample = SAMPLES[values.language!];
  if (!sample) {
    console.error(`try: --language must be one of ${Object.keys(SAMPLES).join(', ')}`);
    return 2;
  }
  const messageId = `<try-${Date.now()}@example.com>`;
  const host = config.INBOUND_SMTP_HOST === '0.0.0.0' ? '127.0.0.1' : config.INBOUND_SMTP_HOST;
  const transport = nodemailer.createTransport({ host, port: config.INBOUND_SMTP_PORT, secure: false, ignoreTLS: true });
  try {
    await transport.sendMail({ from: sample.from, to: config.SUPPORT_ADDRESS, subject: sample.subject, text: sample.text, messageId });
  } catch (err) {
    console.error(`try: could not send to the SMTP listener at ${host}:${config.INBOUND_SMTP_PORT} (${(err as Error).message}); is \`firstreply start\` running?`);
    return 1;
  }
  console.log(`sent "${sample.subject}" from ${sample.from} to ${config.SUPPORT_ADDRESS} (${messageId})`);
  if (config.SMTP_URL) {
    console.log('outgoing mail goes to SMTP_URL: look for the acknowledgement there, or in the web app');
    return 0;
  }
  const outbox = path.resolve(config.DATA_DIR, 'outbox');
  const deadline = Date.now() + Number(values.wait) * 1000;
  while (Date.now() < deadline) {
    const found = await acknowledgementOf(outbox, messageId);
    if (found) {
      console.log(`acknowledgement: ${found.file}\n\n${found.text}`);
      return 0;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  console.log(`no acknowledgement in ${outbox} after ${values.wait} s.`);
  const health = await fetch(`http://${host}:${config.PORT}/health`).then((r) => r.json() as Promise<{ alerts?: string[] }>).catch(() => null);
  for (const alert of health?.alerts ?? []) console.log(`health: ${alert}`);
  console.log('The reason is on the message: `firstreply messages` (with the service stopped) or the web app.');
  return 1;
}

async function acknowledgementOf(outbox: string, messageId: string): Promise<{ file: string; text: string } | null> {
  const files = await readdir(outbox).catch(() => [] as string[]);
  for (const name of files.filter((f) => f.endsWith('.eml'))) {
    const text = await readFile(path.join(outbox, name), 'utf8').catch(() => '');
    if (!text.includes(`In-Reply-To: ${messageId}`)) continue;
    const mail = await simpleParser(text);
    return { file: path.join(outbox, name), text: `To: ${mail.to && !Array.isArray(mail.to) ? mail.to.text : ''}\nSubject: ${mail.subject ?? ''}\n\n${mail.text ?? ''}` };
  }
  return null;
}
