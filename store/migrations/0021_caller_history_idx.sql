DROP INDEX `calls_caller_idx`;--> statement-breakpoint
CREATE INDEX `calls_caller_arrived_idx` ON `calls` (`caller_number`,`arrived_at`);--> statement-breakpoint
DROP INDEX `tickets_caller_idx`;--> statement-breakpoint
CREATE INDEX `tickets_caller_created_idx` ON `tickets` (`caller_number`,`created_at`,`id`);