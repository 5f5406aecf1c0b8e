ALTER TABLE "inbound_messages" ADD COLUMN "envelope" jsonb;--> statement-breakpoint
ALTER TABLE "inbound_messages" ADD COLUMN "sender_auth" jsonb;