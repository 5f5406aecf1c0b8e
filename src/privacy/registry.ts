// The registry of customer-data handlers: every table holding customer data, in erasure order.
import type { CustomerDataHandler } from './handler.js';
import { auditHandler, caseMatchesHandler, draftsHandler, learnedExamplesHandler, matchLabelsHandler, notesHandler } from './handlers/case-work.js';
import { caseEventsHandler, casesHandler } from './handlers/cases.js';
import { gapQuestionsHandler } from './handlers/gap-questions.js';
import { embeddingCacheHandler, inboundHandler } from './handlers/messages.js';
import { outboxHandler } from './handlers/outbox.js';

/**
 * Every table holding customer data, in erasure order: rows that reference others first, the tables they
 * reference last. Tables still to come must be added here (see docs/operations.md, "Privacy requests").
 */
export const customerDataHandlers: CustomerDataHandler[] = [
  embeddingCacheHandler, learnedExamplesHandler, matchLabelsHandler, caseMatchesHandler, draftsHandler, notesHandler, auditHandler, gapQuestionsHandler, outboxHandler, caseEventsHandler, inboundHandler, casesHandler,
];
