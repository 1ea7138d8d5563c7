CREATE TABLE `knowledge_entries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`title` text NOT NULL,
	`answer` text NOT NULL,
	`department` text NOT NULL,
	`categories` text NOT NULL,
	`hotline` text,
	`keywords` text DEFAULT '' NOT NULL,
	`valid_from` text,
	`valid_until` text,
	`status` text DEFAULT 'draft' NOT NULL,
	`published_version` integer,
	`review_note` text,
	`created_by` text NOT NULL,
	`updated_by` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	CONSTRAINT "knowledge_entries_status_check" CHECK(status in ('draft', 'review', 'published', 'expired', 'withdrawn'))
);
--> statement-breakpoint
CREATE INDEX `knowledge_entries_status_idx` ON `knowledge_entries` (`status`);--> statement-breakpoint
CREATE INDEX `knowledge_entries_department_idx` ON `knowledge_entries` (`department`);--> statement-breakpoint
CREATE TABLE `knowledge_links` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`ticket_id` integer NOT NULL,
	`entry_id` integer NOT NULL,
	`version` integer NOT NULL,
	`linked_by` text NOT NULL,
	`linked_at` text NOT NULL,
	FOREIGN KEY (`ticket_id`) REFERENCES `tickets`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`entry_id`) REFERENCES `knowledge_entries`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `knowledge_links_ticket_entry_idx` ON `knowledge_links` (`ticket_id`,`entry_id`);--> statement-breakpoint
CREATE INDEX `knowledge_links_entry_idx` ON `knowledge_links` (`entry_id`);--> statement-breakpoint
CREATE TABLE `knowledge_versions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`entry_id` integer NOT NULL,
	`version` integer NOT NULL,
	`title` text NOT NULL,
	`answer` text NOT NULL,
	`department` text NOT NULL,
	`categories` text NOT NULL,
	`hotline` text,
	`keywords` text NOT NULL,
	`valid_from` text,
	`valid_until` text,
	`written_by` text NOT NULL,
	`published_by` text NOT NULL,
	`published_at` text NOT NULL,
	FOREIGN KEY (`entry_id`) REFERENCES `knowledge_entries`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `knowledge_versions_entry_version_idx` ON `knowledge_versions` (`entry_id`,`version`);--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_agents` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`login` text NOT NULL,
	`name` text NOT NULL,
	`password_hash` text,
	`endpoint` text,
	`role` text DEFAULT 'agent' NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`department` text,
	CONSTRAINT "agents_role_check" CHECK(role in ('agent', 'supervisor', 'admin', 'editor'))
);
--> statement-breakpoint
INSERT INTO `__new_agents`("id", "login", "name", "password_hash", "endpoint", "role", "enabled", "created_at") SELECT "id", "login", "name", "password_hash", "endpoint", "role", "enabled", "created_at" FROM `agents`;--> statement-breakpoint
DROP TABLE `agents`;--> statement-breakpoint
ALTER TABLE `__new_agents` RENAME TO `agents`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE UNIQUE INDEX `agents_login_unique` ON `agents` (`login`);--> statement-breakpoint
CREATE UNIQUE INDEX `agents_endpoint_unique` ON `agents` (`endpoint`);--> statement-breakpoint
-- Hand-written: the full-text index of the published knowledge (rowid = knowledge_entries.id). Its
-- text is segmented into words by the application (store/knowledge/segmenter.ts) and stored
-- space-separated, so unicode61 splits it at the segmenter's word boundaries.
CREATE VIRTUAL TABLE `knowledge_fts` USING fts5(title, body, keywords, tokenize = 'unicode61');
