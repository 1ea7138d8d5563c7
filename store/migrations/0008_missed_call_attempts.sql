ALTER TABLE `missed_calls` ADD `attempts` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `missed_calls` ADD `last_attempt_at` text;