-- Hand-written (PostgreSQL only, like knowledge_fts on SQLite): the full-text index of the published
-- knowledge, one row per entry. Its text is segmented into words by the application
-- (store/knowledge/segmenter.ts) and stored space-separated, so the 'simple' configuration splits it
-- at the segmenter's word boundaries and only lowercases. The document weighs the title (A) above the
-- keywords with categories and department (B) and those above the answer (C).
CREATE TABLE "knowledge_search" (
	"entry_id" integer PRIMARY KEY NOT NULL REFERENCES "public"."knowledge_entries"("id") ON DELETE cascade,
	"title" text NOT NULL,
	"body" text NOT NULL,
	"keywords" text NOT NULL,
	"document" tsvector GENERATED ALWAYS AS (
		setweight(to_tsvector('simple'::regconfig, "title"), 'A')
		|| setweight(to_tsvector('simple'::regconfig, "keywords"), 'B')
		|| setweight(to_tsvector('simple'::regconfig, "body"), 'C')
	) STORED
);
--> statement-breakpoint
CREATE INDEX "knowledge_search_document_idx" ON "knowledge_search" USING gin ("document");
