/**
 * Domain events: every call transition and agent state change is published here once. Screen-pops,
 * tickets, the wallboard and KPIs subscribe; none of them is a special case inside call handling.
 */
import { EventEmitter } from 'node:events';
import type { IvrStep } from '../../ivr/interpreter.js';
import type { RouteMode } from '../../store/index.js';
import type { CallerHistory } from '../calls/caller-history.js';

export interface CallSummary {
  /** The call's key (the caller channel's id, also the calls/tickets key). */
  callId: string;
  callerNumber: string;
  dialledNumber: string;
  hotline: string;
  mode: RouteMode;
  ticketId: number;
  ticketNumber: string;
  /** The caller's recent tickets, read when the call arrived, for the screen-pop (not sent as such). */
  history: CallerHistory;
}

/**
 * Why an offer to an agent ended without them taking the call (`logged-out`: the agent logged out while
 * it rang; `not-connected`: a blind transfer's colleague answered, but Asterisk would not put the caller through).
 */
export type OfferWithdrawal = 'no-answer' | 'caller-hung-up' | 'cancelled' | 'not-reached' | 'rejected' | 'logged-out' | 'not-connected';

export type AgentState = 'offline' | 'ready' | 'not_ready' | 'ringing' | 'on_call' | 'wrap_up';

export type DomainEvent =
  | { type: 'call.arrived'; at: string; call: CallSummary }
  | { type: 'call.ivr'; at: string; call: CallSummary }
  | { type: 'call.queued'; at: string; call: CallSummary; skill: string; ivrSteps: IvrStep[] }
  | {
      type: 'call.offered';
      at: string;
      call: CallSummary;
      agentId: number;
      ivrSteps: IvrStep[];
      waitedMs: number;
      /** A call the agent placed (click-to-call), with the missed call it returns when it is a 回拨. */
      outbound?: { missedCallId: number | null };
    }
  | { type: 'call.answered'; at: string; call: CallSummary; agentId: number; recording: string | null }
  | { type: 'call.held'; at: string; call: CallSummary; agentId: number }
  | { type: 'call.resumed'; at: string; call: CallSummary; agentId: number }
  | {
      type: 'call.transferred';
      at: string;
      call: CallSummary;
      fromAgentId: number | null;
      target: string;
      mode: 'blind' | 'attended';
      /** The agent hung up during the consultation, which handed the caller to the consulted party. */
      agentHungUp?: boolean;
      /** The line to the agent's node failed (that node died): the caller went back in line. */
      lineLost?: boolean;
    }
  | { type: 'call.conference'; at: string; call: CallSummary; agentId: number | null; target: string }
  | { type: 'call.consulting'; at: string; call: CallSummary; agentId: number; target: string }
  /**
   * The consulted party picked up: the agent may complete the transfer now. Published for the agent
   * and, when the consulted party is a colleague, for them too with `consulted: true` (`target` names
   * the agent who consults them): they talk with the agent now, their talk time runs from here.
   */
  | { type: 'call.consult.answered'; at: string; call: CallSummary; agentId: number; target: string; consulted?: boolean }
  /** `requeued`: the agent had hung up and the consulted party did not answer, so the caller went back to the queue. */
  /** `reason`: the consulted colleague refused the ring (`rejected`) or logged out while it rang (`logged-out`). */
  /** `why`: why the consulted party did not take the caller, in Chinese (target-ring.ts `whyText`, e.g. 拒接, 无人接听); with `requeued`, or when their ring failed and the agent is back with the caller. */
  | { type: 'call.consult.cancelled'; at: string; call: CallSummary; agentId: number; target: string; requeued?: boolean; reason?: 'rejected' | 'logged-out'; why?: string }
  /**
   * Published for each agent in the three-way call (the one who called the third party in, and a
   * colleague who joined), `left` as that agent's desktop sees it: `agent` they left, `third` the
   * other one did (for the colleague, the agent who called them in).
   */
  | { type: 'call.conference.ended'; at: string; call: CallSummary; agentId: number | null; left: 'agent' | 'third' }
  | { type: 'call.missed'; at: string; call: CallSummary; agentId: number }
  /** The ring stopped without the agent taking the call: their screen-pop goes away. */
  | { type: 'call.offer.withdrawn'; at: string; call: CallSummary; agentId: number; reason: OfferWithdrawal }
  | { type: 'call.ended'; at: string; call: CallSummary; agentId: number | null; outcome: string }
  | { type: 'ticket.changed'; at: string; ticketId: number; number: string; from: string; to: string; action: string; actor: string }
  | { type: 'ticket.overdue'; at: string; ticketId: number; number: string; dueAt: string; overdue: boolean }
  /** `wrapUpUntil`: in 话后整理, when it ends (ISO); `wrapUpExtended`: it was extended already; `callId`: on a call, which one. */
  | { type: 'agent.state'; at: string; agentId: number; state: AgentState; reason: string | null; wrapUpUntil?: string; wrapUpExtended?: boolean; callId?: string }
  | {
      type: 'alert';
      at: string;
      kind: 'emergency-transfer' | 'long-wait' | 'missed-ring' | 'ticket-due-soon' | 'ticket-overdue' | 'callback-dissatisfied' | 'hotspot';
      message: string;
      callId?: string;
      agentId?: number;
      ticketNumber?: string;
      /** 热点预警: one surge is one alert; a later alert with the same id updates it (grown, ended). */
      surgeId?: string;
      /** 热点预警: the tickets behind the surge. */
      ticketNumbers?: string[];
    };

export type DomainEventType = DomainEvent['type'];

export class DomainEventBus {
  private readonly emitter = new EventEmitter<{ event: [DomainEvent] }>();

  /**
   * `onError` hears of a subscriber that threw. The event is published from inside the call flow (a
   * transition, an agent's state change): a subscriber's fault must reach neither that flow, which
   * would stop half way with the caller in it, nor the subscribers after it (the desktops).
   */
  constructor(private readonly onError: (error: unknown, event: DomainEvent) => void = () => undefined) {
    // Many desktops and the wallboard subscribe; the default limit of 10 is a false alarm here.
    this.emitter.setMaxListeners(0);
  }

  publish(event: DomainEvent): void {
    this.emitter.emit('event', event);
  }

  subscribe(handler: (event: DomainEvent) => void): () => void {
    const guarded = (event: DomainEvent): void => {
      try {
        handler(event);
      } catch (error) {
        this.onError(error, event);
      }
    };
    this.emitter.on('event', guarded);
    return () => this.emitter.off('event', guarded);
  }
}
