import type { KnowledgeBase } from '../kb/knowledge.js';
import type { Logger } from '../logger.js';
import type { KnowledgeOutcome, ProcessDeps } from './process-message.js';

/**
 * The pipeline's knowledge-base step. A failing match (embedding API down, say) must never hold up the
 * acknowledgement: it goes out without suggestions, and the case simply has no match recorded.
 */
export function knowledgeStep(kb: KnowledgeBase, maxSuggestions: number, log: Logger): ProcessDeps['matchKnowledge'] {
  return async ({ mailbox, text, subject, language, threshold }): Promise<KnowledgeOutcome> => {
    try {
      const match = await kb.match(text, { language, subject, threshold, fallbackLanguages: mailbox.fallbackLanguages });
      return { match, suggestions: await kb.suggestions(match, language, maxSuggestions) };
    } catch (err) {
      log.warn({ err, mailbox: mailbox.key }, 'knowledge-base match failed; acknowledging without suggestions');
      return { match: null, suggestions: [] };
    }
  };
}
