/** Turns texts into dense vectors for pgvector (cosine). Implementations: local (offline) and OpenAI-compatible. */
export interface Embedder {
  /** identifies model and version; stored next to each vector so a change of model forces re-embedding */
  readonly model: string;
  readonly dimensions: number;
  /** one L2-normalised vector per text, same order */
  embed(texts: string[]): Promise<Float32Array[]>;
}
