import type { ImportResult } from '../../kb/transfer.js';
import { mayUse } from '../access.js';
import { CsrfField, ErrorSummary, TableWrap } from '../components.js';
import type { Viewer } from '../env.js';
import { Layout } from '../layout.js';

/** An import over several uploaded files: each failure also names the file it came from. */
export type FileImportResult = Omit<ImportResult, 'failed'> & { failed: (ImportResult['failed'][number] & { source?: string })[] };

export function KbTransferPage(p: { viewer: Viewer; result?: FileImportResult; error?: string }) {
  const canWrite = mayUse(p.viewer.role, 'kbWrite');
  const r = p.result;
  return (
    <Layout title="Import and export" viewer={p.viewer} area="kb">
      <nav class="breadcrumb" aria-label="Breadcrumb"><a href="/app/kb">Knowledge base</a> <span aria-hidden="true">›</span> <span aria-current="page">Import and export</span></nav>
      <h1>{canWrite ? 'Import and export' : 'Export'}</h1>
      {r && (
        <section class="result card" role="status" aria-labelledby="result-h" tabindex={-1} data-focus-on-load>
          <h2 id="result-h">Import finished</h2>
          <p>{`${r.created} created, ${r.updated} updated, ${r.unchanged} unchanged, ${r.failed.length} failed.`}</p>
          {r.failed.length > 0 && (
            <TableWrap label="Failed entries">
              <table class="list">
                <thead><tr><th scope="col">Where</th><th scope="col">Problem</th></tr></thead>
                <tbody>
                  {r.failed.map((f) => (
                    <tr><td>{[f.source ?? f.file, f.line ? `line ${f.line}` : ''].filter(Boolean).join(', ')}</td><td>{f.error}</td></tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          )}
        </section>
      )}
      <section aria-labelledby="export-h">
        <h2 id="export-h">Export</h2>
        <p>Every article, in every status.</p>
        <p class="actions">
          <a class="button" href="/app/kb/export/jsonl" download>Download JSONL</a>
          <a class="button" href="/app/kb/export/markdown" download>Download Markdown (ZIP)</a>
        </p>
      </section>
      {canWrite && (
        <section aria-labelledby="import-h">
          <h2 id="import-h">Import</h2>
          <p>
            JSONL files (one article per line) or Markdown files with front matter — the formats the export writes. Articles
            are matched by id: new ids are created, changed ones get a new version, identical ones are left alone. To import a
            Markdown export, unzip it and select its files.
          </p>
          <ErrorSummary errors={{}} message={p.error} />
          <form method="post" action="/app/kb/import" enctype="multipart/form-data" class="stack">
            <CsrfField viewer={p.viewer} />
            <div class="field">
              <label for="f-files">Files</label>
              <p class="hint" id="f-files-hint">.jsonl, .ndjson, .md or .markdown; several at once.</p>
              <input id="f-files" name="files" type="file" multiple required accept=".jsonl,.ndjson,.md,.markdown" aria-describedby="f-files-hint" />
            </div>
            <div><button type="submit" class="primary">Import</button></div>
          </form>
        </section>
      )}
    </Layout>
  );
}
