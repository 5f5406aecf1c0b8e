import { bigserial, index, pgTable, text, timestamptz, uuid } from '../columns.js';
import { cases } from './cases.js';

/** What agents tell each other about a case. Shown on the case page and in its history; never mailed to anyone. */
export const caseNotes = pgTable(
  'case_notes',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    caseId: uuid('case_id').notNull().references(() => cases.id),
    /** the principal's id and name when written (a user may be renamed or disabled later) */
    authorId: text('author_id').notNull(),
    authorName: text('author_name').notNull(),
    body: text('body').notNull(),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
  },
  (t) => [index('case_notes_case').on(t.caseId, t.id)],
);

export type CaseNote = typeof caseNotes.$inferSelect;
