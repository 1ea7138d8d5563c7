/**
 * 漏接回拨: callers who gave up in the queue are called back automatically, within calling hours, a few
 * attempts spaced apart, one call at a time per number. When the citizen answers they hear that the
 * centre is returning their call and join the queue with priority, under their original ticket; the
 * agent gets the usual screen-pop. After the last unanswered attempt the entry is marked unreachable.
 * Agents can still call back by hand from the list (click-to-call) meanwhile: a number one of them is
 * ringing is left for this run (no attempt used), and they are not let ring a number this job rings
 * (the context's `dialling` register, cti/calls/dialling-numbers.ts). A number the dial policy
 * (routing/dial-policy.ts) refuses, or one blacklisted since, is not dialled: its entry is closed
 * unreachable at once, no attempt used, with a line in the ticket's history. A dial Asterisk never
 * placed (callback-checks.ts) uses no attempt and is tried again after the usual spacing. Each run
 * takes the entries due (spacing elapsed) oldest first. A citizen who calls again and is answered
 * needs no callback: their entry is closed then (cti/calls/inbound-call.ts); one who is on a call with
 * the centre when the run comes (called again and waits in line, or talks) is not rung over it: the
 * entry is left for the next run, no attempt used.
 */
import {
  closeMissedCall,
  findTicketOfMissedCall,
  listDueMissedCalls,
  noteMissedCallAttempt,
  takeBackMissedCallAttempt,
  type MissedCallRow,
  type TicketRow,
} from '../../store/index.js';
import type { CallContext } from '../calls/call-context.js';
import { directoryNumbers } from '../calls/directory-numbers.js';
import { maskNumber } from '../logging.js';
import { ringLeg } from '../calls/ring-leg.js';
import { trunkDial } from '../calls/transfer-target.js';
import { scheduleJob, type ScheduledJob } from '../jobs/schedule.js';
import { noteTicket } from '../tickets/ticket-notes.js';
import type { TicketService } from '../tickets/ticket-service.js';
import { callbackRefusal, dialNeverPlaced } from './callback-checks.js';
import { callbackPolicy, inCallingHours, lastAttemptDueBy, type CallbackPolicy } from './calling-hours.js';

/** Hands an answered callback leg to the call flow (call-handling.ts) under the original ticket. */
export type AdoptCallback = (legId: string, callerNumber: string, ticket: TicketRow) => Promise<void>;

export class MissedCallCallbacks {
  private job: ScheduledJob | null = null;

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
    // Due: never tried, or tried a spacing ago; oldest first. A number being called (by this job or by
    // an agent) waits for the next run.
    const due = (await listDueMissedCalls(this.ctx.db, lastAttemptDueBy(policy, now))).filter((m) => this.ctx.dialling.holder(m.callerNumber) === undefined);
    // One call per number even when the same caller gave up twice.
    const perNumber = new Map(due.map((m) => [m.callerNumber, m]));
    const directory = await directoryNumbers(this.ctx.db);
    await Promise.all([...perNumber.values()].map((missed) => this.callBack(missed, policy, directory, now)));
  }

  private async callBack(missed: MissedCallRow, policy: CallbackPolicy, directory: ReadonlySet<string>, now: Date): Promise<void> {
    if (missed.attempts >= policy.maxAttempts) {
      await closeMissedCall(this.ctx.db, missed.id, 'unreachable');
      return;
    }
    const ticket = await findTicketOfMissedCall(this.ctx.db, missed);
    if (!ticket) {
      await closeMissedCall(this.ctx.db, missed.id, 'unreachable');
      return;
    }
    const refusal = await callbackRefusal(this.ctx.db, missed.callerNumber, directory, now);
    if (refusal) {
      await closeMissedCall(this.ctx.db, missed.id, 'unreachable');
      await noteTicket(this.ctx, { ticketId: ticket.id, actor: 'system', kind: 'callback-refused', note: `无法自动回拨：${refusal}` });
      return;
    }
    // The citizen is on a call with the centre right now (called again: in line or talking), not rung
    // over it: left for the next run, no attempt used.
    if (this.ctx.onTheLine(missed.callerNumber)) {
      this.ctx.log.info({ missedCall: missed.id, number: maskNumber(missed.callerNumber) }, 'missed-call callback left for the next run: the citizen is on a call with the centre');
      return;
    }
    // An agent's 回拨 or 外呼 of the number started meanwhile: left for the next run, no attempt used.
    if (!this.ctx.dialling.claim(missed.callerNumber, 'missed-call-callback')) return;
    try {
      await noteMissedCallAttempt(this.ctx.db, missed.id, now);
      const leg = ringLeg(this.ctx, { callId: ticket.number, callerNumber: ticket.dialledNumber, hotline: ticket.hotline }, trunkDial(missed.callerNumber), 'callback');
      if ((await leg.outcome) !== 'answered') {
        // No phone of the citizen rang: the attempt is given back (its time stays, for the spacing).
        if (dialNeverPlaced(leg.failure)) await takeBackMissedCallAttempt(this.ctx.db, missed.id);
        return;
      }
      await closeMissedCall(this.ctx.db, missed.id, 'done');
      await this.adopt(leg.legId, missed.callerNumber, ticket);
    } catch (error) {
      this.ctx.log.warn({ missedCall: missed.id, err: (error as Error).message }, 'missed-call callback attempt failed');
    } finally {
      this.ctx.dialling.release(missed.callerNumber);
    }
  }

  stop(): void {
    this.job?.stop();
    this.job = null;
  }
}
