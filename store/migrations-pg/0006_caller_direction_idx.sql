DROP INDEX "calls_caller_arrived_idx";--> statement-breakpoint
CREATE INDEX "calls_caller_direction_arrived_idx" ON "calls" USING btree ("caller_number","direction","arrived_at");