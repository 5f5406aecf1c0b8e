// The contract every table holding customer data fulfils: export its rows of a scope, erase them. The registry
// (./registry.ts) lists the handlers in erasure order.
import type { Queryable, Tx } from '../db/client.js';
import type { DataLocations, Scope } from './scope.js';

/** What erased text, names and addresses are replaced with in the rows kept for statistics. */
export const ERASED = '[erased]';

export interface EraseResult {
  deleted: number;
  anonymised: number;
  /** files to remove (`raw:NAME` or `outbox:NAME`), as the erasure's last step before its commit */
  files?: string[];
}

export interface CustomerDataHandler {
  table: string;
  exportRows(q: Queryable, scope: Scope, locations: DataLocations): Promise<unknown[]>;
  /** Runs inside the erasure transaction, in list order (so rows that reference others go first). */
  erase(tx: Tx, scope: Scope, locations: DataLocations): Promise<EraseResult>;
}
