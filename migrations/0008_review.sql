CREATE TABLE "audit_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"case_id" uuid,
	"actor_id" text NOT NULL,
	"actor_name" text NOT NULL,
	"action" text NOT NULL,
	"before" jsonb,
	"after" jsonb,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "drafts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"case_id" uuid NOT NULL,
	"inbound_message_id" uuid NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"generator" text,
	"prompt_version" text,
	"language" text,
	"subject" text,
	"body" text,
	"generated_body" text,
	"sentences" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"citations" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"confidence" real,
	"unsupported_sentences" integer DEFAULT 0 NOT NULL,
	"injection_suspected" boolean DEFAULT false NOT NULL,
	"stripped_links" text[] DEFAULT '{}'::text[] NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"model_retry_at" timestamp with time zone,
	"model_error" text,
	"lease_until" timestamp with time zone,
	"decided_by" text,
	"decided_at" timestamp with time zone,
	"reject_reason" text,
	"outbox_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "drafts" ADD CONSTRAINT "drafts_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_log_case" ON "audit_log" USING btree ("case_id","id");--> statement-breakpoint
CREATE INDEX "audit_log_at" ON "audit_log" USING btree ("at");--> statement-breakpoint
CREATE INDEX "drafts_case" ON "drafts" USING btree ("case_id");--> statement-breakpoint
CREATE INDEX "drafts_pending" ON "drafts" USING btree ("created_at") WHERE status = 'pending';--> statement-breakpoint
CREATE INDEX "drafts_model_retry" ON "drafts" USING btree ("model_retry_at") WHERE model_retry_at is not null;