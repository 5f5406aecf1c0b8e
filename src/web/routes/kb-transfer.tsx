// Import (upload JSONL or Markdown files) and export (download JSONL, or Markdown files in a ZIP).
import { Hono } from 'hono';
import type { Db } from '../../db/client.js';
import { exportJsonl, exportMarkdown, importJsonl, importMarkdown } from '../../kb/transfer.js';
import { files, formOf, render, type WebEnv } from '../env.js';
import { KbTransferPage, type FileImportResult } from '../pages/kb-transfer.js';
import { zip } from '../zip.js';
import { allow } from './guards.js';

const today = () => new Date().toISOString().slice(0, 10);

export function transferRoutes(db: Db) {
  const write = allow('kbWrite');
  return new Hono<WebEnv>()
    .get('/transfer', (c) => render(c, <KbTransferPage viewer={c.get('viewer')} />))
    .post('/import', write, async (c) => {
      const viewer = c.get('viewer');
      const uploads = files(await formOf(c), 'files');
      if (uploads.length === 0) return render(c, <KbTransferPage viewer={viewer} error="Choose at least one file to import." />, 400);
      const ctx = { by: viewer.name, changeNote: 'import (web)' };
      const result: FileImportResult = { created: 0, updated: 0, unchanged: 0, failed: [] };
      const add = (r: FileImportResult, source?: string) => {
        result.created += r.created;
        result.updated += r.updated;
        result.unchanged += r.unchanged;
        result.failed.push(...r.failed.map((f) => ({ ...f, source: source ?? f.file })));
      };
      const markdown: Record<string, string> = {};
      for (const file of uploads) {
        if (/\.(jsonl|ndjson)$/i.test(file.name)) add(await importJsonl(db, await file.text(), ctx), file.name);
        else if (/\.(md|markdown)$/i.test(file.name)) markdown[file.name] = await file.text();
        else result.failed.push({ source: file.name, error: 'not a .jsonl, .ndjson, .md or .markdown file' });
      }
      if (Object.keys(markdown).length > 0) add(await importMarkdown(db, markdown, ctx));
      return render(c, <KbTransferPage viewer={viewer} result={result} />);
    })
    .get('/export/jsonl', async (c) =>
      c.body(await exportJsonl(db), 200, {
        'content-type': 'application/x-ndjson; charset=utf-8',
        'content-disposition': `attachment; filename="firstreply-kb-${today()}.jsonl"`,
        'cache-control': 'no-store',
      }))
    .get('/export/markdown', async (c) => {
      const entries = Object.entries(await exportMarkdown(db)).map(([name, content]) => ({ name, content }));
      return c.body(new Uint8Array(zip(entries)), 200, {
        'content-type': 'application/zip',
        'content-disposition': `attachment; filename="firstreply-kb-${today()}.zip"`,
        'cache-control': 'no-store',
      });
    });
}
