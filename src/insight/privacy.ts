// The gap report keeps customers' questions (their own words): they are exported and erased with the customer.
// Register `gapQuestionsHandler` in customerDataHandlers (src/privacy/customer-data.ts) before inbound_messages.
import type { CustomerDataHandler } from '../privacy/customer-data.js';
import { eraseGapQuestions, exportGapQuestions } from './gaps/customer-data.js';

export const gapQuestionsHandler: CustomerDataHandler = {
  table: 'gap_questions',
  exportRows: (q, scope) => exportGapQuestions(q, scope),
  async erase(tx, scope) {
    return { deleted: await eraseGapQuestions(tx, scope), anonymised: 0 };
  },
};
