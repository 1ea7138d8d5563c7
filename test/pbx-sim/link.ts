/**
 * Join simulator instances as Asterisk nodes of one system: each node's endpoint `internode-<other>`
 * becomes a SIP trunk to that node (core/internode.ts). The configuration must have those endpoints
 * (and their context) on every node; the link only says which simulator is at the other end.
 */
import type { PbxSim } from './index.js';

export interface LinkedNode {
  /** The node's name as the others' endpoints spell it: `b` for `internode-b`. */
  name: string;
  sim: PbxSim;
}

/** Link every node with every other; returns the unlink (calls already crossing stay up). */
export function linkPbxSims(nodes: LinkedNode[]): () => void {
  const names = new Set(nodes.map((n) => n.name));
  if (names.size !== nodes.length) throw new Error('linkPbxSims: node names must be distinct');
  const unlinks: (() => void)[] = [];
  for (const from of nodes) {
    for (const to of nodes) {
      if (from === to) continue;
      unlinks.push(from.sim.core.interNode.link(`internode-${to.name}`, { peer: to.sim.core, incomingEndpoint: `internode-${from.name}` }));
    }
  }
  return () => {
    for (const unlink of unlinks.splice(0)) unlink();
  };
}
