/**
 * 回访: survey callbacks for closed tickets. Every minute (node-cron, Asia/Shanghai, no overlap) the
 * campaign calls citizens whose ticket was closed, on the ticket's 联系电话 (the calling number when
 * none was given), within calling hours on working days, at most one call at a time per number (a
 * citizen with several closed tickets is called for one of them per run), a few attempts spaced apart.
 * The citizen hears the ticket number and rates the handling (1 satisfied, 2 basically satisfied,
 * 3 dissatisfied); a dissatisfied answer reopens the ticket (重办) and alerts supervisors, and once it
 * is closed again it is surveyed afresh, with attempts of its own. No answer after the last attempt is
 * recorded as such (评价 未评价); so is a number the dial policy (routing/dial-policy.ts) refuses, or
 * one on the blacklist, at once, without an attempt. A citizen on a call with the centre when the run
 * comes (in line or talking) is not rung over it: left for the next run, without an attempt. A dial
 * Asterisk never placed uses no attempt, leaves the ticket as it was (a closed ticket enters 回访 with
 * its first dial that went out) and is tried again after the usual spacing (callback-checks.ts). Each
 * run looks at the tickets due (their spacing elapsed), oldest first. One ticket's failure does not
 * hold up the others.
 */
import { PROMPTS } from '../../ivr/prompts.js';
import { CallerHungUp } from '../../ivr/media-port.js';
import {
  callbackHistory,
  citizenNumber,
  closeStaleCallbackAttempts,
  finishCallbackAttempt,
  hasCallbackInProgress,
  listTicketsAwaitingCallback,
  startCallbackAttempt,
  type TicketRow,
} from '../../store/index.js';
import type { CallContext } from '../calls/call-context.js';
import { directoryNumbers } from '../calls/directory-numbers.js';
import { maskNumber } from '../logging.js';
import { ringLeg } from '../calls/ring-leg.js';
import { callbackRefusal, dialNeverPlaced } from './callback-checks.js';
import { callbackPolicy, inCallingHours, lastAttemptDueBy, spacedEnough, type CallbackPolicy } from './calling-hours.js';
import { trunkDial } from '../calls/transfer-target.js';
import { scheduleJob, type ScheduledJob } from '../jobs/schedule.js';
import { AriMediaPort } from '../media/ari-media-port.js';
import type { TicketService } from '../tickets/ticket-service.js';

/**
 * 回访 calls the 联系电话 the citizen gave at registration, or the number they called from when none was
 * given. The 联系电话 is typed by hand (+86 139-…, 0086…): dialled in the one form a citizen's number
 * is kept in when it is a mainland one; anything else is left as typed, for the dial policy to refuse.
 */
function surveyNumber(ticket: TicketRow): string {
  const typed = ticket.contactPhone?.trim();
  if (!typed) return ticket.callerNumber;
  const number = citizenNumber(typed);
  // A mainland number in the form it is dialled in; anything else as typed, for the dial policy to refuse by what was typed.
  return number !== null && !number.startsWith('+') ? number : typed;
}

const SATISFACTION: Record<string, 'satisfied' | 'basically-satisfied' | 'dissatisfied'> = {
  '1': 'satisfied',
  '2': 'basically-satisfied',
  '3': 'dissatisfied',
};

export class SurveyCallbacks {
  private job: ScheduledJob | null = null;
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
    let policy: CallbackPolicy;
    let awaiting: TicketRow[];
    let directory: Set<string>;
    try {
      await this.ready;
      policy = await callbackPolicy(this.ctx.db);
      if (!inCallingHours(policy, now, await this.tickets.calendar())) return;
      // Only the tickets due: those waiting out their spacing must not crowd them out of the run.
      awaiting = await listTicketsAwaitingCallback(this.ctx.db, { lastAttemptBy: lastAttemptDueBy(policy, now) });
      directory = await directoryNumbers(this.ctx.db);
    } catch (error) {
      this.ctx.log.error({ err: error }, 'callback run failed; the next run retries');
      return;
    }
    // One ticket per number and run: the number is taken when its ticket is chosen, before any call starts.
    const due: { ticket: TicketRow; number: string }[] = [];
    for (const ticket of awaiting) {
      try {
        const number = await this.choose(ticket, policy, directory, now);
        if (number !== null) due.push({ ticket, number });
      } catch (error) {
        // One ticket's failure leaves the others to be called; it is tried again next run.
        this.ctx.log.error({ ticket: ticket.number, err: error }, 'survey callback of a ticket failed; the next run retries');
      }
    }
    await Promise.all(due.map(({ ticket, number }) => this.call(ticket, number, now)));
  }

  /**
   * Whether `ticket` is called in this run, and on which number (taken from then on); a ticket whose
   * round is over or whose number the dial policy refuses is evaluated as not surveyed and leaves the list.
   */
  private async choose(ticket: TicketRow, policy: CallbackPolicy, directory: ReadonlySet<string>, now: Date): Promise<string | null> {
    const history = await callbackHistory(this.ctx.db, ticket.id);
    if (!spacedEnough(policy, history.lastAt, now)) return null;
    if (history.attempts >= policy.maxAttempts) {
      await this.notSurveyed(ticket, `${history.attempts} 次回访未接通`);
      return null;
    }
    const number = surveyNumber(ticket);
    const refusal = await callbackRefusal(this.ctx.db, number, directory, now);
    if (refusal) {
      await this.notSurveyed(ticket, `无法回访：${refusal}`);
      return null;
    }
    // Not rung over a call of theirs with the centre (they called again: in line, or talking to an
    // agent): left for the next run, no attempt used.
    if (this.ctx.onTheLine(number)) {
      this.ctx.log.info({ ticket: ticket.number, number: maskNumber(number) }, 'survey callback left for the next run: the citizen is on a call with the centre');
      return null;
    }
    // Taken in the centre's register of numbers being called: never while an agent's 回拨 or the
    // missed-call callback rings the same citizen, nor twice in one run.
    if (await hasCallbackInProgress(this.ctx.db, number)) return null;
    return this.ctx.dialling.claim(number, 'survey-callback') ? number : null;
  }

  /** Ends the 回访 without an answer (评价 未评价), from `closed` through `callback` as the lifecycle goes. */
  private async notSurveyed(ticket: TicketRow, note: string): Promise<void> {
    if (ticket.status === 'closed') await this.tickets.act(ticket.number, 'start-callback', 'callback');
    await this.tickets.act(ticket.number, 'evaluate', 'callback', { satisfaction: 'no-answer', note });
  }

  /** One attempt on `number`, which `choose` took for this call. */
  private async call(ticket: TicketRow, number: string, now: Date): Promise<void> {
    let attemptId: number | null = null;
    try {
      attemptId = await startCallbackAttempt(this.ctx.db, ticket.id, number, now);
      const leg = ringLeg(this.ctx, { callId: ticket.number, callerNumber: '12345', hotline: '12345回访' }, trunkDial(number), 'callback');
      const outcome = await leg.outcome;
      if (outcome !== 'answered' && dialNeverPlaced(leg.failure)) {
        // No phone of the citizen rang: kept for the spacing, but no attempt used, and the ticket stays
        // as it was (a closed one is not moved to 回访, nor is a line written in its history).
        await finishCallbackAttempt(this.ctx.db, attemptId, 'not-placed', leg.failure);
        return;
      }
      // The dial went out: the 回访 stage starts (once per round, on its first dial that got out).
      if (ticket.status === 'closed') {
        await this.tickets.act(ticket.number, 'start-callback', 'callback').catch((error: unknown) => {
          if (outcome === 'answered') void this.ctx.ari.hangup(leg.legId).catch(() => undefined);
          throw error;
        });
      }
      if (outcome !== 'answered') {
        await finishCallbackAttempt(this.ctx.db, attemptId, 'no-answer');
        return;
      }
      const result = await this.survey(leg.legId, ticket);
      await finishCallbackAttempt(this.ctx.db, attemptId, 'answered', result);
      await this.ctx.ari.hangup(leg.legId).catch(() => undefined);
    } catch (error) {
      if (attemptId !== null) await finishCallbackAttempt(this.ctx.db, attemptId, 'failed', (error as Error).message).catch(() => undefined);
      this.ctx.log.warn({ ticket: ticket.number, err: (error as Error).message }, 'callback attempt failed');
    } finally {
      this.ctx.dialling.release(number);
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
