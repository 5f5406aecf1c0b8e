import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * PGlite is one process's database: a second process opening the same directory (a CLI command while
 * `firstreply start` runs) would corrupt it, and PGlite does not refuse. While a PGlite instance has the
 * directory open it keeps a postmaster.pid there, removed again on a clean close; its presence is the signal.
 * After a crash the file stays behind: starting and stopping the service once clears it (or pass --force).
 */
export function embeddedInUse(dataDir: string): boolean {
  return existsSync(path.resolve(dataDir, 'pglite', 'postmaster.pid'));
}

export const IN_USE_MESSAGE = (dataDir: string) =>
  `the embedded database in ${path.resolve(dataDir, 'pglite')} is in use (is \`firstreply start\` running?). ` +
  'Stop the service first. If it is not running, it was stopped uncleanly: start and stop it once, or pass --force.';
