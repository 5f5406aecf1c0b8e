CREATE TABLE "embedding_cache" (
	"model" text NOT NULL,
	"content_hash" text NOT NULL,
	"embedding" real[] NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "embedding_cache_model_content_hash_pk" PRIMARY KEY("model","content_hash")
);
