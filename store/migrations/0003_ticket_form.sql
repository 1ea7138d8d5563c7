ALTER TABLE `tickets` ADD `disposition` text;--> statement-breakpoint
ALTER TABLE `tickets` ADD `agent_id` integer REFERENCES agents(id);