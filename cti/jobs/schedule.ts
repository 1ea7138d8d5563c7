/**
 * The one way the server runs scheduled work: node-cron in Asia/Shanghai, never two runs of a job at
 * once, and a failed run logged (the next scheduled run tries again; each job is written so that a
 * repeated or late run does the missed work and nothing twice).
 */
import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from '../logging.js';

export interface ScheduledJob {
  stop(): void;
}

export function scheduleJob(name: string, expression: string, run: () => unknown, log: Logger): ScheduledJob {
  const task: ScheduledTask = cron.schedule(
    expression,
    async () => {
      try {
        await run();
      } catch (error) {
        log.error({ job: name, err: error }, 'scheduled job failed; it runs again at its next time');
      }
    },
    { timezone: 'Asia/Shanghai', noOverlap: true, name },
  );
  return { stop: () => void task.stop() };
}
