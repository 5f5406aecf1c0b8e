CREATE TABLE "sla_policies" (
	"id" serial PRIMARY KEY NOT NULL,
	"mailbox_id" integer NOT NULL,
	"priority" text NOT NULL,
	"first_reply_minutes" integer NOT NULL,
	"next_reply_minutes" integer NOT NULL,
	"resolution_minutes" integer NOT NULL,
	"reminder_before_minutes" integer NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sla_policies_positive" CHECK ("sla_policies"."first_reply_minutes" > 0 and "sla_policies"."next_reply_minutes" > 0 and "sla_policies"."resolution_minutes" > 0 and "sla_policies"."reminder_before_minutes" >= 0)
);
--> statement-breakpoint
CREATE TABLE "sla_timers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"case_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"target_minutes" integer NOT NULL,
	"reminder_before_minutes" integer NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"remind_at" timestamp with time zone,
	"paused_at" timestamp with time zone,
	"remaining_business_minutes" double precision,
	"paused_business_minutes" double precision DEFAULT 0 NOT NULL,
	"reminded_at" timestamp with time zone,
	"breached_at" timestamp with time zone,
	"stopped_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "mailboxes" ADD COLUMN "auto_send_mode" text DEFAULT 'off' NOT NULL;--> statement-breakpoint
ALTER TABLE "mailboxes" ADD COLUMN "auto_send_min_confidence" real DEFAULT 0.9 NOT NULL;--> statement-breakpoint
ALTER TABLE "mailboxes" ADD COLUMN "escalation_rules" jsonb;--> statement-breakpoint
ALTER TABLE "drafts" ADD COLUMN "auto_send" jsonb;--> statement-breakpoint
ALTER TABLE "sla_policies" ADD CONSTRAINT "sla_policies_mailbox_id_mailboxes_id_fk" FOREIGN KEY ("mailbox_id") REFERENCES "public"."mailboxes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sla_timers" ADD CONSTRAINT "sla_timers_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "sla_policies_mailbox_priority" ON "sla_policies" USING btree ("mailbox_id","priority");--> statement-breakpoint
CREATE INDEX "sla_timers_case" ON "sla_timers" USING btree ("case_id");--> statement-breakpoint
CREATE UNIQUE INDEX "sla_timers_one_active" ON "sla_timers" USING btree ("case_id","kind") WHERE stopped_at is null;--> statement-breakpoint
CREATE INDEX "sla_timers_due" ON "sla_timers" USING btree ("due_at") WHERE stopped_at is null and paused_at is null and breached_at is null;--> statement-breakpoint
CREATE INDEX "sla_timers_remind" ON "sla_timers" USING btree ("remind_at") WHERE stopped_at is null and paused_at is null and reminded_at is null and breached_at is null and remind_at is not null;