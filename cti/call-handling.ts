/**
 * Subscribes the call handlers to the Stasis application's events.
 */
import { findCallByLinkedId, markCallEnded, type Db } from '../store/index.js';
import type { AriConnection } from './ari/ari-connection.js';
import type { AriEvent } from './ari/ari-types.js';
import type { Logger } from './logging.js';
import { classifyStasisArgs } from './stasis/channel-role.js';
import { admitInboundCall, callKeyOf } from './stasis/inbound-arrival.js';

export interface CallHandling {
  stop(): void;
}

export function startCallHandling(deps: { ari: AriConnection; db: Db; log: Logger }): CallHandling {
  const { ari, db, log } = deps;

  const onEvent = (event: AriEvent) => {
    switch (event.type) {
      case 'StasisStart': {
        const role = classifyStasisArgs(event.args);
        if (role.kind === 'own') return;
        if (role.kind === 'invalid') {
          log.warn({ channelId: event.channel.id, reason: role.reason }, 'channel entered Stasis with bad arguments; releasing it');
          ari.hangup(event.channel.id).catch((error: unknown) => log.warn({ err: (error as Error).message }, 'hangup failed'));
          return;
        }
        let arrived;
        try {
          arrived = admitInboundCall(db, event.channel, role.dialledNumber, log);
        } catch (error) {
          // The call is still answered below: a citizen is never dropped because the database hiccupped.
          log.error({ err: error, channelId: event.channel.id }, 'could not record the call');
        }
        if (arrived && !arrived.isNew) return;
        ari.answer(event.channel.id).catch((error: unknown) =>
          log.warn({ channelId: event.channel.id, err: (error as Error).message }, 'answer failed'),
        );
        return;
      }
      case 'StasisEnd': {
        const key = callKeyOf(event.channel);
        const call = findCallByLinkedId(db, key);
        if (call && !call.endedAt) {
          markCallEnded(db, key, {
            outcome: call.answeredAt ? 'answered' : 'abandoned',
            hangupCause: null,
            at: new Date().toISOString(),
          });
          log.info({ channelId: event.channel.id }, 'call ended');
        }
        return;
      }
      default:
        return;
    }
  };

  ari.on('event', onEvent);
  return { stop: () => ari.off('event', onEvent) };
}
