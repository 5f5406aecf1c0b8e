// The admin's mailbox forms as the verbs' input: the settings form's text fields, the SLA policy rows and the
// escalation rules fields. Validation is the verbs' (src/mailboxes/); this only reads the posted form.
import { casePriorities } from '../db/schema/cases.js';
import { ESCALATION_REASON_CODES, PHRASE_REASON_CODES } from '../domain/escalation-rules.js';
import type { RulesFormValues } from '../mailboxes/escalation-rules-form.js';
import type { SlaPolicyInput } from '../mailboxes/set-sla-policies.js';
import type { MailboxSettingsInput } from '../mailboxes/settings-input.js';
import { field, type Form } from './env.js';

const all = (form: Form, name: string) => {
  const v = form[name];
  return (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((d): d is string => typeof d === 'string');
};

export function settingsFromForm(form: Form): MailboxSettingsInput {
  return {
    matchThreshold: field(form, 'matchThreshold').trim(), fallbackLanguages: field(form, 'fallbackLanguages').trim(), autoSendMode: field(form, 'autoSendMode'),
    autoSendMinConfidence: field(form, 'autoSendMinConfidence').trim(),
    timeZone: field(form, 'timeZone').trim(), days: all(form, 'days'),
    open: field(form, 'open').trim(), close: field(form, 'close').trim(), holidays: field(form, 'holidays').trim(),
    firstReplyMinutes: field(form, 'firstReplyMinutes').trim(),
    trustedRelays: field(form, 'trustedRelays').trim(),
    // a form without these fields (an older page) keeps the defaults
    dmarcNoneAction: field(form, 'dmarcNoneAction') || 'acknowledge', dmarcTemperrorAction: field(form, 'dmarcTemperrorAction') || 'withhold',
  };
}

export type SlaFormValues = Partial<Record<(typeof casePriorities)[number], SlaPolicyInput>>;

/** One row per priority, as typed. */
export function slaFromForm(form: Form): SlaFormValues {
  return Object.fromEntries(casePriorities.map((p) => [p, {
    firstReplyMinutes: field(form, `${p}.firstReplyMinutes`).trim(), nextReplyMinutes: field(form, `${p}.nextReplyMinutes`).trim(),
    resolutionMinutes: field(form, `${p}.resolutionMinutes`).trim(), reminderBeforeMinutes: field(form, `${p}.reminderBeforeMinutes`).trim(),
  }]));
}

export function rulesFromForm(form: Form): RulesFormValues {
  const enabled = all(form, 'enabled');
  return {
    enabled: ESCALATION_REASON_CODES.filter((c) => enabled.includes(c)),
    vipAddresses: field(form, 'vipAddresses'), vipDomains: field(form, 'vipDomains'), defaultTeam: field(form, 'defaultTeam'),
    teamByReason: Object.fromEntries(ESCALATION_REASON_CODES.map((c) => [c, field(form, `team-${c}`)])),
    teamAddresses: field(form, 'teamAddresses'), webhookUrl: field(form, 'webhookUrl'), webhookSecret: field(form, 'webhookSecret'),
    maxCustomerMessages: field(form, 'maxCustomerMessages'),
    extraPhrases: Object.fromEntries(PHRASE_REASON_CODES.map((c) => [c, field(form, `phrases-${c}`)])),
  };
}
