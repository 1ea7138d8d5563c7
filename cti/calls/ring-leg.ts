/**
 * Rings a phone for a call: an agent's, an expert seat's or an outside number. The leg is originated
 * into the Stasis application with `<role>,<callId>` so it is never taken for a new call. Its id is chosen here and its events are
 * listened to before the originate request goes out, so no early event is missed.
 *
 * Resolves `answered` when the leg enters Stasis (the phone was picked up), `missed` when the phone
 * did not answer, was busy or unreachable, and `cancelled` when `cancel()` was called (the caller left).
 * After a `missed`, `failure` says why, from the Q.850 cause or dial status Asterisk reported (recorded
 * on Asterisk 22, runs 8 and 10 of 2026-12-04: no answer is cause 19 with no final Dial status, a
 * rejection 17 and BUSY, a phone with no contact an HTTP 500 "Allocation failed" and no events).
 */
import { randomUUID } from 'node:crypto';
import { AriError, type AriEvent } from '../ari/ari-types.js';
import type { OfferWithdrawal } from '../events/domain-events.js';
import type { OwnChannelRole } from '../stasis/channel-role.js';
import { maskNumbersIn } from '../logging.js';
import { crossingLineFailed } from './line-failure.js';
import type { CallContext } from './call-context.js';

export type RingOutcome = 'answered' | 'missed' | 'cancelled';

/**
 * Why the desktop's pop of a ring that was not answered goes away (`call.offer.withdrawn`). A ring
 * missed because the line to the phone's node failed (`failure` `line-lost`), or whose end went
 * unheard with the event socket (`ringSaysNothing`), was not let time out by the agent:
 * `not-reached`, as PROTOCOL.md has it and as a queue offer's, not `no-answer` (振铃超时未接).
 */
export function withdrawalReason(outcome: Exclude<RingOutcome, 'answered'>, callerGone: boolean, failure: RingFailure | null = null): OfferWithdrawal {
  if (outcome === 'missed') return failure === 'line-lost' || ringSaysNothing(failure) ? 'not-reached' : 'no-answer';
  return callerGone ? 'caller-hung-up' : 'cancelled';
}

/**
 * Why a leg was not answered. `line-lost`: the leg crossed to another node over the inter-node trunk
 * and that line failed (line-failure.ts). `not-placed`: Asterisk never answered the originate (the
 * link was down, every try refused, or no answer in time), so no phone is known to have rung.
 * `link-lost`: the ARI event socket was away while the leg rang and the leg had ended when it came
 * back: how it ended is not known.
 */
export type RingFailure = 'no-answer' | 'busy' | 'rejected' | 'unreachable' | 'congestion' | 'trunk-down' | 'line-lost' | 'not-placed' | 'link-lost';

const FAILURE_TEXT: Record<RingFailure, string> = {
  'no-answer': '无人接听',
  busy: '对方忙',
  rejected: '对方拒接',
  unreachable: '无法接通',
  congestion: '线路拥塞',
  'trunk-down': '中继线路故障',
  'line-lost': '所在交换节点线路中断',
  'not-placed': '呼叫未能发出',
  'link-lost': '振铃时与交换机的连接中断',
};

/**
 * The 示忙 reason of an agent whose phone rang and was not answered: 未接, unless the line to the node
 * the phone is on failed (nobody missed anything; the phone cannot be reached, so nothing is offered
 * to it again until the agent says so).
 */
export function missedRingReason(failure: RingFailure | null): string {
  return failure === 'line-lost' ? '交换节点故障' : '未接';
}

/**
 * The ring's outcome says nothing of the agent: it never went out (`not-placed`), or how it ended was
 * lost with the event socket (`link-lost`).
 */
export function ringSaysNothing(failure: RingFailure | null): boolean {
  return failure === 'not-placed' || failure === 'link-lost';
}

/**
 * The agent whose phone a leg was for, once it went unanswered: 示忙 with the reason, unless the ring
 * says nothing of them (never went out, or its end was lost): nobody is known to have missed anything,
 * and the agent is ready again.
 */
export function afterUnansweredRing(agents: CallContext['agents'], agentId: number, failure: RingFailure | null): void {
  if (ringSaysNothing(failure)) agents.transition(agentId, 'offer-cancelled', null);
  else agents.transition(agentId, 'missed', null, missedRingReason(failure));
}

/**
 * Frees a transfer's or three-way call's target agent from `callId` (a ring cancelled, a talk to wrap-up),
 * only while that call is theirs: an agent ringing for, or talking to, another caller is left alone.
 */
export function releaseFromCall(agents: CallContext['agents'], agentId: number, callId: string): void {
  if (agents.get(agentId)?.callId === callId) agents.release(agentId);
}

/** What an agent is told when a leg failed, e.g. "对方忙". */
export function ringFailureText(failure: RingFailure | null): string {
  return failure ? FAILURE_TEXT[failure] : '未接听';
}

/** Q.850 hang-up causes, as Asterisk reports them, to a failure. */
export function failureFromCause(cause: number): RingFailure | null {
  switch (cause) {
    case 17:
      return 'busy';
    case 18:
    case 19:
      return 'no-answer';
    case 21:
      return 'rejected';
    case 1:
    case 3:
    case 20:
    case 27:
    case 28:
      return 'unreachable';
    case 34:
    case 38:
    case 41:
    case 42:
    case 44:
      return 'congestion';
    default:
      return null;
  }
}

const DIAL_FAILURE: Record<string, RingFailure> = { NOANSWER: 'no-answer', BUSY: 'busy', CHANUNAVAIL: 'unreachable', CONGESTION: 'congestion' };

export interface RingingLeg {
  legId: string;
  /** Resolves once: the phone rang (the moment for the screen-pop). */
  ringing: Promise<void>;
  outcome: Promise<RingOutcome>;
  /** Why the leg was missed (set before `outcome` resolves `missed`); null otherwise or when unknown. */
  readonly failure: RingFailure | null;
  /** Hangs the leg up and settles `cancelled`; false (nothing done) when its outcome was settled already. */
  cancel(): boolean;
}

const FAILED_DIAL = new Set(['NOANSWER', 'BUSY', 'CHANUNAVAIL', 'CONGESTION', 'CANCEL', 'DONTCALL', 'TORTURE', 'INVALIDARGS']);

export function ringLeg(
  ctx: CallContext,
  /**
   * `near`: the channel the leg is for, whose node it is made on (default the call's own channel,
   * whose id is the call's for a citizen's call).
   */
  call: { callId: string; callerNumber: string; hotline: string; near?: string },
  endpoint: string,
  role: OwnChannelRole = 'agent',
  /** The leg's channel id, when the caller needs to know it in advance (default: `<role>-<uuid>`). */
  legId = `${role}-${randomUUID()}`,
): RingingLeg {
  let settle: (outcome: RingOutcome) => void = () => undefined;
  let markRinging: () => void = () => undefined;
  const ringing = new Promise<void>((resolve) => (markRinging = resolve));
  let settled = false;
  let failure: RingFailure | null = null;
  const fail = (why: RingFailure | null) => {
    if (!settled && failure === null) failure = why;
    settle('missed');
  };
  let unregister: () => void = () => undefined;
  const outcome = new Promise<RingOutcome>((resolve) => {
    settle = (value) => {
      if (settled) return;
      settled = true;
      clearTimeout(safety);
      stop();
      unregister();
      resolve(value);
    };
  });
  const onEvent = (event: AriEvent) => {
    if (event.type === 'Dial' && event.dialstatus === 'RINGING') markRinging();
    else if (event.type === 'ChannelStateChange' && event.channel.state === 'Ringing') markRinging();
    else if (event.type === 'StasisStart') {
      markRinging();
      settle('answered');
    } else if (event.type === 'Dial' && FAILED_DIAL.has(event.dialstatus)) fail(DIAL_FAILURE[event.dialstatus] ?? null);
    else if (crossingLineFailed(event)) fail('line-lost');
    else if (event.type === 'ChannelDestroyed' || event.type === 'ChannelHangupRequest') fail(event.cause ? failureFromCause(event.cause) : null);
  };
  const stop = ctx.router.listen(legId, onEvent);
  // If the PBX never reports an outcome, give up a little after the ring timeout.
  const safety = setTimeout(() => {
    ctx.ari.hangup(legId).catch(() => undefined);
    fail('no-answer');
  }, (ctx.settings.ringTimeoutSeconds + 5) * 1000);

  ctx.ari
    .originate({
      endpoint,
      app: ctx.settings.app,
      appArgs: [role, call.callId],
      // The agent's phone shows the caller and the hotline they dialled.
      callerId: `"${call.hotline.replaceAll('"', '')}" <${call.callerNumber}>`,
      timeoutSeconds: ctx.settings.ringTimeoutSeconds,
      channelId: legId,
      near: call.near ?? call.callId,
    })
    .then(() => {
      if (settled) return;
      // After an ARI reconnect: a leg that ended unheard is taken as not answered. One still there goes
      // on: ringing, or up with its StasisStart on its way (a leg answered while no socket served the
      // application is refused by Asterisk and gone); the safety timer covers the rest.
      unregister = ctx.rings.add({
        legId,
        recheck: (listed) => {
          if (!listed) fail('link-lost');
        },
      });
    })
    .catch((error: unknown) => {
      // A trunk dial string carries the citizen's number (click-to-call, callbacks): masked.
      ctx.log.warn({ callId: call.callId, endpoint: maskNumbersIn(endpoint), err: (error as Error).message }, 'could not ring the phone');
      if (!(error instanceof AriError) || error.status === undefined) {
        // No answer from Asterisk: it may still have taken the request, so the leg is hung up in case
        // it rings; that says nothing of the phone or the trunk.
        ctx.ari.hangup(legId).catch(() => undefined);
        fail('not-placed');
        return;
      }
      // Asterisk refused it: a trunk that cannot be dialled is a trunk fault; a phone with no contact is unreachable.
      fail(endpoint.includes('@') ? 'trunk-down' : 'unreachable');
    });

  return {
    legId,
    ringing,
    outcome,
    get failure() {
      return failure;
    },
    cancel() {
      if (settled) return false;
      ctx.ari.hangup(legId).catch(() => undefined);
      settle('cancelled');
      return true;
    },
  };
}
