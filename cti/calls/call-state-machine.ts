/**
 * The call model: one explicit state machine per call. Every legal transition is logged as
 * `from -> event -> to` and persisted on the call row; an illegal one is refused and logged, and
 * changes nothing.
 */
import type { Logger } from '../logging.js';

export const CALL_STATES = [
  'arriving',
  'ivr',
  'queued',
  'offered',
  'connected',
  'held',
  /** A blind transfer's target rings; the caller waits with music. */
  'transferring',
  'consulting',
  'conference',
  'ended',
] as const;
export type CallState = (typeof CALL_STATES)[number];

export type CallTrigger =
  | 'start-ivr'
  | 'enqueue'
  | 'offer'
  | 'answer'
  | 'no-answer'
  | 'hold'
  | 'resume'
  | 'transfer'
  | 'transfer-answered'
  | 'consult'
  | 'consult-cancel'
  | 'consult-complete'
  | 'conference'
  | 'conference-end'
  | 'transfer-out'
  | 'hangup';

/** from → trigger → to. Absent means refused. `hangup` is legal from every state but `ended`. */
const TRANSITIONS: Record<CallState, Partial<Record<CallTrigger, CallState>>> = {
  arriving: { 'start-ivr': 'ivr', enqueue: 'queued', 'transfer-out': 'ended', hangup: 'ended' },
  ivr: { enqueue: 'queued', 'transfer-out': 'ended', hangup: 'ended' },
  queued: { offer: 'offered', 'transfer-out': 'ended', hangup: 'ended' },
  offered: { answer: 'connected', 'no-answer': 'queued', hangup: 'ended' },
  connected: {
    hold: 'held',
    transfer: 'transferring',
    consult: 'consulting',
    conference: 'conference',
    'transfer-out': 'ended',
    enqueue: 'queued',
    hangup: 'ended',
  },
  // enqueue: the line to the agent's node failed while the caller was on hold (back in line).
  held: { resume: 'connected', consult: 'consulting', enqueue: 'queued', hangup: 'ended' },
  // Answered: the target has the caller; not answered: the caller goes back to the queue.
  transferring: { 'transfer-answered': 'connected', enqueue: 'queued', hangup: 'ended' },
  consulting: {
    'consult-cancel': 'connected',
    'consult-complete': 'connected',
    conference: 'conference',
    'transfer-out': 'ended',
    hangup: 'ended',
  },
  conference: { 'conference-end': 'connected', hangup: 'ended' },
  ended: {},
};

export function nextState(from: CallState, trigger: CallTrigger): CallState | undefined {
  return TRANSITIONS[from][trigger];
}

export class CallStateMachine {
  private current: CallState;

  /** `restored`: the state a call rebuilt after a server restart is in (default: a new call, `arriving`). */
  constructor(
    private readonly callId: string,
    private readonly log: Logger,
    private readonly persist: (state: CallState) => void,
    restored: CallState = 'arriving',
  ) {
    this.current = restored;
  }

  get state(): CallState {
    return this.current;
  }

  /** Applies `trigger`; returns the new state, or undefined (and changes nothing) when it is not legal now. */
  fire(trigger: CallTrigger): CallState | undefined {
    const from = this.current;
    const to = nextState(from, trigger);
    if (!to) {
      this.log.warn({ callId: this.callId, from, trigger }, `refused ${from} -> ${trigger}`);
      return undefined;
    }
    this.current = to;
    this.persist(to);
    this.log.info({ callId: this.callId, from, trigger, to }, `${from} -> ${trigger} -> ${to}`);
    return to;
  }
}
