CREATE TABLE `missed_calls` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`call_id` integer NOT NULL,
	`caller_number` text NOT NULL,
	`dialled_number` text NOT NULL,
	`wait_ms` integer NOT NULL,
	`at` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`handled_by` integer,
	FOREIGN KEY (`call_id`) REFERENCES `calls`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`handled_by`) REFERENCES `agents`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `missed_calls_call_id_unique` ON `missed_calls` (`call_id`);--> statement-breakpoint
CREATE INDEX `missed_calls_status_idx` ON `missed_calls` (`status`);--> statement-breakpoint
ALTER TABLE `calls` ADD `state` text DEFAULT 'arriving' NOT NULL;--> statement-breakpoint
ALTER TABLE `calls` ADD `wait_ms` integer;--> statement-breakpoint
ALTER TABLE `calls` ADD `ivr_steps` text;--> statement-breakpoint
ALTER TABLE `calls` ADD `recording` text;--> statement-breakpoint
ALTER TABLE `tickets` ADD `recording` text;