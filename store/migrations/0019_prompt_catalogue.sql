CREATE TABLE `prompts` (
	`id` text PRIMARY KEY NOT NULL,
	`text` text NOT NULL,
	`created_by` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`generated_at` text
);
