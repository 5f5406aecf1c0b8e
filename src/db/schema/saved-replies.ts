import { index, pgTable, serial, text, timestamptz } from '../columns.js';

/**
 * Saved replies (macros): text agents insert into a draft, per language, with placeholders such as
 * {{customer_name}} and {{case_reference}} filled in from the case. Knowledge managers curate them.
 */
export const savedReplies = pgTable(
  'saved_replies',
  {
    id: serial('id').primaryKey(),
    language: text('language').notNull(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    updatedBy: text('updated_by').notNull(),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    updatedAt: timestamptz('updated_at').notNull().defaultNow(),
  },
  (t) => [index('saved_replies_language').on(t.language, t.title)],
);

export type SavedReply = typeof savedReplies.$inferSelect;
