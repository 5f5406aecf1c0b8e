CREATE TABLE "gap_clusters" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"model" text NOT NULL,
	"centroid" vector NOT NULL,
	"size" integer DEFAULT 0 NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"title" text,
	"suggested_examples" text[] DEFAULT '{}'::text[] NOT NULL,
	"suggested_body" text,
	"body_source" text,
	"closest_article_id" text,
	"closest_score" real,
	"article_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"resolved_by" text
);
--> statement-breakpoint
CREATE TABLE "gap_questions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"inbound_message_id" uuid,
	"case_id" uuid,
	"text" text NOT NULL,
	"language" text NOT NULL,
	"source" text NOT NULL,
	"agent_reply" text,
	"model" text NOT NULL,
	"embedding" vector NOT NULL,
	"cluster_id" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "gap_clusters" ADD CONSTRAINT "gap_clusters_closest_article_id_articles_id_fk" FOREIGN KEY ("closest_article_id") REFERENCES "public"."articles"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "gap_clusters" ADD CONSTRAINT "gap_clusters_article_id_articles_id_fk" FOREIGN KEY ("article_id") REFERENCES "public"."articles"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "gap_questions" ADD CONSTRAINT "gap_questions_inbound_message_id_inbound_messages_id_fk" FOREIGN KEY ("inbound_message_id") REFERENCES "public"."inbound_messages"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "gap_questions" ADD CONSTRAINT "gap_questions_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "gap_questions" ADD CONSTRAINT "gap_questions_cluster_id_gap_clusters_id_fk" FOREIGN KEY ("cluster_id") REFERENCES "public"."gap_clusters"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "gap_clusters_status_size" ON "gap_clusters" USING btree ("status","size");--> statement-breakpoint
CREATE INDEX "gap_clusters_model" ON "gap_clusters" USING btree ("model","status");--> statement-breakpoint
CREATE UNIQUE INDEX "gap_questions_inbound_message" ON "gap_questions" USING btree ("inbound_message_id");--> statement-breakpoint
CREATE INDEX "gap_questions_cluster" ON "gap_questions" USING btree ("cluster_id","created_at");--> statement-breakpoint
CREATE INDEX "gap_questions_case" ON "gap_questions" USING btree ("case_id");