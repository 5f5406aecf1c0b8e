// The gap report keeps customers' questions (their own words): they are exported and erased with the customer.
import { eraseGapQuestions, exportGapQuestions } from '../../insight/gaps/customer-data.js';
import type { CustomerDataHandler } from '../handler.js';

export const gapQuestionsHandler: CustomerDataHandler = {
  table: 'gap_questions',
  exportRows: (q, scope) => exportGapQuestions(q, scope),
  async erase(tx, scope) {
    return { deleted: await eraseGapQuestions(tx, scope), anonymised: 0 };
  },
};
