CREATE TABLE `agent_skills` (
	`agent_id` integer NOT NULL,
	`skill_id` integer NOT NULL,
	`level` integer DEFAULT 5 NOT NULL,
	PRIMARY KEY(`agent_id`, `skill_id`),
	FOREIGN KEY (`agent_id`) REFERENCES `agents`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`skill_id`) REFERENCES `skills`(`id`) ON UPDATE no action ON DELETE restrict,
	CONSTRAINT "agent_skills_level_check" CHECK(level between 1 and 10)
);
--> statement-breakpoint
CREATE TABLE `agents` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`login` text NOT NULL,
	`name` text NOT NULL,
	`password_hash` text,
	`endpoint` text,
	`role` text DEFAULT 'agent' NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	CONSTRAINT "agents_role_check" CHECK(role in ('agent', 'supervisor', 'admin'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `agents_login_unique` ON `agents` (`login`);--> statement-breakpoint
CREATE UNIQUE INDEX `agents_endpoint_unique` ON `agents` (`endpoint`);--> statement-breakpoint
CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`actor` text NOT NULL,
	`action` text NOT NULL,
	`entity` text NOT NULL,
	`entity_id` text,
	`before` text,
	`after` text
);
--> statement-breakpoint
CREATE INDEX `audit_log_entity_idx` ON `audit_log` (`entity`,`entity_id`);--> statement-breakpoint
CREATE TABLE `blacklist` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`number` text NOT NULL,
	`reason` text NOT NULL,
	`expires_at` text,
	`created_by` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `blacklist_number_idx` ON `blacklist` (`number`);--> statement-breakpoint
CREATE TABLE `calls` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`linked_id` text NOT NULL,
	`channel_id` text NOT NULL,
	`channel_name` text NOT NULL,
	`caller_number` text NOT NULL,
	`dialled_number` text NOT NULL,
	`route_id` integer,
	`agent_id` integer,
	`arrived_at` text NOT NULL,
	`answered_at` text,
	`ended_at` text,
	`outcome` text DEFAULT 'in-progress' NOT NULL,
	`hangup_cause` integer,
	FOREIGN KEY (`route_id`) REFERENCES `routes`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`agent_id`) REFERENCES `agents`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `calls_linked_id_unique` ON `calls` (`linked_id`);--> statement-breakpoint
CREATE INDEX `calls_arrived_idx` ON `calls` (`arrived_at`);--> statement-breakpoint
CREATE INDEX `calls_caller_idx` ON `calls` (`caller_number`);--> statement-breakpoint
CREATE TABLE `department_contacts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`unit` text NOT NULL,
	`person` text NOT NULL,
	`phone` text NOT NULL,
	`note` text
);
--> statement-breakpoint
CREATE TABLE `expert_seats` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`department` text NOT NULL,
	`agent_id` integer,
	`external_number` text,
	`skill_id` integer NOT NULL,
	`on_duty` text DEFAULT '[]' NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	FOREIGN KEY (`agent_id`) REFERENCES `agents`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`skill_id`) REFERENCES `skills`(`id`) ON UPDATE no action ON DELETE restrict,
	CONSTRAINT "expert_seats_target_check" CHECK((agent_id is not null) <> (external_number is not null))
);
--> statement-breakpoint
CREATE TABLE `ivr_menus` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`code` text NOT NULL,
	`name` text NOT NULL,
	`definition` text NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `ivr_menus_code_unique` ON `ivr_menus` (`code`);--> statement-breakpoint
CREATE TABLE `routes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`number` text NOT NULL,
	`name` text NOT NULL,
	`mode` text NOT NULL,
	`prompt` text,
	`skill_id` integer,
	`menu_id` integer,
	`subcentre_dial` text,
	`transfer_mode` text,
	`priority` integer DEFAULT 0 NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`skill_id`) REFERENCES `skills`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`menu_id`) REFERENCES `ivr_menus`(`id`) ON UPDATE no action ON DELETE restrict,
	CONSTRAINT "routes_mode_check" CHECK(mode in ('main', 'whole', 'parallel', 'subcentre'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `routes_number_unique` ON `routes` (`number`);--> statement-breakpoint
CREATE TABLE `settings` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `skills` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`code` text NOT NULL,
	`name` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `skills_code_unique` ON `skills` (`code`);--> statement-breakpoint
CREATE TABLE `ticket_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`ticket_id` integer NOT NULL,
	`at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`actor` text NOT NULL,
	`kind` text NOT NULL,
	`from_status` text,
	`to_status` text,
	`note` text,
	FOREIGN KEY (`ticket_id`) REFERENCES `tickets`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE INDEX `ticket_events_ticket_idx` ON `ticket_events` (`ticket_id`);--> statement-breakpoint
CREATE TABLE `tickets` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`number` text NOT NULL,
	`call_key` text,
	`call_id` integer,
	`caller_number` text NOT NULL,
	`dialled_number` text NOT NULL,
	`route_id` integer,
	`hotline` text NOT NULL,
	`category` text,
	`urgency` text,
	`status` text DEFAULT 'accepted' NOT NULL,
	`content` text DEFAULT '' NOT NULL,
	`address` text,
	`dispatch_due_at` text,
	`due_at` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`call_id`) REFERENCES `calls`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`route_id`) REFERENCES `routes`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "tickets_status_check" CHECK(status in ('accepted', 'dispatched', 'handling', 'replied', 'supervised', 'closed', 'callback', 'evaluated', 'returned', 'redo')),
	CONSTRAINT "tickets_number_digits" CHECK(number not glob '*[^0-9]*')
);
--> statement-breakpoint
CREATE UNIQUE INDEX `tickets_number_unique` ON `tickets` (`number`);--> statement-breakpoint
CREATE UNIQUE INDEX `tickets_call_key_unique` ON `tickets` (`call_key`);--> statement-breakpoint
CREATE INDEX `tickets_caller_idx` ON `tickets` (`caller_number`);--> statement-breakpoint
CREATE INDEX `tickets_status_idx` ON `tickets` (`status`);