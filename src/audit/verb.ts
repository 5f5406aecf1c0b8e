// An admin write as one verb: `(ctx, input)`, the input validated with zod before anything is written, then the
// writes and their audit row in one transaction (a failed validation writes nothing; a failed write leaves no audit
// row behind, and an audit row is never missing for a write that happened).
import type { z } from 'zod';
import type { Db, Tx } from '../db/client.js';
import { parseInput } from '../validation.js';
import type { Actor } from './log.js';

export interface VerbContext {
  db: Db;
  /** who does it: an admin, the user themselves, or SYSTEM_ACTOR */
  actor: Actor;
}

/**
 * A verb from its input schema and its body. Invalid input throws AppError('bad_request') with `details.fields`
 * (field path → message), which the web forms show beside each field.
 */
export function verb<S extends z.ZodType, R, C extends VerbContext = VerbContext>(schema: S, body: (tx: Tx, input: z.output<S>, ctx: C) => Promise<R>) {
  return async (ctx: C, input: z.input<S>): Promise<R> => {
    const parsed = parseInput(schema, input) as z.output<S>;
    return ctx.db.transaction((tx) => body(tx, parsed, ctx));
  };
}
