DROP INDEX "article_chunks_search";--> statement-breakpoint
CREATE INDEX "article_chunks_search" ON "article_chunks" USING gin ("search") WHERE kind in ('title', 'section');