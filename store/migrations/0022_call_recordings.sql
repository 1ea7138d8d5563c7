CREATE TABLE `call_recordings` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`call_id` integer NOT NULL,
	`name` text NOT NULL,
	`started_at` text NOT NULL,
	`deleted_at` text,
	FOREIGN KEY (`call_id`) REFERENCES `calls`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `call_recordings_name_unique` ON `call_recordings` (`name`);--> statement-breakpoint
CREATE INDEX `call_recordings_call_idx` ON `call_recordings` (`call_id`);--> statement-breakpoint
-- Recordings made before this table: one per call, from the call row, deleted or not as the row says.
INSERT INTO `call_recordings` (`call_id`, `name`, `started_at`, `deleted_at`) SELECT `id`, `recording`, coalesce(`answered_at`, `arrived_at`), `recording_deleted_at` FROM `calls` WHERE `recording` IS NOT NULL;
