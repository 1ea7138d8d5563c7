/**
 * Rings a phone for a call: an agent's, an expert seat's or an outside number. The leg is originated
 * into the Stasis application with `<role>,<callId>` so it is never taken for a new call. Its id is chosen here and its events are
 * listened to before the originate request goes out, so no early event is missed.
 *
 * Resolves `answered` when the leg enters Stasis (the phone was picked up), `missed` when the phone
 * did not answer, was busy or unreachable, and `cancelled` when `cancel()` was called (the caller left).
 */
import { randomUUID } from 'node:crypto';
import type { AriEvent } from '../ari/ari-types.js';
import type { OwnChannelRole } from '../stasis/channel-role.js';
import type { CallContext } from './call-context.js';

export type RingOutcome = 'answered' | 'missed' | 'cancelled';

export interface RingingLeg {
  legId: string;
  /** Resolves once: the phone rang (the moment for the screen-pop). */
  ringing: Promise<void>;
  outcome: Promise<RingOutcome>;
  cancel(): void;
}

const FAILED_DIAL = new Set(['NOANSWER', 'BUSY', 'CHANUNAVAIL', 'CONGESTION', 'CANCEL', 'DONTCALL', 'TORTURE', 'INVALIDARGS']);

export function ringLeg(
  ctx: CallContext,
  call: { callId: string; callerNumber: string; hotline: string },
  endpoint: string,
  role: OwnChannelRole = 'agent',
): RingingLeg {
  const legId = `${role}-${randomUUID()}`;
  let settle: (outcome: RingOutcome) => void = () => undefined;
  let markRinging: () => void = () => undefined;
  const ringing = new Promise<void>((resolve) => (markRinging = resolve));
  let settled = false;
  const outcome = new Promise<RingOutcome>((resolve) => {
    settle = (value) => {
      if (settled) return;
      settled = true;
      clearTimeout(safety);
      stop();
      resolve(value);
    };
  });
  const onEvent = (event: AriEvent) => {
    if (event.type === 'Dial' && event.dialstatus === 'RINGING') markRinging();
    else if (event.type === 'ChannelStateChange' && event.channel.state === 'Ringing') markRinging();
    else if (event.type === 'StasisStart') {
      markRinging();
      settle('answered');
    } else if (event.type === 'Dial' && FAILED_DIAL.has(event.dialstatus)) settle('missed');
    else if (event.type === 'ChannelDestroyed' || event.type === 'ChannelHangupRequest') settle('missed');
  };
  const stop = ctx.router.listen(legId, onEvent);
  // If the PBX never reports an outcome, give up a little after the ring timeout.
  const safety = setTimeout(() => {
    ctx.ari.hangup(legId).catch(() => undefined);
    settle('missed');
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
    })
    .catch((error: unknown) => {
      ctx.log.warn({ callId: call.callId, endpoint, err: (error as Error).message }, 'could not ring the phone');
      settle('missed');
    });

  return {
    legId,
    ringing,
    outcome,
    cancel() {
      if (settled) return;
      ctx.ari.hangup(legId).catch(() => undefined);
      settle('cancelled');
    },
  };
}
