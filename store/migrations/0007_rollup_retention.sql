CREATE TABLE `kpi_daily` (
	`date` text NOT NULL,
	`grouping` text NOT NULL,
	`key` text NOT NULL,
	`figures` text NOT NULL,
	`computed_at` text NOT NULL,
	PRIMARY KEY(`date`, `grouping`, `key`)
);
--> statement-breakpoint
ALTER TABLE `calls` ADD `recording_deleted_at` text;