import { parseArgs } from 'node:util';
import type { Config } from '../config.js';
import { backupEmbedded, restoreEmbedded } from '../ops/backup.js';
import { lockDataDir } from '../db/data-dir-lock.js';
import { embeddedInUse, IN_USE_MESSAGE } from '../ops/embedded-lock.js';

const POSTGRES = 'DATABASE_URL is set: back up PostgreSQL with pg_dump and restore with pg_restore (docs/operations.md)';

/** `firstreply backup --out FILE`: the embedded database and every file under DATA_DIR, service stopped. */
export async function backupCommand(config: Config, args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { out: { type: 'string' }, force: { type: 'boolean', default: false } } });
  if (!values.out) {
    console.error('Usage: firstreply backup --out FILE.tar.gz   (embedded setup; stop the service first)');
    return 2;
  }
  if (config.DATABASE_URL) {
    console.error(POSTGRES);
    return 2;
  }
  if (!values.force && embeddedInUse(config.DATA_DIR)) {
    console.error(IN_USE_MESSAGE(config.DATA_DIR));
    return 1;
  }
  // Held while the copy is made: a service started meanwhile is refused (data-dir-lock.ts).
  const lock = lockDataDir(config.DATA_DIR, 'backup');
  const result = await backupEmbedded(config.DATA_DIR, values.out).finally(() => lock.release());
  console.log(JSON.stringify({ backup: values.out, bytes: result.bytes, files: result.files.length, rows: result.rows }));
  return 0;
}

/** `firstreply restore --from FILE`: into DATA_DIR, which must be empty or not exist yet. */
export async function restoreCommand(config: Config, args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { from: { type: 'string' } } });
  if (!values.from) {
    console.error('Usage: firstreply restore --from FILE.tar.gz   (into an empty DATA_DIR)');
    return 2;
  }
  if (config.DATABASE_URL) {
    console.error(POSTGRES);
    return 2;
  }
  const manifest = await restoreEmbedded(values.from, config.DATA_DIR);
  console.log(JSON.stringify({ restored: config.DATA_DIR, createdAt: manifest.createdAt, files: manifest.files.length, rows: manifest.rows }));
  return 0;
}
