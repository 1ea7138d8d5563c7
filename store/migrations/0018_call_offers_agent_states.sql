CREATE TABLE `agent_state_changes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`agent_id` integer NOT NULL,
	`at` text NOT NULL,
	`state` text NOT NULL,
	`reason` text
);
--> statement-breakpoint
CREATE INDEX `agent_state_changes_at_idx` ON `agent_state_changes` (`at`);--> statement-breakpoint
CREATE INDEX `agent_state_changes_agent_idx` ON `agent_state_changes` (`agent_id`,`at`);--> statement-breakpoint
CREATE TABLE `call_offers` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`call_key` text NOT NULL,
	`agent_id` integer NOT NULL,
	`offered_at` text NOT NULL,
	`waited_ms` integer NOT NULL,
	`ended_at` text,
	`outcome` text,
	`outbound` integer DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE INDEX `call_offers_offered_idx` ON `call_offers` (`offered_at`);--> statement-breakpoint
CREATE INDEX `call_offers_call_idx` ON `call_offers` (`call_key`);