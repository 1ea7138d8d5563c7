ALTER TABLE `missed_calls` ADD `abandoned_times` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
-- Earlier versions kept one pending entry per abandoned call: fold them into the newest per number.
UPDATE `missed_calls` SET `abandoned_times` = (SELECT count(*) FROM `missed_calls` m WHERE m.`caller_number` = `missed_calls`.`caller_number` AND m.`status` = 'pending') WHERE `status` = 'pending' AND `id` = (SELECT max(m.`id`) FROM `missed_calls` m WHERE m.`caller_number` = `missed_calls`.`caller_number` AND m.`status` = 'pending');--> statement-breakpoint
UPDATE `missed_calls` SET `status` = 'done' WHERE `status` = 'pending' AND `id` <> (SELECT max(m.`id`) FROM `missed_calls` m WHERE m.`caller_number` = `missed_calls`.`caller_number` AND m.`status` = 'pending');--> statement-breakpoint
CREATE UNIQUE INDEX `missed_calls_pending_number_idx` ON `missed_calls` (`caller_number`) WHERE status = 'pending';
