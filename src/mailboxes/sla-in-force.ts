// What Admin → Mailbox shows about the SLA: per priority the policy in force (first reply, next reply, resolution,
// reminder) and where it comes from, and the business hours and time zone it is counted in, with their source.
import type { Config } from '../config.js';
import { casePriorities } from '../db/schema/cases.js';
import type { Mailbox } from '../db/schema/mailboxes.js';
import type { SlaPolicyRow } from '../db/schema/sla.js';
import { DEFAULT_PRIORITY_FACTORS, effectivePolicy, type SlaPolicy, type SlaPriority } from '../domain/sla-policy.js';

export type SlaConfig = Pick<Config, 'TIME_ZONE' | 'BUSINESS_DAYS' | 'BUSINESS_OPEN' | 'BUSINESS_CLOSE' | 'HOLIDAYS' | 'FIRST_REPLY_MINUTES'>;

export interface PolicyInForce {
  priority: (typeof casePriorities)[number];
  policy: SlaPolicy;
  /** 'saved': an admin's row for this priority; 'derived': from the mailbox's first-reply minutes × factor */
  source: 'saved' | 'derived';
  factor: number;
  updatedAt: Date | null;
}

export interface SlaInForce {
  policies: PolicyInForce[];
  /** 'configuration': still what the configuration gave the mailbox when it was created; 'saved': changed here */
  hoursSource: 'configuration' | 'saved';
  firstReplySource: 'configuration' | 'saved';
}

export function slaInForce(mailbox: Mailbox, rows: readonly SlaPolicyRow[], config: SlaConfig): SlaInForce {
  const h = mailbox.businessHours;
  const sameHours = mailbox.timeZone === config.TIME_ZONE && h.open === config.BUSINESS_OPEN && h.close === config.BUSINESS_CLOSE
    && JSON.stringify([...h.days].sort()) === JSON.stringify([...config.BUSINESS_DAYS].sort()) && JSON.stringify(h.holidays) === JSON.stringify(config.HOLIDAYS);
  return {
    policies: casePriorities.map((priority) => {
      const row = rows.find((r) => r.priority === priority);
      return {
        priority, policy: effectivePolicy(mailbox, rows, priority), source: row ? 'saved' : 'derived',
        factor: DEFAULT_PRIORITY_FACTORS[priority as SlaPriority] ?? 1, updatedAt: row?.updatedAt ?? null,
      };
    }),
    hoursSource: sameHours ? 'configuration' : 'saved',
    firstReplySource: mailbox.firstReplyMinutes === config.FIRST_REPLY_MINUTES ? 'configuration' : 'saved',
  };
}
