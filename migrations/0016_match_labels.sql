CREATE TABLE "mailbox_calibrations" (
	"mailbox_id" integer PRIMARY KEY NOT NULL,
	"threshold" real NOT NULL,
	"labels" integer NOT NULL,
	"answerable" integer NOT NULL,
	"unanswerable" integer NOT NULL,
	"curve" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"chosen" jsonb NOT NULL,
	"fitted_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "match_labels" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"mailbox_id" integer NOT NULL,
	"case_id" uuid NOT NULL,
	"question" text NOT NULL,
	"language" text NOT NULL,
	"article_id" text,
	"source" text NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "mailboxes" ADD COLUMN "fallback_languages" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "mailbox_calibrations" ADD CONSTRAINT "mailbox_calibrations_mailbox_id_mailboxes_id_fk" FOREIGN KEY ("mailbox_id") REFERENCES "public"."mailboxes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "match_labels" ADD CONSTRAINT "match_labels_mailbox_id_mailboxes_id_fk" FOREIGN KEY ("mailbox_id") REFERENCES "public"."mailboxes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "match_labels" ADD CONSTRAINT "match_labels_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "match_labels_case" ON "match_labels" USING btree ("case_id");--> statement-breakpoint
CREATE INDEX "match_labels_mailbox" ON "match_labels" USING btree ("mailbox_id","created_at");