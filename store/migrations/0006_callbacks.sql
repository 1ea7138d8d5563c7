CREATE TABLE `callback_attempts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`ticket_id` integer NOT NULL,
	`number` text NOT NULL,
	`at` text NOT NULL,
	`outcome` text DEFAULT 'in-progress' NOT NULL,
	`result` text,
	FOREIGN KEY (`ticket_id`) REFERENCES `tickets`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `callback_attempts_ticket_idx` ON `callback_attempts` (`ticket_id`);