import type { ChatClient } from '../ai/chat.js';
import { composeDraft } from '../drafts/compose-draft.js';
import { loadReplyTemplates } from '../drafts/templates.js';
import type { Composer } from './draft-worker.js';

/** The draft worker's composer: the chat model when configured (offline fallback inside), else offline. */
export async function createComposer(chat: ChatClient | undefined): Promise<Composer> {
  const templates = await loadReplyTemplates();
  return async (input, { useModel }) => {
    const { draft, modelError } = await composeDraft(input, { chat: useModel ? chat : undefined, templates });
    return { draft, modelError: modelError && { retryable: modelError.retryable, message: modelError.message } };
  };
}
