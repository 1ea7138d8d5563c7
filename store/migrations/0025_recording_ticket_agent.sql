ALTER TABLE `call_recordings` ADD `ticket_id` integer REFERENCES tickets(id) ON DELETE set null;--> statement-breakpoint
ALTER TABLE `call_recordings` ADD `agent_id` integer REFERENCES agents(id) ON DELETE set null;--> statement-breakpoint
CREATE INDEX `call_recordings_ticket_idx` ON `call_recordings` (`ticket_id`);--> statement-breakpoint
-- Recordings kept before this: a callback's call (回拨, 漏接回拨) opened no ticket of its own, so its recordings go to the ticket whose number their name carries (`call-<ticket number>-<ms>`); a call's own ticket is found by its linkedId and needs nothing here.
UPDATE `call_recordings` SET `ticket_id` = (SELECT `t`.`id` FROM `tickets` `t` WHERE `t`.`number` = substr(`call_recordings`.`name`, 6, instr(substr(`call_recordings`.`name`, 6), '-') - 1)) WHERE `name` LIKE 'call-%-%' AND NOT EXISTS (SELECT 1 FROM `calls` `c` JOIN `tickets` `o` ON `o`.`call_key` = `c`.`linked_id` WHERE `c`.`id` = `call_recordings`.`call_id`);--> statement-breakpoint
-- The agent is known for a call's latest recording only: the call row names the last agent who answered.
UPDATE `call_recordings` SET `agent_id` = (SELECT `c`.`agent_id` FROM `calls` `c` WHERE `c`.`id` = `call_recordings`.`call_id`) WHERE `id` IN (SELECT max(`id`) FROM `call_recordings` GROUP BY `call_id`);
