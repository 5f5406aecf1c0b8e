import { jsonb, pgTable, serial, text, timestamptz, uniqueIndex, uuid } from '../columns.js';
import { users } from './users.js';

/** The built-in inbox views every agent has (their conditions: src/inbox/views.ts). */
export const builtInViewKeys = ['all', 'mine', 'unassigned', 'escalated', 'due', 'review'] as const;

/** The inbox filters and search a personal view keeps: the inbox URL's query parameters (src/inbox/filters.ts). */
export type SavedInboxFilters = Partial<Record<'mailbox' | 'status' | 'priority' | 'category' | 'language' | 'assignee' | 'q', string>> & {
  /** a built-in view the filters apply within (src/inbox/view-keys.ts) */
  view?: (typeof builtInViewKeys)[number];
};

/** An agent's own inbox views ("Refunds in German"): a name and the filters to apply; deleted with the user. */
export const inboxViews = pgTable(
  'inbox_views',
  {
    id: serial('id').primaryKey(),
    userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    filters: jsonb('filters').$type<SavedInboxFilters>().notNull(),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('inbox_views_user_name').on(t.userId, t.name)],
);

export type InboxView = typeof inboxViews.$inferSelect;
