/**
 * A leg over the inter-node trunk that ended because the line failed — the other Asterisk node died or
 * cannot be reached — rather than because someone hung up or did not answer. Asterisk names such a leg
 * after the trunk endpoint (`PJSIP/internode-<node>-…`) and ends it with one of these Q.850 causes: no
 * circuit, network out of order, temporary failure, destination out of order, timer expiry. Nobody is
 * to blame for it: the caller keeps their place and the agent is not counted as having missed a ring.
 */
import type { AriEvent } from '../ari/ari-types.js';

const LINE_FAILURE_CAUSES = new Set([27, 34, 38, 41, 102]);

export function crossingLineFailed(event: AriEvent): boolean {
  return (
    (event.type === 'ChannelHangupRequest' || event.type === 'ChannelDestroyed') &&
    event.channel.name.startsWith('PJSIP/internode-') &&
    LINE_FAILURE_CAUSES.has(event.cause)
  );
}
