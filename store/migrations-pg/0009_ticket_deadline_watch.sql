ALTER TABLE "tickets" ADD COLUMN "deadline_watch_level" text;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "deadline_watch_due_at" text;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "deadline_from" text;--> statement-breakpoint
-- Deadlines the API stored as sent, with a UTC offset (…+08:00): rewritten as the UTC text every
-- other time is stored as, so that comparing them as text (overdue list, deadline watch) holds.
-- Only RFC 3339 text is cast (anything else is left as it is rather than failing the upgrade).
UPDATE "tickets" SET "due_override" = to_char(("due_override")::timestamptz AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
  WHERE "due_override" ~ '^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$' AND "due_override" !~ 'Z$';--> statement-breakpoint
UPDATE "tickets" SET "due_at" = to_char(("due_at")::timestamptz AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
  WHERE "due_at" ~ '^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$' AND "due_at" !~ 'Z$';--> statement-breakpoint
-- A ticket the watch already flagged (its one supervise-mark) keeps that flag for its current
-- deadline unless an extension came after it: no second "due soon" or "overdue" for the same news.
UPDATE "tickets" SET
  "deadline_watch_due_at" = "due_at",
  "deadline_watch_level" = CASE
    WHEN (SELECT "note" FROM "ticket_events" e WHERE e."ticket_id" = "tickets"."id" AND e."kind" = 'supervise-mark' ORDER BY e."id" DESC LIMIT 1) LIKE '已超期%' THEN 'overdue'
    ELSE 'due-soon'
  END
  WHERE "due_at" IS NOT NULL AND EXISTS (
    SELECT 1 FROM "ticket_events" e WHERE e."ticket_id" = "tickets"."id" AND e."kind" = 'supervise-mark'
      AND NOT EXISTS (SELECT 1 FROM "ticket_events" x WHERE x."ticket_id" = e."ticket_id" AND x."kind" = 'extended' AND x."id" > e."id")
  );
