// A loopback OpenAI-compatible server for tests (the machine has no internet): /v1/embeddings with deterministic
// vectors from the local embedder, /v1/chat/completions answered by a test-supplied handler, and a per-route queue
// of faults (429 with Retry-After, 5xx, 401, slow answers, malformed bodies) applied to the next requests.
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { embedText } from '../../src/ai/local-embedder.js';

export type StubRoute = 'embeddings' | 'chat';

export type StubFault =
  | { status: number; retryAfter?: number } // retryAfter in seconds; fractions are allowed so tests stay fast
  | { delayMs: number } // answers normally, but late: the client's timeout fires first
  | { malformed: true | 'body' | 'shape' }; // 'body' (default): not JSON at all; 'shape': JSON of the wrong shape

export interface StubRequest {
  route: StubRoute;
  body: any;
  headers: IncomingHttpHeaders;
  /** the fault applied to this request, if any */
  fault?: StubFault;
}

export interface ChatRequestBody {
  model: string;
  messages: { role: string; content: string }[];
  response_format?: { type: string };
  [key: string]: unknown;
}

/** A string is the assistant's content as is; an object is sent as its JSON. */
export type ChatHandler = (request: ChatRequestBody) => string | object;

export interface OpenAiStubOptions {
  apiKey?: string;
  /** vector size when a request does not ask for `dimensions` */
  dimensions?: number;
  chat?: ChatHandler;
}

export interface OpenAiStub {
  /** ends in /v1, like OPENAI_BASE_URL */
  baseUrl: string;
  apiKey: string;
  requests: StubRequest[];
  requestsTo(route: StubRoute): StubRequest[];
  /** queue faults for the next requests to a route, one fault per request, in order */
  script(route: StubRoute, ...faults: StubFault[]): void;
  setChatHandler(handler: ChatHandler): void;
  close(): Promise<void>;
}

const lastUserMessage = (r: ChatRequestBody) => [...r.messages].reverse().find((m) => m.role === 'user')?.content ?? '';
export const defaultChatHandler: ChatHandler = (r) => ({ echo: lastUserMessage(r) });

export async function startOpenAiStub(opts: OpenAiStubOptions = {}): Promise<OpenAiStub> {
  const apiKey = opts.apiKey ?? 'sk-stub-key';
  const defaultDimensions = opts.dimensions ?? 1536;
  let chatHandler = opts.chat ?? defaultChatHandler;
  const requests: StubRequest[] = [];
  const faults: Record<StubRoute, StubFault[]> = { embeddings: [], chat: [] };
  const timers = new Set<NodeJS.Timeout>();
  let served = 0;

  const server = createServer(async (req, res) => {
    const route = routeOf(req);
    const text = await readBody(req);
    if (!route) return sendJson(res, 404, errorBody(`no route ${req.method} ${req.url}`, 'not_found'));
    let body: any;
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
    const fault = faults[route].shift();
    requests.push({ route, body, headers: req.headers, fault });

    if (req.headers.authorization !== `Bearer ${apiKey}`) {
      return sendJson(res, 401, errorBody('Incorrect API key provided', 'invalid_api_key'));
    }
    if (fault && 'status' in fault) {
      const headers: Record<string, string> = fault.retryAfter !== undefined ? { 'retry-after': String(fault.retryAfter) } : {};
      return sendJson(res, fault.status, errorBody(`scripted ${fault.status}`, fault.status === 401 ? 'invalid_api_key' : 'stub_fault'), headers);
    }
    if (fault && 'malformed' in fault) {
      if (fault.malformed === 'shape') return sendJson(res, 200, route === 'chat' ? { choices: [] } : { object: 'list', data: 'not a list' });
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end('{"object": "list", "data": [');
    }
    const answer = () => {
      if (res.destroyed) return;
      served++;
      try {
        if (route === 'embeddings') sendJson(res, 200, embeddingsAnswer(body, defaultDimensions));
        else sendJson(res, 200, chatAnswer(body, chatHandler(body as ChatRequestBody), served));
      } catch (err) {
        sendJson(res, 400, errorBody(err instanceof Error ? err.message : String(err), 'invalid_request'));
      }
    };
    if (fault && 'delayMs' in fault) {
      const timer = setTimeout(() => (timers.delete(timer), answer()), fault.delayMs);
      timers.add(timer);
    } else answer();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    apiKey,
    requests,
    requestsTo: (route) => requests.filter((r) => r.route === route),
    script: (route, ...more) => void faults[route].push(...more),
    setChatHandler: (handler) => void (chatHandler = handler),
    async close() {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function routeOf(req: IncomingMessage): StubRoute | undefined {
  if (req.method !== 'POST') return undefined;
  const path = (req.url ?? '').split('?')[0];
  if (path === '/v1/embeddings') return 'embeddings';
  if (path === '/v1/chat/completions') return 'chat';
  return undefined;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  if (res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function errorBody(message: string, code: string) {
  return { error: { message, type: 'invalid_request_error', param: null, code } };
}

const roughTokens = (s: string) => Math.ceil(s.length / 4);

/** Same shape as OpenAI's answer, including base64 vectors when asked for them (the SDK's default). */
function embeddingsAnswer(body: any, defaultDimensions: number) {
  const input: unknown = body?.input;
  const texts = typeof input === 'string' ? [input] : input;
  if (!Array.isArray(texts) || texts.length === 0 || !texts.every((t) => typeof t === 'string')) {
    throw new Error("'input' must be a string or a non-empty array of strings");
  }
  if (typeof body.model !== 'string') throw new Error("'model' is required");
  const dimensions = typeof body.dimensions === 'number' ? body.dimensions : defaultDimensions;
  const base64 = body.encoding_format === 'base64';
  const data = (texts as string[]).map((text, index) => {
    const v = embedText(text, dimensions);
    const embedding = base64 ? Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') : Array.from(v);
    return { object: 'embedding', index, embedding };
  });
  const tokens = (texts as string[]).reduce((n, t) => n + roughTokens(t), 0);
  return { object: 'list', data, model: body.model, usage: { prompt_tokens: tokens, total_tokens: tokens } };
}

function chatAnswer(body: ChatRequestBody, reply: string | object, n: number) {
  if (!Array.isArray(body?.messages)) throw new Error("'messages' is required");
  const content = typeof reply === 'string' ? reply : JSON.stringify(reply);
  const promptTokens = body.messages.reduce((sum, m) => sum + roughTokens(String(m.content)), 0);
  const completionTokens = roughTokens(content);
  return {
    id: `chatcmpl-stub-${n}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: body.model,
    choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, logprobs: null, finish_reason: 'stop' }],
    usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
  };
}
