// npm run bench:search [-- --sizes 1000,10000,100000] [--drivers pglite,pg-thread] [--queries 500] [--warmup 50]
//                         [--ef-search N] [--nearest N] [--rebuild] [--cache DIR] [--explain]
//
// Issue 8, match latency: the database half of a match (`searchChunks`: nearest chunks by HNSW + full-text rank, one
// transaction) at 1k / 10k / 100k chunks, its vector-only ANN statement alone, and recall@10 of HNSW against exact search.
//
// The knowledge base is synthetic but shaped like a real one: one article per 100 chunks, each with a title, 9 short
// Markdown sections and 90 example questions, written from BANKING77 train.csv sentences (Casanueva et al. 2020,
// CC-BY-4.0, read from ../shared/datasets/banking77) with one random word swapped so no two are equal. It goes through
// the production indexing path (`indexKnowledgeBase` with the local embedder: chunking, tsvector in the article's
// language, batched inserts, then the per-model partial HNSW index and ANALYZE). Queries are test.csv sentences.
//
// Built databases are kept in bench/.cache/search-latency/<size>-.../pglite (gitignored), because the 100k build takes
// minutes; `--rebuild` builds again. The build time printed for a reused database is the one measured when it was built.
//
// Drivers: `pglite` = PGlite in this process (drizzle's PGlite driver); `pg-thread` = the service's embedded default
// (`openDatabase({ dataDir })`: PGlite on its own worker thread, node-postgres over a Unix socket); `pg-wire` = PGlite in
// this process served on TCP by test/support/pglite-wire.ts, node-postgres over it.
//
// Output: progress and a table on stderr, one JSON summary on stdout at the end.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, totalmem } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { vector as pgvector } from '@electric-sql/pglite-pgvector';
import { sql } from 'drizzle-orm';
import { LocalEmbedder } from '../src/ai/local-embedder.js';
import { openDatabase, wrapPglite, type Database, type Db } from '../src/db/client.js';
import { selectRows, sqlLiteral } from '../src/db/rows.js';
import { articles } from '../src/db/schema/kb.js';
import { indexKnowledgeBase } from '../src/kb/indexing/indexer.js';
import { vectorLiteral } from '../src/db/schema/kb.js';
import { chunkSearchStatement, DEFAULT_EF_SEARCH, DEFAULT_NEAREST, ensureHnswIndex, hnswIndexName, searchChunks } from '../src/kb/search.js';
import { loadSplit } from './match-research/data.js';
import { rng } from './support/corpus.js';
import { servePglite } from '../test/support/pglite-wire.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const opt = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const num = (name: string, fallback: number) => (opt(name) === undefined ? fallback : Number(opt(name)));
const sizes = (opt('--sizes') ?? '1000,10000,100000').split(',').map(Number);
const drivers = (opt('--drivers') ?? 'pglite,pg-thread').split(',') as Driver[];
const queryCount = num('--queries', 500);
const warmup = num('--warmup', 50);
const nearest = num('--nearest', DEFAULT_NEAREST);
const efSearch = Math.max(num('--ef-search', DEFAULT_EF_SEARCH), nearest);
const cacheRoot = path.resolve(opt('--cache') ?? path.join(here, '.cache/search-latency'));
const rebuild = args.includes('--rebuild');
const explain = args.includes('--explain');
const proposedIndexes = args.includes('--proposed-indexes');

type Driver = 'pglite' | 'pg-thread' | 'pg-wire';
for (const d of drivers) if (!['pglite', 'pg-thread', 'pg-wire'].includes(d)) throw new Error(`unknown driver ${d}`);
for (const s of sizes) if (!Number.isInteger(s) || s < 100 || s % 100) throw new Error(`--sizes: ${s} is not a multiple of 100`);

const log = (msg: string) => console.error(msg);
const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
function stats(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))]!;
  return { p50: round(at(0.5)), p90: round(at(0.9)), p99: round(at(0.99)), max: round(s[s.length - 1]!), mean: round(s.reduce((a, b) => a + b, 0) / s.length) };
}
const fmt = (s: ReturnType<typeof stats>) => `p50 ${s.p50} / p90 ${s.p90} / p99 ${s.p99} / max ${s.max} ms`;

// ---------------------------------------------------------------------------------------------------------------
// The corpus: 100 chunks per article (title + 9 sections + 90 examples), every one distinct.

const CORPUS_VERSION = 1;
const SECTIONS = 9;
const EXAMPLES = 90;
const embedder = new LocalEmbedder();
const train = loadSplit('train');
const intents = [...new Set(train.map((r) => r.category))].sort();
const byIntent = new Map(intents.map((c) => [c, train.filter((r) => r.category === c).map((r) => r.text)]));
const vocabulary = [...new Set(train.flatMap((r) => r.text.toLowerCase().split(/\s+/)))];

function variant(text: string, rand: () => number): string {
  const words = text.split(/\s+/);
  words[Math.floor(rand() * words.length)] = vocabulary[Math.floor(rand() * vocabulary.length)]!;
  return words.join(' ');
}

function syntheticArticles(count: number, seed: number) {
  const rand = rng(seed);
  return Array.from({ length: count }, (_, i) => {
    const intent = intents[i % intents.length]!;
    const pool = byIntent.get(intent)!;
    const pick = () => variant(pool[Math.floor(rand() * pool.length)]!, rand);
    const name = intent.replace(/_/g, ' ').replace(/[?]/g, '');
    const body = Array.from({ length: SECTIONS }, (_, s) => `## ${name} ${s + 1}\n\n${pick()} ${pick()} ${pick()}`).join('\n\n');
    return {
      id: `bench-${i + 1}`, title: `${name} ${i + 1}`, body, language: 'en', status: 'published' as const, updatedBy: 'bench',
      examples: Array.from({ length: EXAMPLES }, pick),
    };
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Build (or reuse) a persisted PGlite database of `size` chunks through the production indexing path.

interface BuildMeta {
  chunks: number;
  articles: number;
  model: string;
  builtAt: string;
  embedAndInsertSeconds: number;
  indexBuildSeconds: number;
  indexDefinition: string;
}

async function openPglite(dir: string): Promise<PGlite> {
  return PGlite.create(dir, { extensions: { vector: pgvector } });
}

async function build(size: number, dir: string): Promise<BuildMeta> {
  const tmp = `${dir}.building`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const client = await openPglite(path.join(tmp, 'pglite'));
  const database = wrapPglite(client);
  await database.migrate();
  const db = database.db;
  const list = syntheticArticles(size / 100, size);
  for (let i = 0; i < list.length; i += 200) await db.insert(articles).values(list.slice(i, i + 200));
  const started = performance.now();
  let inserted = started;
  let lastLog = 0;
  const report = await indexKnowledgeBase(db, embedder, {
    onProgress(done, total) {
      if (done === total) inserted = performance.now();
      if (performance.now() - lastLog > 10_000 || done === total) {
        lastLog = performance.now();
        log(`  ${size}: embedded and inserted ${done}/${total} chunks (${round((performance.now() - started) / 1000, 1)} s)`);
      }
    },
  });
  const finished = performance.now();
  const [{ n }] = await selectRows<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM article_chunks`) as [{ n: number }];
  if (n !== size) throw new Error(`built ${n} chunks, expected ${size}`);
  const meta: BuildMeta = {
    chunks: n, articles: report.published, model: report.model, builtAt: new Date().toISOString(),
    embedAndInsertSeconds: round((inserted - started) / 1000, 1), indexBuildSeconds: round((finished - inserted) / 1000, 1),
    indexDefinition: await indexDefinition(db),
  };
  await database.close();
  writeFileSync(path.join(tmp, 'meta.json'), JSON.stringify(meta, null, 2));
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  return meta;
}

async function indexDefinition(db: Db): Promise<string> {
  const rows = await selectRows<{ indexdef: string }>(db, sql`SELECT indexdef FROM pg_indexes WHERE indexname = ${hnswIndexName(embedder.model)}`);
  return rows[0]?.indexdef ?? '(none)';
}

// ---------------------------------------------------------------------------------------------------------------
// Queries, and exact nearest neighbours (sequential scan) computed once per database and cached beside it.

const queryTexts = (() => {
  const test = loadSplit('test').map((r) => r.text);
  const rand = rng(8);
  return Array.from({ length: warmup + queryCount }, () => test[Math.floor(rand() * test.length)]!);
})();
const queryVectors = await embedder.embed(queryTexts);
const dims = sql.raw(String(embedder.dimensions));
const modelLiteral = sql.raw(sqlLiteral(embedder.model));

/** The vector half of searchChunks as one statement: nearest chunks of the model by cosine distance. */
const annStatement = (v: Float32Array, limit: number) => sql`
  SELECT id, (embedding::vector(${dims}) <=> ${vectorLiteral(v)}::vector(${dims})) AS distance
  FROM article_chunks WHERE model = ${modelLiteral}
  ORDER BY embedding::vector(${dims}) <=> ${vectorLiteral(v)}::vector(${dims}) LIMIT ${sql.raw(String(limit))}`;

interface Neighbour { id: number; distance: number }

async function exactNeighbours(db: Db, dir: string): Promise<{ neighbours: Neighbour[][]; ms: number[]; cached: boolean }> {
  const key = createHash('sha256').update(queryTexts.slice(warmup).join('\n')).digest('hex').slice(0, 12);
  const file = path.join(dir, `exact-${key}.json`);
  if (existsSync(file)) return { ...(JSON.parse(readFileSync(file, 'utf8')) as { neighbours: Neighbour[][]; ms: number[] }), cached: true };
  const neighbours: Neighbour[][] = [];
  const ms: number[] = [];
  for (const [i, v] of queryVectors.slice(warmup).entries()) {
    const t = performance.now();
    const rows = await db.transaction(async (tx) => {
      await tx.execute(sql`SET LOCAL enable_indexscan = off`);
      await tx.execute(sql`SET LOCAL enable_bitmapscan = off`);
      return selectRows<Neighbour>(tx, annStatement(v, 10));
    });
    ms.push(performance.now() - t);
    neighbours.push(rows.map((r) => ({ id: Number(r.id), distance: Number(r.distance) })));
    if ((i + 1) % 100 === 0) log(`    exact search ${i + 1}/${queryCount}`);
  }
  writeFileSync(file, JSON.stringify({ neighbours, ms }));
  return { neighbours, ms, cached: false };
}

/**
 * recall@10: the share of the exact 10 nearest that HNSW's first 10 found. Counted by distance (a result at most as
 * far as the exact 10th neighbour counts), so chunks with identical vectors cannot make an exact answer look missed.
 */
function recallAt10(approx: Neighbour[], exact: Neighbour[]): number {
  const tenth = exact[Math.min(9, exact.length - 1)]!.distance;
  const found = approx.slice(0, 10).filter((n) => n.distance <= tenth + 1e-6).length;
  return Math.min(found, exact.length) / Math.min(10, exact.length);
}

// ---------------------------------------------------------------------------------------------------------------
// Drivers

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

async function openDriver(driver: Driver, dir: string): Promise<Database> {
  if (driver === 'pglite') return wrapPglite(await openPglite(path.join(dir, 'pglite')));
  if (driver === 'pg-thread') return openDatabase({ dataDir: dir });
  const client = await openPglite(path.join(dir, 'pglite'));
  const wire = await servePglite(client, await freePort());
  const database = await openDatabase({ databaseUrl: `postgres://postgres@127.0.0.1:${wire.port}/postgres`, maxConnections: 1 });
  return { ...database, close: async () => { await database.close(); await wire.server.stop(); await client.close(); } };
}

async function setting(db: Db, name: string): Promise<string> {
  const rows = await selectRows<{ v: string }>(db, sql.raw(`SELECT current_setting('${name}', true) AS v`));
  return rows[0]?.v ?? '';
}

/** Indexes proposed for a migration (src/kb/search.ts names them), created only with --proposed-indexes and dropped after. */
const PROPOSED_INDEXES = [
  { name: 'bench_article_chunks_article_text', matches: /\(article_id, model\) WHERE \(kind = ANY/, sql: `ON article_chunks (article_id, model) WHERE kind IN ('title', 'section')` },
];

async function chunkIndexes(db: Db): Promise<string[]> {
  return (await selectRows<{ indexdef: string }>(db, sql`SELECT indexdef FROM pg_indexes WHERE tablename = 'article_chunks' ORDER BY indexname`))
    .map((r) => r.indexdef.replace(/^CREATE (UNIQUE )?INDEX /, '').replace(' ON public.article_chunks USING', ''));
}

// ---------------------------------------------------------------------------------------------------------------

interface Result {
  chunks: number;
  articles: number;
  driver: Driver;
  database: { reused: boolean; builtAt: string; path: string };
  build: { embedAndInsertSeconds: number; indexBuildSeconds: number };
  hnsw: { indexDefinition: string; m: number; efConstruction: number; efSearch: number; nearest: number; iterativeScan: string; indexMB: number; tableMB: number };
  indexes: string[];
  proposedIndexesCreated: string[];
  /** searchChunks as the service calls it: transaction, SET LOCAL hnsw.ef_search, one statement (vector + full text) */
  searchMs: ReturnType<typeof stats>;
  /** searchChunks with an empty question text: the same without the full-text part */
  searchVectorOnlyMs: ReturnType<typeof stats>;
  /** the HNSW statement alone (nearest chunks, LIMIT nearest), no transaction: what recall is measured on */
  annMs: ReturnType<typeof stats>;
  exactMs: ReturnType<typeof stats>;
  recallAt10: number;
  queries: number;
  warmup: number;
}

const results: Result[] = [];
let pgvectorVersion = '';
let postgresVersion = '';
mkdirSync(cacheRoot, { recursive: true });

for (const size of sizes) {
  const dir = path.join(cacheRoot, `${size}-v${CORPUS_VERSION}-${embedder.model}`);
  let reused = !rebuild && existsSync(path.join(dir, 'meta.json'));
  let meta: BuildMeta;
  if (reused) {
    meta = JSON.parse(readFileSync(path.join(dir, 'meta.json'), 'utf8')) as BuildMeta;
    log(`${size} chunks: reusing the database built ${meta.builtAt} in ${path.relative(process.cwd(), dir)} (--rebuild to build again)`);
  } else {
    log(`${size} chunks: building through indexKnowledgeBase (${size / 100} articles) in ${path.relative(process.cwd(), dir)}`);
    meta = await build(size, dir);
    log(`  built: embed + insert ${meta.embedAndInsertSeconds} s, HNSW build + ANALYZE ${meta.indexBuildSeconds} s`);
  }
  let exact: Awaited<ReturnType<typeof exactNeighbours>> | undefined;

  for (const driver of drivers) {
    const database = await openDriver(driver, dir);
    const db = database.db;
    await database.migrate(); // migrations added since the cached database was built
    // A changed index definition (src/kb/search.ts) on a cached database: build the current one and record its time.
    if ((await indexDefinition(db)) !== meta.indexDefinition) {
      log('  the cached HNSW index differs from the current definition: building it again on the cached data');
      const t = performance.now();
      await db.execute(sql.raw(`DROP INDEX IF EXISTS ${hnswIndexName(embedder.model)}`));
      await ensureHnswIndex(db, embedder.model, embedder.dimensions);
      await db.execute(sql`ANALYZE article_chunks`);
      meta = { ...meta, indexBuildSeconds: round((performance.now() - t) / 1000, 1), indexDefinition: await indexDefinition(db), builtAt: new Date().toISOString() };
      writeFileSync(path.join(dir, 'meta.json'), JSON.stringify(meta, null, 2));
      reused = false;
      log(`  HNSW build + ANALYZE ${meta.indexBuildSeconds} s`);
    }
    const proposedIndexesCreated: string[] = [];
    if (proposedIndexes) {
      const existing = await chunkIndexes(db);
      for (const p of PROPOSED_INDEXES) {
        if (existing.some((d) => p.matches.test(d))) continue;
        await db.execute(sql.raw(`CREATE INDEX ${p.name} ${p.sql}`));
        proposedIndexesCreated.push(p.name);
      }
      if (proposedIndexesCreated.length) {
        await db.execute(sql`ANALYZE article_chunks`);
        log(`  created for this run only (--proposed-indexes): ${proposedIndexesCreated.join(', ')}`);
      }
    }
    pgvectorVersion = (await selectRows<{ v: string }>(db, sql`SELECT extversion AS v FROM pg_extension WHERE extname = 'vector'`))[0]?.v ?? '';
    postgresVersion = (await selectRows<{ v: string }>(db, sql`SELECT version() AS v`))[0]?.v ?? '';
    exact ??= await exactNeighbours(db, dir);

    const options = Object.fromEntries(
      (await selectRows<{ o: string }>(db, sql`SELECT unnest(coalesce(c.reloptions, '{}')) AS o FROM pg_class c WHERE c.relname = ${hnswIndexName(embedder.model)}`))
        .map((r) => r.o.split('=') as [string, string]),
    );
    const [sizesRow] = await selectRows<{ index: number; table: number }>(db, sql`SELECT pg_relation_size(${hnswIndexName(embedder.model)}::regclass)::float8 AS index,
      pg_table_size('article_chunks')::float8 AS table`);
    // session-level for the single-statement measurements (one connection per driver: the same session throughout)
    await db.execute(sql.raw(`SET hnsw.ef_search = ${efSearch}`));
    const hnsw = {
      indexDefinition: meta.indexDefinition, m: Number(options.m ?? 16), efConstruction: Number(options.ef_construction ?? 64),
      efSearch, nearest, iterativeScan: await setting(db, 'hnsw.iterative_scan'),
      indexMB: round(sizesRow!.index / 2 ** 20, 1), tableMB: round(sizesRow!.table / 2 ** 20, 1),
    };
    const input = (i: number, text = queryTexts[i]!) => ({
      model: embedder.model, dimensions: embedder.dimensions, vector: queryVectors[i]!, text, language: 'en', nearest, efSearch,
    });

    if (explain) {
      const { statement } = chunkSearchStatement(input(warmup));
      const plan = await db.transaction(async (tx) => {
        await tx.execute(sql.raw(`SET LOCAL hnsw.ef_search = ${efSearch}`));
        return selectRows<{ 'QUERY PLAN': string }>(tx, sql`EXPLAIN (ANALYZE, BUFFERS) ${statement}`);
      });
      log(`  EXPLAIN ANALYZE of searchChunks' statement (first query, cold):\n${plan.map((r) => `    ${r['QUERY PLAN']}`).filter((l) => !l.includes('Order By:')).join('\n')}`);
    }

    for (let i = 0; i < warmup; i++) {
      await searchChunks(db, input(i));
      await selectRows(db, annStatement(queryVectors[i]!, nearest));
    }
    // One pass per kind of measurement, so none rides on pages the previous one just read for the same query.
    const timed = async (run: (i: number) => Promise<unknown>) => {
      const ms: number[] = [];
      for (let i = warmup; i < warmup + queryCount; i++) {
        const t = performance.now();
        await run(i);
        ms.push(performance.now() - t);
      }
      return stats(ms);
    };
    const searchMs = await timed((i) => searchChunks(db, input(i)));
    const searchVectorOnlyMs = await timed((i) => searchChunks(db, input(i, '')));
    let recall = 0;
    const annMs = await timed(async (i) => {
      const rows = await selectRows<Neighbour>(db, annStatement(queryVectors[i]!, nearest));
      recall += recallAt10(rows.map((r) => ({ id: Number(r.id), distance: Number(r.distance) })), exact!.neighbours[i - warmup]!);
    });
    const indexes = await chunkIndexes(db);
    for (const name of proposedIndexesCreated) await db.execute(sql.raw(`DROP INDEX ${name}`));
    await database.close();

    const result: Result = {
      chunks: size, articles: meta.articles, driver,
      database: { reused, builtAt: meta.builtAt, path: path.relative(process.cwd(), dir) },
      build: { embedAndInsertSeconds: meta.embedAndInsertSeconds, indexBuildSeconds: meta.indexBuildSeconds },
      hnsw, indexes, proposedIndexesCreated, searchMs, searchVectorOnlyMs, annMs, exactMs: stats(exact.ms),
      recallAt10: round(recall / queryCount, 4), queries: queryCount, warmup,
    };
    results.push(result);
    log(`  ${size} chunks, ${driver}: searchChunks ${fmt(searchMs)}`);
    log(`    without the full-text part ${fmt(searchVectorOnlyMs)}; HNSW statement alone (LIMIT ${nearest}) ${fmt(annMs)}`);
    log(`    recall@10 ${result.recallAt10} vs exact (sequential scan ${fmt(result.exactMs)}${exact.cached ? ', measured earlier' : ''})`);
    log(`    HNSW m ${hnsw.m}, ef_construction ${hnsw.efConstruction}, hnsw.ef_search ${efSearch}, nearest ${nearest}, iterative_scan ${hnsw.iterativeScan}; index ${hnsw.indexMB} MB, table ${hnsw.tableMB} MB`);
    log(`    build: embed + insert ${meta.embedAndInsertSeconds} s, HNSW + ANALYZE ${meta.indexBuildSeconds} s${reused ? ` (measured when built, ${meta.builtAt})` : ''}`);
  }
}

log('\nchunks  driver     searchChunks p50/p99 ms  vector part p50/p99  HNSW alone p50/p99  recall@10  HNSW build s');
for (const r of results) {
  log(`${String(r.chunks).padEnd(8)}${r.driver.padEnd(11)}${`${r.searchMs.p50} / ${r.searchMs.p99}`.padEnd(25)}${`${r.searchVectorOnlyMs.p50} / ${r.searchVectorOnlyMs.p99}`.padEnd(21)}${`${r.annMs.p50} / ${r.annMs.p99}`.padEnd(20)}${String(r.recallAt10).padEnd(11)}${r.build.indexBuildSeconds}`);
}
console.log(JSON.stringify({
  bench: 'search-latency',
  machine: { cpus: cpus().length, cpu: cpus()[0]?.model ?? '', memoryGiB: round(totalmem() / 2 ** 30, 1), node: process.version, loadAverage: loadavg().map((x) => round(x)) },
  postgres: postgresVersion, pgvector: pgvectorVersion, model: embedder.model, dimensions: embedder.dimensions,
  target: { chunks: 100000, searchP99Ms: 20, recallAt10: 0.95 },
  results,
}));
