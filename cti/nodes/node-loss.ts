/**
 * A node whose ARI link stays down is taken as lost after a grace time. Until then its calls are
 * kept: a short drop (a network blip, an ARI reconnect, a quick Asterisk restart) is settled by the
 * reconciliation when the link comes back. After it, the calls of that node alone are closed and
 * accounted for, so its callers are called back and its agents freed; the other nodes' calls go on.
 */
import type { Logger } from '../logging.js';
import type { PbxAri } from './pbx-ari.js';

export const DEFAULT_NODE_LOST_SECONDS = 30;

/** The history line of a call cut off by the loss of its node. */
export function nodeLostNote(node: string): string {
  return `所在交换节点 ${node} 失联，通话中断，未接通的来电人已列入漏接回拨`;
}

export function watchNodeLoss(ari: PbxAri, lostAfterMs: number, onLost: (node: string) => void, log: Logger): () => void {
  const timers = new Map<string, NodeJS.Timeout>();
  const onDown = (node: string) => {
    if (timers.has(node)) return;
    timers.set(
      node,
      setTimeout(() => {
        timers.delete(node);
        if (ari.isNodeConnected(node)) return;
        log.error({ node, downForMs: lostAfterMs }, 'Asterisk node lost: closing its calls');
        onLost(node);
      }, lostAfterMs),
    );
  };
  const onUp = (node: string) => {
    const timer = timers.get(node);
    if (timer) clearTimeout(timer);
    timers.delete(node);
  };
  ari.on('disconnected', onDown);
  ari.on('connected', onUp);
  return () => {
    ari.off('disconnected', onDown);
    ari.off('connected', onUp);
    for (const timer of timers.values()) clearTimeout(timer);
    timers.clear();
  };
}
