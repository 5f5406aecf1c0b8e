// The admin's mailbox form: parsing and validation of its fields into a mailbox update, the SLA policy rows, and
// the "test connection" check of the configured IMAP/SMTP servers.
import { constants } from 'node:fs';
import { access, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';
import { casePriorities } from '../db/schema/cases.js';
import type { Mailbox } from '../db/schema/mailboxes.js';
import { EscalationRulesError, parseEscalationRules } from '../domain/escalation-rules.js';
import { isTimeZone } from '../domain/time-zone.js';
import { parseImapUrl } from '../mail/imap-watcher.js';
import { imapMailboxKey } from '../mailboxes/sync.js';
import { field, type Form } from './env.js';

export interface MailboxValues {
  matchThreshold: string; fallbackLanguages: string; autoSendMode: string; autoSendMinConfidence: string; escalationRules: string;
  timeZone: string; days: string[]; open: string; close: string; holidays: string; firstReplyMinutes: string;
  trustedRelays: string; dmarcNoneAction: string; dmarcTemperrorAction: string;
}

export function valuesFromMailbox(m: Mailbox): MailboxValues {
  return {
    matchThreshold: m.matchThreshold === null ? '' : String(m.matchThreshold),
    fallbackLanguages: m.fallbackLanguages.join(', '),
    autoSendMode: m.autoSendMode,
    autoSendMinConfidence: String(m.autoSendMinConfidence),
    escalationRules: m.escalationRules ? JSON.stringify(m.escalationRules, null, 2) : '',
    timeZone: m.timeZone,
    days: m.businessHours.days.map(String),
    open: m.businessHours.open,
    close: m.businessHours.close,
    holidays: m.businessHours.holidays.join(', '),
    firstReplyMinutes: String(m.firstReplyMinutes),
    trustedRelays: m.trustedRelays.join(', '),
    dmarcNoneAction: m.dmarcNoneAction,
    dmarcTemperrorAction: m.dmarcTemperrorAction,
  };
}

export function valuesFromForm(form: Form): MailboxValues {
  const days = form.days;
  return {
    matchThreshold: field(form, 'matchThreshold').trim(), fallbackLanguages: field(form, 'fallbackLanguages').trim(), autoSendMode: field(form, 'autoSendMode'),
    autoSendMinConfidence: field(form, 'autoSendMinConfidence').trim(), escalationRules: field(form, 'escalationRules'),
    timeZone: field(form, 'timeZone').trim(), days: (Array.isArray(days) ? days : days === undefined ? [] : [days]).filter((d): d is string => typeof d === 'string'),
    open: field(form, 'open').trim(), close: field(form, 'close').trim(), holidays: field(form, 'holidays').trim(),
    firstReplyMinutes: field(form, 'firstReplyMinutes').trim(),
    trustedRelays: field(form, 'trustedRelays').trim(),
    // a form without these fields (an older page) keeps the defaults
    dmarcNoneAction: field(form, 'dmarcNoneAction') || 'acknowledge', dmarcTemperrorAction: field(form, 'dmarcTemperrorAction') || 'withhold',
  };
}

const share = (v: string) => (/^(0(\.\d+)?|1(\.0+)?)$/.test(v) ? Number(v) : null);

/** The update for the mailbox row, or the errors by field name. */
export function mailboxUpdate(v: MailboxValues): { update: Partial<Mailbox> } | { errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const threshold = v.matchThreshold === '' ? null : share(v.matchThreshold);
  if (v.matchThreshold !== '' && threshold === null) errors.matchThreshold = 'a number from 0 to 1, or empty for the calibrated threshold';
  const fallbackLanguages = [...new Set(v.fallbackLanguages.toLowerCase().split(/[\s,]+/).filter(Boolean))];
  if (fallbackLanguages.some((l) => !/^[a-z]{2}$/.test(l)) || fallbackLanguages.length > 5) errors.fallbackLanguages = 'up to five two-letter language codes like en, de, separated by commas';
  if (!['off', 'shadow', 'on'].includes(v.autoSendMode)) errors.autoSendMode = 'off, shadow or on';
  const minConfidence = share(v.autoSendMinConfidence);
  if (minConfidence === null) errors.autoSendMinConfidence = 'a number from 0 to 1';
  let rules: Record<string, unknown> | null = null;
  if (v.escalationRules.trim()) {
    try {
      parseEscalationRules(v.escalationRules);
      rules = JSON.parse(v.escalationRules) as Record<string, unknown>;
    } catch (err) {
      errors.escalationRules = err instanceof EscalationRulesError ? err.message : 'not valid JSON';
    }
  }
  if (!isTimeZone(v.timeZone)) errors.timeZone = 'an IANA time zone like Europe/Berlin';
  const days = [...new Set(v.days.map(Number))].filter((d) => Number.isInteger(d) && d >= 1 && d <= 7).sort();
  if (days.length === 0 || days.length !== v.days.length) errors.days = 'choose at least one business day';
  const time = /^([01]\d|2[0-3]):[0-5]\d$/;
  if (!time.test(v.open)) errors.open = 'a time like 09:00';
  if (!time.test(v.close)) errors.close = 'a time like 17:00';
  else if (time.test(v.open) && v.close <= v.open) errors.close = 'after the opening time';
  const holidays = v.holidays ? v.holidays.split(/[\s,]+/).filter(Boolean) : [];
  if (holidays.some((d) => !/^\d{4}-\d\d-\d\d$/.test(d) || Number.isNaN(Date.parse(d)))) errors.holidays = 'dates like 2026-12-25, separated by commas';
  const minutes = /^\d{1,6}$/.test(v.firstReplyMinutes) ? Number(v.firstReplyMinutes) : 0;
  if (minutes <= 0) errors.firstReplyMinutes = 'a whole number of minutes above 0';
  const trustedRelays = [...new Set(v.trustedRelays.toLowerCase().split(/[\s,]+/).filter(Boolean))];
  if (trustedRelays.some((r) => !/^([^@\s]+@)?[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(r.replace(/^@/, '')))) {
    errors.trustedRelays = 'addresses like noreply@shop.example or domains like shop.example, separated by commas';
  }
  const actions = ['acknowledge', 'withhold'];
  if (!actions.includes(v.dmarcNoneAction)) errors.dmarcNoneAction = 'acknowledge or withhold';
  if (!actions.includes(v.dmarcTemperrorAction)) errors.dmarcTemperrorAction = 'acknowledge or withhold';
  if (Object.keys(errors).length) return { errors };
  return {
    update: {
      matchThreshold: threshold, fallbackLanguages, autoSendMode: v.autoSendMode as Mailbox['autoSendMode'], autoSendMinConfidence: minConfidence!, escalationRules: rules,
      timeZone: v.timeZone, businessHours: { days, open: v.open, close: v.close, holidays }, firstReplyMinutes: minutes,
      trustedRelays, dmarcNoneAction: v.dmarcNoneAction as Mailbox['dmarcNoneAction'], dmarcTemperrorAction: v.dmarcTemperrorAction as Mailbox['dmarcTemperrorAction'],
    },
  };
}

export type SlaRowValues = Record<string, { firstReplyMinutes: string; nextReplyMinutes: string; resolutionMinutes: string; reminderBeforeMinutes: string }>;
export type SlaRow = { priority: (typeof casePriorities)[number]; firstReplyMinutes: number; nextReplyMinutes: number; resolutionMinutes: number; reminderBeforeMinutes: number };

/** One row per priority; a priority with all fields empty uses the defaults derived from the mailbox (deleted). */
export function slaRows(form: Form): { values: SlaRowValues; rows: SlaRow[]; remove: string[]; errors: Record<string, string> } {
  const values: SlaRowValues = {};
  const rows: SlaRow[] = [];
  const remove: string[] = [];
  const errors: Record<string, string> = {};
  for (const p of casePriorities) {
    const v = {
      firstReplyMinutes: field(form, `${p}.firstReplyMinutes`).trim(), nextReplyMinutes: field(form, `${p}.nextReplyMinutes`).trim(),
      resolutionMinutes: field(form, `${p}.resolutionMinutes`).trim(), reminderBeforeMinutes: field(form, `${p}.reminderBeforeMinutes`).trim(),
    };
    values[p] = v;
    if (Object.values(v).every((x) => x === '')) {
      remove.push(p);
      continue;
    }
    const n = (x: string, min: number) => (/^\d{1,7}$/.test(x) && Number(x) >= min ? Number(x) : null);
    const row = { priority: p, firstReplyMinutes: n(v.firstReplyMinutes, 1), nextReplyMinutes: n(v.nextReplyMinutes, 1), resolutionMinutes: n(v.resolutionMinutes, 1), reminderBeforeMinutes: n(v.reminderBeforeMinutes, 0) };
    if (Object.values(row).some((x) => x === null)) errors[p] = `${p}: fill every field with whole minutes (above 0; the reminder may be 0), or leave the row empty for the defaults`;
    else rows.push(row as SlaRow);
  }
  return { values, rows, remove, errors };
}

export interface ConnectionResult { name: string; target: string; ok: boolean; detail: string }

const withTimeout = <T>(p: Promise<T>, ms: number, what: string) =>
  new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${what} did not answer within ${ms / 1000} s`)), ms);
    p.then((v) => { clearTimeout(t); resolve(v); }, (e) => { clearTimeout(t); reject(e); });
  });

const describe = (err: unknown) => {
  const e = err as { message?: string; responseText?: string; code?: string };
  return [e?.code, e?.responseText ?? e?.message ?? String(err)].filter(Boolean).join(': ').slice(0, 300);
};

/** Where a URL points, without its credentials. */
function targetOf(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.hostname}${u.port ? `:${u.port}` : ''}${u.protocol.startsWith('imap') ? u.pathname : ''}`;
}

/** Tests the connections a mailbox uses, as configured: its IMAP_URL (if it is an IMAP mailbox) and SMTP_URL. */
export async function testConnections(mailbox: Pick<Mailbox, 'key'>, config: { IMAP_URL: string[]; SMTP_URL?: string; DATA_DIR: string }, timeoutMs = 10_000): Promise<ConnectionResult[]> {
  const results: Promise<ConnectionResult>[] = [];
  const imapUrl = config.IMAP_URL.find((u) => imapMailboxKey(u) === mailbox.key);
  if (imapUrl) {
    results.push((async () => {
      const c = parseImapUrl(imapUrl);
      const client = new ImapFlow({ host: c.host, port: c.port, secure: c.secure, auth: { user: c.user, pass: c.pass }, logger: false, tls: { rejectUnauthorized: true }, connectionTimeout: timeoutMs, greetingTimeout: timeoutMs });
      client.on('error', () => undefined);
      try {
        await withTimeout(client.connect(), timeoutMs, 'the IMAP server');
        const status = await withTimeout(client.status(c.mailbox, { messages: true }), timeoutMs, 'the IMAP server');
        await client.logout().catch(() => undefined);
        return { name: 'IMAP', target: targetOf(imapUrl), ok: true, detail: `signed in; ${c.mailbox} holds ${(status as { messages?: number }).messages ?? "?"} messages` };
      } catch (err) {
        client.close();
        return { name: 'IMAP', target: targetOf(imapUrl), ok: false, detail: describe(err) };
      }
    })());
  }
  if (config.SMTP_URL) {
    const url = config.SMTP_URL;
    results.push((async () => {
      const transport = nodemailer.createTransport({ url, connectionTimeout: timeoutMs, greetingTimeout: timeoutMs, socketTimeout: timeoutMs } as never);
      try {
        await withTimeout(transport.verify(), timeoutMs + 1000, 'the SMTP server');
        return { name: 'SMTP (outgoing)', target: targetOf(url), ok: true, detail: 'connected and accepted our greeting' };
      } catch (err) {
        return { name: 'SMTP (outgoing)', target: targetOf(url), ok: false, detail: describe(err) };
      } finally {
        transport.close();
      }
    })());
  } else {
    results.push(outboxFolder(path.resolve(config.DATA_DIR, 'outbox')));
  }
  return Promise.all(results);
}

/** Without SMTP_URL outgoing mail is written as .eml files (the documented default): fine if the folder is writable. */
async function outboxFolder(dir: string): Promise<ConnectionResult> {
  const name = 'Outgoing mail (.eml files)';
  try {
    await mkdir(dir, { recursive: true });
    await access(dir, constants.W_OK);
    return { name, target: dir, ok: true, detail: 'SMTP_URL is not set: the outbox writes .eml files to DATA_DIR/outbox, nothing is sent; set SMTP_URL to send mail' };
  } catch (err) {
    return { name, target: dir, ok: false, detail: `the outbox cannot write .eml files to DATA_DIR/outbox: ${describe(err)}` };
  }
}
