CREATE TABLE `ticket_sequences` (
	`day` text PRIMARY KEY NOT NULL,
	`last` integer NOT NULL
);
--> statement-breakpoint
INSERT INTO `ticket_sequences` (`day`, `last`) SELECT substr(`number`, 1, 6), max(cast(substr(`number`, 7) as integer)) FROM `tickets` GROUP BY substr(`number`, 1, 6);
