ALTER TABLE "mailboxes" ADD COLUMN "trusted_relays" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "mailboxes" ADD COLUMN "dmarc_none_action" text DEFAULT 'acknowledge' NOT NULL;--> statement-breakpoint
ALTER TABLE "mailboxes" ADD COLUMN "dmarc_temperror_action" text DEFAULT 'withhold' NOT NULL;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "recipient_key" text;--> statement-breakpoint
CREATE INDEX "outbox_recipient_key" ON "outbox" USING btree ("recipient_key","created_at");--> statement-breakpoint
-- Earlier acknowledgements count towards the per-sender cap under their lower-cased address (the closest key SQL can make).
UPDATE "outbox" SET "recipient_key" = lower("to_address") WHERE "recipient_key" IS NULL;
