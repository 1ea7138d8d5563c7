DROP INDEX "missed_calls_status_idx";--> statement-breakpoint
CREATE INDEX "missed_calls_status_at_idx" ON "missed_calls" USING btree ("status","at","id");