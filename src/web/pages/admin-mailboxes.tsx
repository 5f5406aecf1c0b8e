import type { Mailbox } from '../../db/schema/mailboxes.js';
import type { SlaPolicyRow } from '../../db/schema/sla.js';
import { ESCALATION_LABELS } from '../../domain/escalation/reasons.js';
import type { EscalationRules } from '../../domain/escalation-rules.js';
import type { ConnectionResult } from '../../mailboxes/connection-test.js';
import type { MailboxSettingsInput } from '../../mailboxes/settings-input.js';
import type { SlaInForce } from '../../mailboxes/sla-in-force.js';
import type { MailboxCalibration } from '../../db/schema/labels.js';
import type { ThresholdSource } from '../../kb/language-models.js';
import { CsrfField, ErrorSummary, Field, Notice, Select, TableWrap, Time } from '../components.js';
import { THRESHOLD_SOURCES } from './playground.js';
import type { Viewer } from '../env.js';
import type { SlaFormValues } from '../mailbox-form.js';
import { SlaSection } from './admin-mailbox-sla.js';
import { AdminLayout } from './admin.js';

const weekdays = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

export function AdminMailboxesPage(p: { viewer: Viewer; mailboxes: (Mailbox & { policies: SlaPolicyRow[] })[]; notice?: string }) {
  return (
    <AdminLayout viewer={p.viewer} title="Mailboxes" current="mailboxes">
      <h1>Mailboxes</h1>
      <Notice code={p.notice} />
      <p class="muted">Mailboxes come from the configuration (SUPPORT_ADDRESS and each IMAP_URL). Their review and SLA settings are edited here.</p>
      <TableWrap label="Mailboxes">
        <table class="list">
          <thead><tr><th scope="col">Mailbox</th><th scope="col">Match threshold</th><th scope="col">Auto-send</th><th scope="col">First reply</th><th scope="col">Business hours</th><th scope="col">SLA policies</th></tr></thead>
          <tbody>
            {p.mailboxes.map((m) => (
              <tr>
                <td><a href={`/app/admin/mailboxes/${m.id}`}>{m.displayName} &lt;{m.address}&gt;</a><div class="small muted"><code>{m.key}</code></div></td>
                <td>{m.matchThreshold === null ? <span class="muted">calibrated</span> : m.matchThreshold}</td>
                <td>{m.autoSendMode}{m.autoSendMode !== 'off' && ` (≥ ${Math.round(m.autoSendMinConfidence * 100)}%)`}</td>
                <td>{m.firstReplyMinutes} min</td>
                <td>{m.businessHours.days.map((d) => weekdays[d - 1]!.slice(0, 3)).join(' ')} {m.businessHours.open}–{m.businessHours.close} <span class="small muted">{m.timeZone}</span></td>
                <td>{m.policies.length ? m.policies.map((x) => x.priority).join(', ') : <span class="muted">defaults</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
    </AdminLayout>
  );
}

/** The threshold in force for a language, how it was chosen, and the agents' labels' trade-off curve when fitted. */
export interface MatchingFacts {
  languages: { language: string; articles: number; questions: number; threshold: number; chosenBy: ThresholdSource }[];
  fitted: MailboxCalibration | null;
}

function Matching({ facts }: { facts: MatchingFacts }) {
  const pct = (x: number) => `${Math.round(x * 100)}%`;
  return (
    <section class="card" aria-labelledby="matching-h">
      <h2 id="matching-h">Matching</h2>
      {facts.languages.length === 0 ? <p class="muted">No article is published yet.</p> : (
        <TableWrap label="Threshold in force per language">
          <table class="list">
            <thead><tr><th scope="col">Language</th><th scope="col">Articles</th><th scope="col">Example questions</th><th scope="col">Threshold in force</th><th scope="col">Chosen by</th></tr></thead>
            <tbody>{facts.languages.map((l) => <tr><td>{l.language}</td><td>{l.articles}</td><td>{l.questions}</td><td>{pct(l.threshold)}</td><td>{THRESHOLD_SOURCES[l.chosenBy]}</td></tr>)}</tbody>
          </table>
        </TableWrap>
      )}
      {facts.fitted ? (
        <>
          <p class="small">Fitted from {facts.fitted.labels} labels ({facts.fitted.answerable} answerable, {facts.fitted.unanswerable} not) on <Time value={facts.fitted.fittedAt} />: {pct(facts.fitted.threshold)}, where {pct(facts.fitted.chosen.answeredPrecision)} of the questions answered got the right article. A fitted threshold only applies when it is stricter than the knowledge base's own.</p>
          <TableWrap label="Trade-off on the agents' labels">
            <table class="list">
              <thead><tr><th scope="col">Threshold</th><th scope="col">Answered right</th><th scope="col">Unanswerable escalated</th><th scope="col">Answers that were right</th></tr></thead>
              <tbody>{facts.fitted.curve.filter((_, i) => i % 2 === 0).map((c) => <tr><td>{pct(c.threshold)}</td><td>{pct(c.inScopeAccuracy)}</td><td>{pct(c.escalationRecall)}</td><td>{pct(c.answeredPrecision)}</td></tr>)}</tbody>
            </table>
          </TableWrap>
        </>
      ) : <p class="small muted">Agents' labels (the right article, or "no article answers this", on the case page) re-fit this mailbox's threshold once there are 20, with at least 5 of each kind.</p>}
    </section>
  );
}

/** The rules in force, in a sentence or two, with the link to change them. */
function RulesSummary({ rules, href }: { rules: EscalationRules; href: string }) {
  const off = Object.entries(rules.enabled).filter(([, on]) => !on).map(([c]) => ESCALATION_LABELS[c as keyof typeof ESCALATION_LABELS]);
  const vips = rules.vipAddresses.length + rules.vipDomains.length;
  return (
    <section class="card" aria-labelledby="rules-h">
      <h2 id="rules-h">Escalation rules</h2>
      <p class="small">
        {off.length ? `Off: ${off.join(', ')}.` : 'Every reason escalates.'} Default team: {rules.defaultTeam}. {vips ? `${vips} VIP address${vips === 1 ? '' : 'es'} or domain${vips === 1 ? '' : 's'}.` : 'No VIPs.'}
        {' '}Repeated contact at the customer's message {rules.maxCustomerMessages}. {rules.webhookUrl ? 'A webhook is called.' : 'No webhook.'}
      </p>
      <p><a href={href}>Change escalation rules</a></p>
    </section>
  );
}

export function AdminMailboxPage(p: {
  viewer: Viewer; mailbox: Mailbox; rules: EscalationRules; sla: SlaInForce; values: MailboxSettingsInput; errors?: Record<string, string>; matching?: MatchingFacts;
  slaValues: SlaFormValues; slaErrors?: Record<string, string>; connections?: ConnectionResult[]; notice?: string;
}) {
  const m = p.mailbox;
  const v = p.values;
  const e = p.errors ?? {};
  const base = `/app/admin/mailboxes/${m.id}`;
  return (
    <AdminLayout viewer={p.viewer} title={`Mailbox ${m.address}`} current="mailboxes">
      <p class="breadcrumb"><a href="/app/admin/mailboxes">Mailboxes</a> / {m.address}</p>
      <h1>{m.displayName} &lt;{m.address}&gt;</h1>
      <Notice code={p.notice} />

      <section class="card" aria-labelledby="conn-h">
        <h2 id="conn-h">Connections</h2>
        <p class="muted small">The IMAP and SMTP servers and their credentials come from the configuration (IMAP_URL, SMTP_URL).</p>
        <form method="post" action={`${base}/test`} class="inline">
          <CsrfField viewer={p.viewer} />
          <button type="submit">Test connection</button>
        </form>
        {p.connections && (
          <ul class="connections" role="status" tabindex={-1} data-focus-on-load>
            {p.connections.map((r) => (
              <li class={r.ok ? 'conn-ok' : 'conn-fail'}><strong>{r.name}</strong> {r.target}: {r.ok ? 'OK' : 'failed'} — {r.detail}</li>
            ))}
          </ul>
        )}
      </section>

      {p.matching && <Matching facts={p.matching} />}

      <RulesSummary rules={p.rules} href={`${base}/rules`} />

      <section class="card" aria-labelledby="settings-h">
        <h2 id="settings-h">Review and SLA settings</h2>
        <ErrorSummary errors={e} />
        <form method="post" action={base} class="stack">
          <CsrfField viewer={p.viewer} />
          <fieldset>
            <legend>Matching and auto-send</legend>
            <div class="grid-2">
              <Field name="matchThreshold" label="Match threshold" value={v.matchThreshold} error={e.matchThreshold} inputmode="decimal"
                hint="0 to 1. Below it no article is suggested and the case is escalated. Empty: fitted from the agents' labels once there are enough, else the knowledge base's own (see Matching below)." />
              <Field name="fallbackLanguages" label="Fallback languages" value={v.fallbackLanguages} error={e.fallbackLanguages}
                hint="Optional, e.g. en. Articles in these languages are suggested when none is in the customer's language. Empty: a customer writing in a language without articles gets no links." />
              <Select name="autoSendMode" label="Auto-send" value={v.autoSendMode} options={[
                { value: 'off', label: 'Off: every reply is reviewed' }, { value: 'shadow', label: 'Shadow: report what would be sent' }, { value: 'on', label: 'On: send confident drafts without review' },
              ]} />
              <Field name="autoSendMinConfidence" label="Auto-send minimum confidence" value={v.autoSendMinConfidence} error={e.autoSendMinConfidence} inputmode="decimal" required hint="0 to 1." />
            </div>
          </fieldset>
          <fieldset>
            <legend>Who gets automatic mail</legend>
            <Field name="trustedRelays" label="Trusted relays" value={v.trustedRelays} error={e.trustedRelays}
              hint="Optional: addresses (noreply@shop.example) or domains (shop.example) of web forms sending on customers' behalf; their Reply-To is acknowledged. Others' Reply-To on another domain never is." />
            <div class="grid-2">
              <Select name="dmarcNoneAction" label="Sender publishes no DMARC policy" value={v.dmarcNoneAction} options={[
                { value: 'acknowledge', label: 'Acknowledge (most small senders publish none)' }, { value: 'withhold', label: 'Withhold: an agent answers' },
              ]} />
              <Select name="dmarcTemperrorAction" label="DMARC could not be checked (DNS error)" value={v.dmarcTemperrorAction} options={[
                { value: 'withhold', label: 'Withhold: a forged sender cannot be told apart' }, { value: 'acknowledge', label: 'Acknowledge anyway' },
              ]} />
            </div>
          </fieldset>
          <fieldset>
            <legend>Business hours and first reply</legend>
            <div class="grid-2">
              <Field name="timeZone" label="Time zone" value={v.timeZone} error={e.timeZone} required hint="IANA name, e.g. Europe/Berlin." />
              <Field name="firstReplyMinutes" label="First reply within (business minutes)" value={v.firstReplyMinutes} error={e.firstReplyMinutes} inputmode="numeric" required />
              <Field name="open" label="Opens at" value={v.open} error={e.open} type="time" required />
              <Field name="close" label="Closes at" value={v.close} error={e.close} type="time" required />
            </div>
            <fieldset id="f-days" aria-describedby={e.days ? 'f-days-error' : undefined}>
              <legend>Business days</legend>
              {e.days && <p class="error-text" id="f-days-error">{e.days}</p>}
              <div class="checks">
                {weekdays.map((d, i) => (
                  <label><input type="checkbox" name="days" value={String(i + 1)} checked={v.days.includes(String(i + 1))} /> {d}</label>
                ))}
              </div>
            </fieldset>
            <Field name="holidays" label="Holidays" value={v.holidays} error={e.holidays} hint="Optional. Dates like 2026-12-25, separated by commas." />
          </fieldset>
          <p class="small muted">Business hours, time zone and first-reply minutes come from the configuration (TIME_ZONE, BUSINESS_DAYS, BUSINESS_OPEN, BUSINESS_CLOSE, HOLIDAYS, FIRST_REPLY_MINUTES) only when a mailbox is first created. After that they are changed here, and a restart does not overwrite them.</p>
          <div><button type="submit" class="primary">Save settings</button></div>
        </form>
      </section>

      <SlaSection viewer={p.viewer} mailbox={m} inForce={p.sla} values={p.slaValues} errors={p.slaErrors} />
    </AdminLayout>
  );
}
