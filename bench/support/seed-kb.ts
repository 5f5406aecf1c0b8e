// The knowledge base the benchmarks match every customer email against, as in production: the tests' 12-article
// fixture (3 topics × en/es/ru/zh), imported and indexed with the local provider before the service starts.
import { LocalEmbedder } from '../../src/ai/local-embedder.js';
import { withDatabase } from '../../src/db/client.js';
import { indexKnowledgeBase } from '../../src/kb/indexing/indexer.js';
import { importJsonl } from '../../src/kb/transfer.js';
import { fixtureJsonl } from '../../test/support/kb-fixture.js';

export async function seedKnowledgeBase(opts: { databaseUrl?: string; dataDir?: string; maxConnections?: number }): Promise<void> {
  await withDatabase(opts, async (database) => {
    const imported = await importJsonl(database.db, fixtureJsonl(), { by: 'bench' });
    if (imported.failed.length > 0) throw new Error(`knowledge base import failed: ${JSON.stringify(imported.failed)}`);
    await indexKnowledgeBase(database.db, new LocalEmbedder(), { prune: true });
  });
}
