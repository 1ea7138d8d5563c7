DROP INDEX "calls_caller_idx";--> statement-breakpoint
DROP INDEX "tickets_caller_idx";--> statement-breakpoint
CREATE INDEX "calls_caller_arrived_idx" ON "calls" USING btree ("caller_number","arrived_at");--> statement-breakpoint
CREATE INDEX "tickets_caller_created_idx" ON "tickets" USING btree ("caller_number","created_at","id");