// The inbox URL's query parameters: filters, search box and view, validated, turned into the queue's filter, and
// written back as a query string (bookmarkable; a personal view keeps the same parameters).
import { z } from 'zod';
import { caseStatuses, casePriorities } from '../db/schema/cases.js';
import type { SavedInboxFilters } from '../db/schema/inbox-views.js';
import { AppError } from '../errors.js';
import type { QueueFilter } from '../review/inbox.js';
import { parseSearch, SEARCH_MAX_LENGTH, type SearchTerm } from './search-term.js';
import { searchCondition } from './search.js';
import { builtInViewKeys } from './view-keys.js';

export const filterKeys = ['view', 'mailbox', 'status', 'priority', 'category', 'language', 'assignee', 'q'] as const;

const filterInput = z.object({
  view: z.enum(builtInViewKeys).optional().or(z.literal('')),
  mailbox: z.string().regex(/^\d{1,9}$/).optional().or(z.literal('')),
  status: z.enum([...caseStatuses, 'all']).optional().or(z.literal('')),
  priority: z.enum(casePriorities).optional().or(z.literal('')),
  category: z.string().max(100).optional(),
  language: z.string().max(20).optional(),
  assignee: z.string().max(200).optional(),
  q: z.string().max(SEARCH_MAX_LENGTH * 2).optional(),
});

/** Only the filters that are set; throws bad_request for a value the inbox does not know. */
export function parseFilters(params: Record<string, string | undefined>): SavedInboxFilters {
  const parsed = filterInput.safeParse(Object.fromEntries(filterKeys.map((k) => [k, params[k]])));
  if (!parsed.success) throw new AppError('bad_request', 'Check the filters: one of them has a value the inbox does not know.');
  const out: SavedInboxFilters = {};
  for (const key of filterKeys) {
    const value = parsed.data[key]?.trim();
    if (value) (out as Record<string, string | undefined>)[key] = key === 'q' ? parseSearch(value)?.text : value;
  }
  return out;
}

/** The queue filter the given filters stand for, search included (the built-in view is added by views.ts). */
export function queueFilterOf(f: SavedInboxFilters, search: SearchTerm | null = parseSearch(f.q)): QueueFilter {
  return {
    mailboxId: f.mailbox ? Number(f.mailbox) : undefined,
    status: f.status === 'all' ? [...caseStatuses] : f.status ? [f.status as (typeof caseStatuses)[number]] : undefined,
    priority: (f.priority || undefined) as QueueFilter['priority'],
    category: f.category || undefined, language: f.language || undefined, assignee: f.assignee || undefined,
    where: search ? searchCondition(search) : undefined,
  };
}

/** "?status=all&q=refund" (with extra parameters such as the view), or "" when nothing is set. */
export function queryStringOf(f: SavedInboxFilters, extra: Record<string, string | undefined> = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of [...filterKeys.map((k) => [k, f[k]] as const), ...Object.entries(extra)]) if (v && !(k === 'view' && v === 'all')) params.set(k, v);
  const qs = params.toString();
  return qs ? `?${qs}` : '';
}
