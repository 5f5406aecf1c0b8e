CREATE TABLE "article_chunks" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"article_id" text NOT NULL,
	"article_version" integer NOT NULL,
	"model" text NOT NULL,
	"kind" text NOT NULL,
	"position" integer NOT NULL,
	"text" text NOT NULL,
	"content_hash" text NOT NULL,
	"search" "tsvector" NOT NULL,
	"embedding" vector NOT NULL
);
--> statement-breakpoint
CREATE TABLE "article_index_state" (
	"article_id" text NOT NULL,
	"model" text NOT NULL,
	"fingerprint" text NOT NULL,
	"article_version" integer NOT NULL,
	"indexed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "article_index_state_article_id_model_pk" PRIMARY KEY("article_id","model")
);
--> statement-breakpoint
CREATE TABLE "article_learned_examples" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"article_id" text NOT NULL,
	"text" text NOT NULL,
	"source" text NOT NULL,
	"case_id" uuid,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "case_matches" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"case_id" uuid NOT NULL,
	"inbound_message_id" uuid NOT NULL,
	"model" text NOT NULL,
	"confidence" real NOT NULL,
	"threshold" real NOT NULL,
	"escalate" boolean NOT NULL,
	"ranked" jsonb NOT NULL,
	"suggested" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "mailboxes" ADD COLUMN "match_threshold" real;--> statement-breakpoint
ALTER TABLE "article_chunks" ADD CONSTRAINT "article_chunks_article_id_articles_id_fk" FOREIGN KEY ("article_id") REFERENCES "public"."articles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "article_index_state" ADD CONSTRAINT "article_index_state_article_id_articles_id_fk" FOREIGN KEY ("article_id") REFERENCES "public"."articles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "article_learned_examples" ADD CONSTRAINT "article_learned_examples_article_id_articles_id_fk" FOREIGN KEY ("article_id") REFERENCES "public"."articles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_matches" ADD CONSTRAINT "case_matches_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "article_chunks_article" ON "article_chunks" USING btree ("article_id","model");--> statement-breakpoint
CREATE INDEX "article_chunks_hash" ON "article_chunks" USING btree ("model","content_hash");--> statement-breakpoint
CREATE INDEX "article_chunks_search" ON "article_chunks" USING gin ("search");--> statement-breakpoint
CREATE INDEX "article_learned_examples_article" ON "article_learned_examples" USING btree ("article_id");--> statement-breakpoint
CREATE UNIQUE INDEX "article_learned_examples_unique" ON "article_learned_examples" USING btree ("article_id","case_id");--> statement-breakpoint
CREATE INDEX "case_matches_case" ON "case_matches" USING btree ("case_id");--> statement-breakpoint
CREATE INDEX "case_matches_created" ON "case_matches" USING btree ("created_at");