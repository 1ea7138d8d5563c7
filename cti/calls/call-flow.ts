/**
 * A flow that runs on a call's behalf for a while — a blind or attended transfer, a three-way call,
 * the ring of an agent's phone — and can be stopped at any moment by one method. While it runs it is
 * registered on its call (`InboundCall.runFlow`), so whatever ends the call (the caller hanging up, a
 * PBX restart, an error) stops it at once: what rings on the call's behalf is hung up, a target
 * whose ring was cancelled goes back to ready.
 */
import { noteTicket } from '../tickets/ticket-notes.js';
import type { CallContext } from './call-context.js';

/**
 * Why a flow is stopped:
 * - `call-ended`: the call is over (caller hung up, PBX restart, the call ended by the system) —
 *   drop everything the flow holds, touch nothing of the call;
 * - `agent`: the agent cancelled from the desktop — go back to the caller where that makes sense;
 * - `error`: a step failed — recover the caller (back to the agent, or to the queue);
 * - `line-lost`: the line to the agent's Asterisk node failed and the caller goes back in line by
 *   itself (`InboundCall.agentLineLost`) — drop everything the flow holds, as for `call-ended`, and
 *   leave the caller to the queue.
 */
export type FlowStopReason = 'call-ended' | 'agent' | 'error' | 'line-lost';

export interface CallFlow {
  /** Stops the flow; hangs up at once (synchronously requested) whatever rings on the call's behalf. */
  cancel(reason: FlowStopReason): void | Promise<void>;
}

/**
 * The explicit state machine of one flow: `from -> trigger -> to` is logged and written to the
 * ticket history; a trigger that is not legal in the current state changes nothing.
 */
export class FlowMachine<S extends string, T extends string> {
  private state: S;

  constructor(
    private readonly ctx: Pick<CallContext, 'db' | 'log' | 'clock'>,
    private readonly flow: string,
    private readonly call: { callId: string; summary: { ticketId: number } },
    private readonly actor: string,
    initial: S,
    private readonly table: Record<S, Partial<Record<T, S>>>,
  ) {
    this.state = initial;
  }

  get current(): S {
    return this.state;
  }

  /** Applies `trigger` (with a line for the ticket history); false when it is not legal now. */
  move(trigger: T, note: string): boolean {
    const from = this.state;
    const to = this.table[from][trigger];
    if (!to) {
      this.ctx.log.warn({ callId: this.call.callId, flow: this.flow, from, trigger }, `${this.flow} refused ${from} -> ${trigger}`);
      return false;
    }
    this.state = to;
    this.ctx.log.info({ callId: this.call.callId, flow: this.flow, from, trigger, to }, `${this.flow} ${from} -> ${trigger} -> ${to}`);
    void noteTicket(this.ctx, { ticketId: this.call.summary.ticketId, actor: this.actor, kind: this.flow, note: `${from} → ${to}: ${note}` });
    return true;
  }
}
