/**
 * 回访: survey callbacks for closed tickets. Every minute (node-cron, Asia/Shanghai, no overlap) the
 * campaign calls citizens whose ticket was closed, within calling hours on working days, at most one
 * call at a time per number, a few attempts spaced apart. The citizen hears the ticket number and rates
 * the handling (1 satisfied, 2 basically satisfied, 3 dissatisfied); a dissatisfied answer reopens the
 * ticket (重办) and alerts supervisors. No answer after the last attempt is recorded as such.
 */
import { PROMPTS } from '../../ivr/prompts.js';
import { CallerHungUp } from '../../ivr/media-port.js';
import {
  callbackHistory,
  closeStaleCallbackAttempts,
  finishCallbackAttempt,
  hasCallbackInProgress,
  listTicketsAwaitingCallback,
  startCallbackAttempt,
  type TicketRow,
} from '../../store/index.js';
import type { CallContext } from '../calls/call-context.js';
import { ringLeg } from '../calls/ring-leg.js';
import { callbackPolicy, inCallingHours, spacedEnough, type CallbackPolicy } from './calling-hours.js';
import { trunkDial } from '../calls/transfer-target.js';
import { scheduleJob, type ScheduledJob } from '../jobs/schedule.js';
import { AriMediaPort } from '../media/ari-media-port.js';
import type { TicketService } from '../tickets/ticket-service.js';

const SATISFACTION: Record<string, 'satisfied' | 'basically-satisfied' | 'dissatisfied'> = {
  '1': 'satisfied',
  '2': 'basically-satisfied',
  '3': 'dissatisfied',
};

export class SurveyCallbacks {
  private job: ScheduledJob | null = null;
  private readonly dialling = new Set<string>();
  /** Attempts a stopped server left in progress are closed first, before any run looks at them. */
  private readonly ready: Promise<void>;

  constructor(
    private readonly ctx: CallContext,
    private readonly tickets: TicketService,
  ) {
    this.ready = closeStaleCallbackAttempts(ctx.db).then(
      () => undefined,
      (error: unknown) => ctx.log.error({ err: error }, 'stale callback attempts not closed'),
    );
  }

  start(): void {
    this.job = scheduleJob('survey-callbacks', '* * * * *', () => this.runOnce(), this.ctx.log);
  }

  /** One pass: starts the calls that are due; resolves when they have all finished. */
  async runOnce(now = this.ctx.clock.now()): Promise<void> {
    // With no link to Asterisk nobody can be called: an attempt now would only use up one of the citizen's.
    if (!this.ctx.ari.anyConnected) return;
    try {
      await this.ready;
      const policy = await callbackPolicy(this.ctx.db);
      if (!inCallingHours(policy, now, await this.tickets.calendar())) return;
      const due: TicketRow[] = [];
      for (const ticket of await listTicketsAwaitingCallback(this.ctx.db)) {
        const history = await callbackHistory(this.ctx.db, ticket.id);
        if (spacedEnough(policy, history.lastAt, now) && !this.dialling.has(ticket.callerNumber) && !(await hasCallbackInProgress(this.ctx.db, ticket.callerNumber))) due.push(ticket);
      }
      await Promise.all(due.map((ticket) => this.call(ticket, policy, now)));
    } catch (error) {
      this.ctx.log.error({ err: error }, 'callback run failed; the next run retries');
    }
  }

  private async call(ticket: TicketRow, policy: CallbackPolicy, now: Date): Promise<void> {
    const attempts = (await callbackHistory(this.ctx.db, ticket.id)).attempts;
    if (attempts >= policy.maxAttempts) {
      await this.tickets.act(ticket.number, 'evaluate', 'callback', { satisfaction: 'no-answer', note: `${attempts} 次回访未接通` });
      return;
    }
    if (ticket.status === 'closed') await this.tickets.act(ticket.number, 'start-callback', 'callback');
    this.dialling.add(ticket.callerNumber);
    const attemptId = await startCallbackAttempt(this.ctx.db, ticket.id, ticket.callerNumber, now);
    try {
      const leg = ringLeg(this.ctx, { callId: ticket.number, callerNumber: '12345', hotline: '12345回访' }, trunkDial(ticket.callerNumber), 'callback');
      if ((await leg.outcome) !== 'answered') {
        await finishCallbackAttempt(this.ctx.db, attemptId, 'no-answer');
        return;
      }
      const result = await this.survey(leg.legId, ticket);
      await finishCallbackAttempt(this.ctx.db, attemptId, 'answered', result);
      await this.ctx.ari.hangup(leg.legId).catch(() => undefined);
    } catch (error) {
      await finishCallbackAttempt(this.ctx.db, attemptId, 'failed', (error as Error).message);
      this.ctx.log.warn({ ticket: ticket.number, err: (error as Error).message }, 'callback attempt failed');
    } finally {
      this.dialling.delete(ticket.callerNumber);
    }
  }

  private async survey(legId: string, ticket: TicketRow): Promise<string> {
    const port = new AriMediaPort(this.ctx.ari, this.ctx.router, legId, this.ctx.log);
    try {
      await port.play([PROMPTS.callbackIntro, `digits:${ticket.number}`, PROMPTS.survey]);
      const { digits } = await port.collect({ maxDigits: 1, firstDigitTimeoutMs: 10_000, interDigitTimeoutMs: 10_000 });
      const satisfaction = SATISFACTION[digits];
      if (!satisfaction) return 'no-answer';
      await this.tickets.act(ticket.number, 'evaluate', 'callback', { satisfaction, note: '回访评价' });
      if (satisfaction === 'dissatisfied') {
        await this.tickets.act(ticket.number, 'redo', 'callback', { note: '回访不满意，重新办理' });
        this.ctx.bus.publish({
          type: 'alert',
          at: this.ctx.clock.now().toISOString(),
          kind: 'callback-dissatisfied',
          message: `工单 ${ticket.number} 回访不满意，已转重办`,
          ticketNumber: ticket.number,
        });
      }
      await port.play([PROMPTS.surveyThanks]);
      return satisfaction;
    } catch (error) {
      if (error instanceof CallerHungUp) return 'hung-up';
      throw error;
    } finally {
      port.close();
    }
  }

  stop(): void {
    this.job?.stop();
    this.job = null;
  }
}
