CREATE TABLE `handling_units` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `handling_units_name_unique` ON `handling_units` (`name`);--> statement-breakpoint
CREATE TABLE `ticket_matters` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`parent_id` integer,
	`name` text NOT NULL,
	`sort_order` integer DEFAULT 0 NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`parent_id`) REFERENCES `ticket_matters`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE INDEX `ticket_matters_parent_idx` ON `ticket_matters` (`parent_id`);--> statement-breakpoint
ALTER TABLE `tickets` ADD `caller_name` text;--> statement-breakpoint
ALTER TABLE `tickets` ADD `contact_phone` text;--> statement-breakpoint
ALTER TABLE `tickets` ADD `confidential` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `tickets` ADD `matter_id` integer REFERENCES ticket_matters(id);--> statement-breakpoint
ALTER TABLE `tickets` ADD `matter_path` text;--> statement-breakpoint
ALTER TABLE `tickets` ADD `district_code` text;--> statement-breakpoint
ALTER TABLE `tickets` ADD `district_name` text;--> statement-breakpoint
ALTER TABLE `tickets` ADD `street_code` text;--> statement-breakpoint
ALTER TABLE `tickets` ADD `street_name` text;--> statement-breakpoint
ALTER TABLE `tickets` ADD `handling_unit_id` integer REFERENCES handling_units(id);--> statement-breakpoint
ALTER TABLE `tickets` ADD `due_override` text;--> statement-breakpoint
ALTER TABLE `tickets` ADD `due_reason` text;--> statement-breakpoint
ALTER TABLE `tickets` ADD `knowledge_links` text;--> statement-breakpoint
ALTER TABLE `tickets` ADD `registered_at` text;--> statement-breakpoint
CREATE INDEX `tickets_agent_created_idx` ON `tickets` (`agent_id`,`created_at`);--> statement-breakpoint
-- Tickets already past acceptance were registered under the earlier form: they are not drafts.
UPDATE `tickets` SET `registered_at` = `updated_at` WHERE `status` <> 'accepted';
