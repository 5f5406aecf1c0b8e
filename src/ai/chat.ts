// JSON-mode chat completions validated against a zod schema: transport failures are retried (retry.ts); an answer
// that is not what we asked for gets exactly one repair attempt, then a typed AiOutputError.
import type OpenAI from 'openai';
import { z } from 'zod';
import { AiOutputError } from './errors.js';
import { openAiClient, retryPolicyOf, type OpenAiConnection } from './openai-connection.js';
import { withRetries, type RetryPolicy } from './retry.js';

export { fenceUntrusted, untrustedTextRule } from './untrusted.js';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ChatClientOptions extends OpenAiConnection {
  model: string;
}

export interface CompleteJsonOptions {
  model?: string;
  temperature?: number;
  maxTokens?: number;
  signal?: AbortSignal;
}

type Outcome<T> = { ok: true; value: T } | { ok: false; problem: string; content?: string };

const completionShape = z.object({
  choices: z
    .array(
      z.object({
        message: z.object({ content: z.string().nullish(), refusal: z.string().nullish() }),
        finish_reason: z.string().nullish(),
      }),
    )
    .min(1),
});

export class ChatClient {
  readonly model: string;
  private readonly client: OpenAI;
  private readonly policy: RetryPolicy;

  constructor(opts: ChatClientOptions) {
    this.model = opts.model;
    this.client = openAiClient(opts);
    this.policy = retryPolicyOf(opts);
  }

  async completeJson<T>(messages: ChatMessage[], schema: z.ZodType<T>, opts: CompleteJsonOptions = {}): Promise<T> {
    const conversation = withJsonInstruction(messages);
    const first = await this.attempt(conversation, schema, opts);
    if (first.ok) return first.value;
    // One repair: the model sees its answer and what was wrong. A garbled transport body has nothing to show,
    // so the same request is simply sent again.
    const repair: ChatMessage[] =
      first.content === undefined
        ? conversation
        : [
            ...conversation,
            { role: 'assistant', content: first.content },
            { role: 'user', content: `Your answer was not usable: ${first.problem}. Reply again with only the corrected JSON object.` },
          ];
    const second = await this.attempt(repair, schema, opts);
    if (second.ok) return second.value;
    throw new AiOutputError(`OpenAI chat: no valid answer after a repair attempt: ${second.problem}`, { model: opts.model ?? this.model });
  }

  private async attempt<T>(messages: ChatMessage[], schema: z.ZodType<T>, opts: CompleteJsonOptions): Promise<Outcome<T>> {
    let response: unknown;
    try {
      response = await withRetries('OpenAI chat', this.policy, () =>
        this.client.chat.completions.create(
          {
            model: opts.model ?? this.model,
            messages,
            response_format: { type: 'json_object' },
            ...(opts.temperature !== undefined ? { temperature: opts.temperature } : {}),
            ...(opts.maxTokens !== undefined ? { max_completion_tokens: opts.maxTokens } : {}),
          },
          { signal: opts.signal },
        ),
      );
    } catch (err) {
      if (err instanceof AiOutputError) return { ok: false, problem: err.message };
      throw err;
    }
    const shape = completionShape.safeParse(response);
    if (!shape.success) return { ok: false, problem: 'the server did not answer with a chat completion' };
    const [choice] = shape.data.choices;
    if (choice!.message.refusal) throw new AiOutputError(`OpenAI chat: the model refused: ${choice!.message.refusal}`);
    const content = choice!.message.content ?? '';
    return checkContent(content, choice!.finish_reason === 'length', schema);
  }
}

function checkContent<T>(content: string, cutOff: boolean, schema: z.ZodType<T>): Outcome<T> {
  let data: unknown;
  try {
    data = JSON.parse(stripCodeFence(content));
  } catch {
    const problem = cutOff ? 'it was cut off at the token limit; answer more briefly' : 'it was not valid JSON';
    return { ok: false, problem, content };
  }
  const parsed = schema.safeParse(data);
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, problem: `it did not match the required shape: ${z.prettifyError(parsed.error).slice(0, 1000)}`, content };
}

/** Some OpenAI-compatible servers wrap JSON mode answers in a Markdown fence anyway. */
function stripCodeFence(content: string): string {
  const m = /^\s*```(?:json)?\s*\n([\s\S]*?)\n\s*```\s*$/i.exec(content);
  return m ? m[1]! : content;
}

/** OpenAI rejects JSON mode unless the word "JSON" appears in the messages. */
function withJsonInstruction(messages: ChatMessage[]): ChatMessage[] {
  if (messages.some((m) => /json/i.test(m.content))) return messages;
  return [{ role: 'system', content: 'Answer with a single JSON object.' }, ...messages];
}
