import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Config } from '../config.js';
import { databaseOptions } from '../config.js';
import { withDatabase } from '../db/client.js';
import { createEmbedder } from '../ai/provider.js';
import { indexKnowledgeBase } from '../kb/indexing/indexer.js';
import { exportJsonl, exportMarkdown, importJsonl, importMarkdown, type ImportResult } from '../kb/transfer.js';

const USAGE = `Usage:
  firstreply kb import PATH                               a .jsonl file or a folder of .md files (idempotent by id)
  firstreply kb export --format jsonl|markdown --out PATH  a .jsonl file, or a folder of <id>.md files
  firstreply kb gaps [--recompute] [--json]                 questions no article answers, clustered, with suggested articles
  firstreply kb reindex                                    embed what changed with the configured model; drops other models' vectors`;

/** Recorded as the author of imported versions, as a principal's name is for API changes. */
const CLI_AUTHOR = 'cli';

export async function kbCommand(config: Config, args: string[]): Promise<number> {
  if (args[0] === 'gaps') return (await import('./gaps.js')).gapsCommand(config, args.slice(1));
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { format: { type: 'string', default: 'jsonl' }, out: { type: 'string' } } });
  const [sub, target] = positionals;
  const exporting = sub === 'export' && values.out && ['jsonl', 'markdown'].includes(values.format!);
  if (sub === 'reindex') return reindex(config);
  if (!(sub === 'import' && target) && !exporting) {
    console.error(USAGE);
    return 2;
  }
  // The knowledge base is just rows: open the database directly instead of starting the whole service.
  return withDatabase(databaseOptions(config), async (database) => {
    if (sub === 'import') {
      const result = await importPath(database.db, target!);
      for (const f of result.failed) console.error(`${f.file ?? `line ${f.line}`}: ${f.error}`);
      console.log(JSON.stringify({ ...result, failed: result.failed.length }));
      return result.failed.length > 0 ? 1 : 0;
    }
    const out = values.out!;
    if (values.format === 'jsonl') {
      await writeFile(out, await exportJsonl(database.db));
    } else {
      await mkdir(out, { recursive: true });
      const files = await exportMarkdown(database.db);
      for (const [name, content] of Object.entries(files)) await writeFile(path.join(out, name), content);
    }
    console.error(`exported to ${out}`);
    return 0;
  });
}

async function importPath(db: Parameters<typeof importJsonl>[0], target: string): Promise<ImportResult> {
  const ctx = { by: CLI_AUTHOR, changeNote: `import from ${path.basename(target)}` };
  if (!(await stat(target)).isDirectory()) return importJsonl(db, await readFile(target, 'utf8'), ctx);
  const names = (await readdir(target)).filter((n) => /\.(md|markdown)$/i.test(n));
  const files = Object.fromEntries(await Promise.all(names.map(async (n) => [n, await readFile(path.join(target, n), 'utf8')] as const)));
  return importMarkdown(db, files, ctx);
}

/** Runs the indexer to completion in the foreground (a running service also does this by itself). */
async function reindex(config: Config): Promise<number> {
  return withDatabase(databaseOptions(config), async (database) => {
    const embedder = createEmbedder(config, { db: database.db });
    const { articles: _a, ...report } = await indexKnowledgeBase(database.db, embedder, {
      prune: true,
      onProgress: (done, total) => console.error(`reindex: ${done}/${total} chunks`),
    });
    console.log(JSON.stringify(report));
    return 0;
  });
}
