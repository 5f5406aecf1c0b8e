import { primaryKey, real } from 'drizzle-orm/pg-core';
import { pgTable, text, timestamptz } from '../columns.js';

/**
 * Embeddings already paid for, by model and SHA-256 of the exact text embedded: re-indexing unchanged articles or
 * re-processing a message costs no API call. The model is part of the key because vectors of different models
 * (or sizes) are not comparable. Plain real[] rather than vector(n): rows of different sizes live side by side.
 */
export const embeddingCache = pgTable(
  'embedding_cache',
  {
    model: text('model').notNull(),
    contentHash: text('content_hash').notNull(),
    embedding: real('embedding').array().notNull(),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.model, t.contentHash] })],
);
