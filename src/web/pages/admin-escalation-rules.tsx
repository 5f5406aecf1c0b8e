// Admin → Mailbox → Escalation rules: one field per rule, each with the built-in default it falls back to when left
// empty. Saved through the setEscalationRules verb; the stored document is shown read-only under "Advanced".
import type { Mailbox } from '../../db/schema/mailboxes.js';
import { describeEscalation, ESCALATION_LABELS } from '../../domain/escalation/reasons.js';
import { ESCALATION_REASON_CODES, PHRASE_REASON_CODES } from '../../domain/escalation-rules.js';
import { RULE_DEFAULTS, type RulesFormValues } from '../../mailboxes/escalation-rules-form.js';
import { CsrfField, ErrorSummary, Field, Notice } from '../components.js';
import type { Viewer } from '../env.js';
import { AdminLayout } from './admin.js';

export function AdminEscalationRulesPage(p: {
  viewer: Viewer; mailbox: Mailbox; values: RulesFormValues; hasSecret: boolean; errors?: Record<string, string>; notice?: string;
}) {
  const m = p.mailbox;
  const v = p.values;
  const e = p.errors ?? {};
  const base = `/app/admin/mailboxes/${m.id}`;
  const stored = m.escalationRules ? { ...m.escalationRules, ...(m.escalationRules.webhookSecret ? { webhookSecret: '(hidden)' } : {}) } : null;
  return (
    <AdminLayout viewer={p.viewer} title={`Escalation rules of ${m.address}`} current="mailboxes">
      <p class="breadcrumb"><a href="/app/admin/mailboxes">Mailboxes</a> / <a href={base}>{m.address}</a> / Escalation rules</p>
      <h1>Escalation rules</h1>
      <Notice code={p.notice} />
      <p class="muted">Which messages go to a person, to which team, and who is told. A field left empty uses the default shown beside it.</p>
      <ErrorSummary errors={e} />
      <form method="post" action={`${base}/rules`} class="stack">
        <CsrfField viewer={p.viewer} />
        <fieldset id="f-enabled" aria-describedby={e.enabled ? 'f-enabled-error' : 'f-enabled-hint'}>
          <legend>Reasons that escalate</legend>
          <p class="hint" id="f-enabled-hint">Default: all on.</p>
          {e.enabled && <p class="error-text" id="f-enabled-error">{e.enabled}</p>}
          <div class="checks rules-reasons">
            {ESCALATION_REASON_CODES.map((c) => (
              <label title={describeEscalation(c)}><input type="checkbox" name="enabled" value={c} checked={v.enabled.includes(c)} /> {ESCALATION_LABELS[c]}</label>
            ))}
          </div>
        </fieldset>

        <fieldset>
          <legend>VIP senders</legend>
          <div class="grid-2">
            <Field name="vipAddresses" label="VIP addresses" rows={3} value={v.vipAddresses} error={e.vipAddresses} spellcheck={false}
              hint="One per line. Their mail always goes to a person. Default: none." />
            <Field name="vipDomains" label="VIP domains" rows={3} value={v.vipDomains} error={e.vipDomains} spellcheck={false}
              hint="One per line, e.g. bigcustomer.example (subdomains count). Default: none." />
          </div>
        </fieldset>

        <fieldset>
          <legend>Teams</legend>
          <div class="grid-2">
            <Field name="defaultTeam" label="Default team" value={v.defaultTeam} error={e.defaultTeam} placeholder={RULE_DEFAULTS.defaultTeam}
              hint={`Gets every escalation no reason routes elsewhere. Default: ${RULE_DEFAULTS.defaultTeam}.`} />
            <Field name="maxCustomerMessages" label="Escalate at the customer's n-th message" value={v.maxCustomerMessages} error={e.maxCustomerMessages}
              inputmode="numeric" placeholder={RULE_DEFAULTS.maxCustomerMessages} hint={`Repeated contact, 2 to 1000. Default: ${RULE_DEFAULTS.maxCustomerMessages}.`} />
          </div>
          <div class="grid-2">
            {ESCALATION_REASON_CODES.map((c) => {
              const fallback = RULE_DEFAULTS.teamFor(c);
              return (
                <Field name={`team-${c}`} label={`Team for ${ESCALATION_LABELS[c]}`} value={v.teamByReason[c] ?? ''} error={e[`team-${c}`]}
                  placeholder={fallback ?? (v.defaultTeam || RULE_DEFAULTS.defaultTeam)} hint={`Default: ${fallback ?? 'the default team'}.`} />
              );
            })}
          </div>
          <Field name="teamAddresses" label="Team addresses" rows={3} value={v.teamAddresses} error={e.teamAddresses} spellcheck={false}
            hint="One “team = address” per line, e.g. legal = legal@shop.example. Default: none; a team without an address is told at the default team's address, else at this mailbox's." />
        </fieldset>

        <fieldset>
          <legend>Webhook</legend>
          <div class="grid-2">
            <Field name="webhookUrl" label="Webhook URL" value={v.webhookUrl} error={e.webhookUrl} spellcheck={false} type="url"
              hint="Optional: called for every escalation, signed with the secret. Default: none." />
            <Field name="webhookSecret" label="Webhook signing secret" type="password" error={e.webhookSecret} autocomplete="new-password"
              hint={p.hasSecret ? 'A secret is stored; leave empty to keep it.' : 'At least 16 characters; needed with a webhook URL.'} />
          </div>
        </fieldset>

        <fieldset>
          <legend>Extra phrases</legend>
          <p class="hint">Added to the built-in lexicons. One phrase per line; “de: phrase” for one language, otherwise every language. Default: the built-in phrases only.</p>
          <div class="grid-2">
            {PHRASE_REASON_CODES.map((c) => (
              <Field name={`phrases-${c}`} label={`Phrases for ${ESCALATION_LABELS[c]}`} rows={3} value={v.extraPhrases[c] ?? ''} error={e[`phrases-${c}`]} />
            ))}
          </div>
        </fieldset>
        <div><button type="submit" class="primary">Save escalation rules</button></div>
      </form>

      <details class="card">
        <summary>Advanced: the stored rules document (read-only)</summary>
        <p class="small muted">What is saved for this mailbox; fields not listed use their defaults.</p>
        <pre class="rules-json" tabindex={0} aria-label="Stored rules document">{stored ? JSON.stringify(stored, null, 2) : '{} (all defaults)'}</pre>
      </details>
    </AdminLayout>
  );
}
