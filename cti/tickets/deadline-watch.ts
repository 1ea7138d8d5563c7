/**
 * 督办: every minute (node-cron, Asia/Shanghai, never two runs at once) open tickets due within the
 * next 24 hours are flagged 即将到期, and flagged again 已超期 once the deadline has passed, each time
 * with a supervisor alert. The flag is stored with the deadline it was for, so a restart neither loses
 * a due ticket nor alerts twice, and a new deadline (延期, 重办, re-dispatch with another deadline)
 * starts over; a failed run is logged and the next run picks the ticket up again.
 */
import { deadlineText } from '../../routing/tickets/deadlines.js';
import { clockOf, flagTicketDeadline, listTicketsToFlag, type Db } from '../../store/index.js';
import type { DomainEventBus } from '../events/domain-events.js';
import { scheduleJob, type ScheduledJob } from '../jobs/schedule.js';
import type { Logger } from '../logging.js';

/** "Due soon": within this many hours. */
const DUE_SOON_HOURS = 24;

export class DeadlineWatch {
  private job: ScheduledJob | null = null;

  constructor(
    private readonly db: Db,
    private readonly bus: DomainEventBus,
    private readonly log: Logger,
  ) {}

  start(): void {
    this.job = scheduleJob('deadline-watch', '* * * * *', () => this.runOnce(), this.log);
  }

  /** One pass; returns the tickets it marked. */
  async runOnce(now = clockOf(this.db).now()): Promise<string[]> {
    const marked: string[] = [];
    try {
      const horizon = new Date(now.getTime() + DUE_SOON_HOURS * 3600_000).toISOString();
      for (const ticket of await listTicketsToFlag(this.db, now.toISOString(), horizon)) {
        const dueAt = ticket.dueAt ?? '';
        const overdue = Date.parse(dueAt) <= now.getTime();
        const note = overdue ? `已超期（期限 ${deadlineText(dueAt)}）` : `即将到期（期限 ${deadlineText(dueAt)}）`;
        if (!(await flagTicketDeadline(this.db, { ticketId: ticket.id, level: overdue ? 'overdue' : 'due-soon', dueAt, note, at: now }))) continue;
        marked.push(ticket.number);
        const at = now.toISOString();
        this.bus.publish({ type: 'ticket.overdue', at, ticketId: ticket.id, number: ticket.number, dueAt, overdue });
        this.bus.publish({
          type: 'alert',
          at,
          kind: overdue ? 'ticket-overdue' : 'ticket-due-soon',
          message: `工单 ${ticket.number} ${note}`,
          ticketNumber: ticket.number,
        });
      }
    } catch (error) {
      this.log.error({ err: error }, 'deadline watch run failed; the next run retries');
    }
    if (marked.length) this.log.info({ tickets: marked.length }, 'deadline watch marked tickets');
    return marked;
  }

  stop(): void {
    this.job?.stop();
    this.job = null;
  }
}
