// One entry point for the pipeline: the model draft when a chat client is configured and there is something to
// ground it in, the offline draft otherwise, and the offline draft with the model's error when the model fails,
// so the case always has a draft and the caller can schedule the model draft again.
import { AiOutputError, AiUnavailableError } from '../ai/errors.js';
import type { Draft, DraftInput } from './draft.js';
import { composeModelDraft, type DraftChat, type DraftPrompt, type ModelDraftOptions } from './model.js';
import { composeOfflineDraft } from './offline.js';
import type { ReplyTemplateSet } from './templates.js';

export interface ComposeOptions {
  /** CHAT_MODEL's client; without one the draft is composed offline */
  chat?: DraftChat | null;
  templates: ReplyTemplateSet;
  prompt?: DraftPrompt;
  signal?: AbortSignal;
  completion?: ModelDraftOptions['completion'];
}

export interface ModelError {
  /** 'unavailable': rate limit, 5xx, timeout, connection, or a rejected key/request; 'output': unusable answer */
  kind: 'unavailable' | 'output';
  /** true when trying later can help (AiUnavailableError's own verdict); false for a wrong key or unusable output */
  retryable: boolean;
  message: string;
  status?: number;
  /** the server's Retry-After, when it sent one */
  retryAfterMs?: number;
}

export interface ComposeResult {
  draft: Draft;
  /** set when the model was asked and failed; the draft is then the offline one */
  modelError?: ModelError;
}

export async function composeDraft(input: DraftInput, opts: ComposeOptions): Promise<ComposeResult> {
  // Without an article there is nothing to ground a model answer in: the holding reply needs no model.
  if (!opts.chat || input.articles.length === 0) return { draft: composeOfflineDraft(input, opts.templates) };
  try {
    const draft = await composeModelDraft(input, opts.chat, {
      templates: opts.templates,
      prompt: opts.prompt,
      signal: opts.signal,
      completion: opts.completion,
    });
    return { draft };
  } catch (err) {
    if (err instanceof AiUnavailableError) {
      return {
        draft: composeOfflineDraft(input, opts.templates),
        modelError: { kind: 'unavailable', retryable: err.retryable, message: err.message, status: err.status, retryAfterMs: err.info.retryAfterMs },
      };
    }
    if (err instanceof AiOutputError) {
      return { draft: composeOfflineDraft(input, opts.templates), modelError: { kind: 'output', retryable: err.retryable, message: err.message } };
    }
    throw err;
  }
}
