/**
 * 漏接回拨: callers who gave up in the queue are called back automatically, within calling hours, a few
 * attempts spaced apart, one call at a time per number. When the citizen answers they hear that the
 * centre is returning their call and join the queue with priority, under their original ticket; the
 * agent gets the usual screen-pop. After the last unanswered attempt the entry is marked unreachable.
 * Agents can still call back by hand from the list (click-to-call) meanwhile.
 */
import { closeMissedCall, findCallById, findTicketByCallKey, listPendingMissedCalls, noteMissedCallAttempt, type TicketRow } from '../../store/index.js';
import type { CallContext } from '../calls/call-context.js';
import { ringLeg } from '../calls/ring-leg.js';
import { trunkDial } from '../calls/transfer-target.js';
import { scheduleJob, type ScheduledJob } from '../jobs/schedule.js';
import type { TicketService } from '../tickets/ticket-service.js';
import { callbackPolicy, inCallingHours, spacedEnough } from './calling-hours.js';

/** Hands an answered callback leg to the call flow (call-handling.ts) under the original ticket. */
export type AdoptCallback = (legId: string, callerNumber: string, ticket: TicketRow) => Promise<void>;

export class MissedCallCallbacks {
  private job: ScheduledJob | null = null;
  private readonly dialling = new Set<string>();

  constructor(
    private readonly ctx: CallContext,
    private readonly tickets: TicketService,
    private readonly adopt: AdoptCallback,
  ) {}

  start(): void {
    this.job = scheduleJob('missed-call-callbacks', '* * * * *', () => this.runOnce(), this.ctx.log);
  }

  async runOnce(now = this.ctx.clock.now()): Promise<void> {
    // With no link to Asterisk nobody can be called: an attempt now would only use up one of the citizen's.
    if (!this.ctx.ari.anyConnected) return;
    const policy = await callbackPolicy(this.ctx.db);
    if (!inCallingHours(policy, now, await this.tickets.calendar())) return;
    const due = (await listPendingMissedCalls(this.ctx.db)).filter((m) => spacedEnough(policy, m.lastAttemptAt, now) && !this.dialling.has(m.callerNumber));
    // One call per number even when the same caller gave up twice.
    const perNumber = new Map(due.map((m) => [m.callerNumber, m]));
    await Promise.all(
      [...perNumber.values()].map(async (missed) => {
        if (missed.attempts >= policy.maxAttempts) {
          await closeMissedCall(this.ctx.db, missed.id, 'unreachable');
          return;
        }
        const original = await findCallById(this.ctx.db, missed.callId);
        const ticket = original ? await findTicketByCallKey(this.ctx.db, original.linkedId) : undefined;
        if (!ticket) {
          await closeMissedCall(this.ctx.db, missed.id, 'unreachable');
          return;
        }
        this.dialling.add(missed.callerNumber);
        try {
          await noteMissedCallAttempt(this.ctx.db, missed.id, now);
          const leg = ringLeg(this.ctx, { callId: ticket.number, callerNumber: ticket.dialledNumber, hotline: ticket.hotline }, trunkDial(missed.callerNumber), 'callback');
          if ((await leg.outcome) !== 'answered') return;
          await closeMissedCall(this.ctx.db, missed.id, 'done');
          await this.adopt(leg.legId, missed.callerNumber, ticket);
        } catch (error) {
          this.ctx.log.warn({ missedCall: missed.id, err: (error as Error).message }, 'missed-call callback attempt failed');
        } finally {
          this.dialling.delete(missed.callerNumber);
        }
      }),
    );
  }

  stop(): void {
    this.job?.stop();
    this.job = null;
  }
}
