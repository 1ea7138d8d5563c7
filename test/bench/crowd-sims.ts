/**
 * The crowd's view of its simulated Asterisk nodes, wherever they run: in the bench process
 * (`localSims`, the crowd phase's one node, shared with phases 1 and 2) or in a process of their own
 * (sim-host-client.ts, the nodes phase). The phase places and hangs up its callers through it, and is
 * told, on the machine's clock (bench-clock.ts), when a caller enters or leaves a holding bridge and
 * when an agent's phone starts ringing: the ring is one end of every pop.
 */
import { watchLoopDelay } from './loop-delay.js';
import type { PbxSim } from '../pbx-sim/index.js';
import type { PbxEvent } from '../pbx-sim/core/events.js';
import { machineMs } from './bench-clock.js';
import type { ClockCheck } from './host-client.js';

/** What the simulators tell the phase as it happens. */
export type SimReport =
  /** A caller entered a holding bridge (is waiting in the queue). */
  | { type: 'held'; channelId: string; node: string; at: number }
  /** A caller left the holding bridge, or hung up. */
  | { type: 'unheld'; channelId: string }
  /** The phone of agent `ext` started ringing on `node` (its channel's state went Ringing). */
  | { type: 'ring'; ext: string; node: string; at: number };

export interface ChannelCounts {
  /** Every channel on every node. */
  all: number;
  /** The phase's own: its callers, the legs to the agents' phones, the trunk legs between the nodes. */
  phase: number;
}

export interface CrowdSims {
  readonly names: readonly string[];
  /** Where the simulators run, for the report ("the bench process" …). */
  readonly where: string;
  /** From now on, `report` is told of the holding bridges and of the rings of `agents`' phones. */
  watch(agents: readonly string[], report: (event: SimReport) => void): Promise<void>;
  /** A caller from outside on node `node`'s trunk; the channel's id. */
  placeCall(node: string, from: string, to: string): Promise<string>;
  /** The caller hangs up (if still there). */
  hangUp(node: string, channelId: string): Promise<void>;
  channels(): Promise<ChannelCounts>;
  /** The event-loop delay (p99, max) of the process the simulators run in, since the last call. */
  loopDelay(): Promise<{ p99Ms: number; maxMs: number }>;
  /** How that process's clock stands against the bench's (none when it is the bench process). */
  clockCheck(): Promise<ClockCheck | null>;
}

const AGENT_PEER = /^PJSIP\/(\d+)-/;

/**
 * Tells `report` what one node does that the crowd times; returns the stop. Used in whichever
 * process the simulator runs, so the times are taken there, as the events happen — before the AMI
 * and ARI front ends send them on (`first`), or a quick server could answer a ring before it was
 * timed.
 */
export function watchNode(name: string, sim: PbxSim, agents: ReadonlySet<string>, report: (event: SimReport) => void): () => void {
  const timed = (event: PbxEvent): void => {
    if (event.type === 'bridge.enter' && event.bridge.bridgeType === 'holding') report({ type: 'held', channelId: event.channel.id, node: name, at: machineMs() });
    else if ((event.type === 'bridge.leave' && event.bridge.bridgeType === 'holding') || event.type === 'channel.destroyed') report({ type: 'unheld', channelId: event.channel.id });
    else if (event.type === 'channel.state' && event.channel.state === 'Ringing') {
      // The phone's channel goes Ringing: what ARI tells the server (ChannelStateChange) at once, and
      // what it offers the call on. The `dial` event RINGING follows only after the device state
      // changes have gone out (a fraction of a millisecond), by which time the server may have
      // answered already: timed there, a quick pop arrived "before" its ring.
      const ext = AGENT_PEER.exec(event.channel.name)?.[1];
      if (ext !== undefined && agents.has(ext)) report({ type: 'ring', ext, node: name, at: machineMs() });
    }
  };
  return sim.core.subscribe(timed, { first: true });
}

/** Places and hangs up callers on a set of simulators, and counts channels the way the crowd needs. */
export class SimCalls {
  private readonly placed = new Set<string>();
  private agents: ReadonlySet<string> = new Set();

  constructor(private readonly nodes: readonly { name: string; sim: PbxSim }[]) {}

  setAgents(agents: readonly string[]): void {
    this.agents = new Set(agents);
  }

  private sim(node: string): PbxSim {
    const found = this.nodes.find((n) => n.name === node);
    if (!found) throw new Error(`no node ${node}`);
    return found.sim;
  }

  place(node: string, from: string, to: string): string {
    const id = this.sim(node).core.placeCall({ from, to }).id;
    this.placed.add(id);
    return id;
  }

  hangUp(node: string, channelId: string): void {
    const sim = this.sim(node);
    const channel = sim.core.channel(channelId);
    if (channel) sim.core.farEndHangup(channel);
  }

  /** On a simulator an earlier phase used too, what it left is not the phase's. */
  counts(): ChannelCounts {
    const all = this.nodes.flatMap(({ sim }) => sim.core.listChannels());
    const isPhase = (c: { id: string; name: string }) => this.placed.has(c.id) || this.agents.has(AGENT_PEER.exec(c.name)?.[1] ?? '') || c.name.startsWith('PJSIP/internode-');
    return { all: all.length, phase: all.filter(isPhase).length };
  }
}

/** Simulators in the bench process: their events are timed on its event loop, delays and all. */
export function localSims(nodes: readonly { name: string; sim: PbxSim }[], onStop: (what: string, stop: () => void) => void): CrowdSims {
  const calls = new SimCalls(nodes);
  const delay = watchLoopDelay();
  onStop('the event-loop monitor', () => delay.stop());
  return {
    names: nodes.map((n) => n.name),
    where: 'the bench process',
    watch: (agents, report) => {
      calls.setAgents(agents);
      const set = new Set(agents);
      for (const { name, sim } of nodes) onStop(`the probe on node ${name}`, watchNode(name, sim, set, report));
      return Promise.resolve();
    },
    placeCall: (node, from, to) => Promise.resolve(calls.place(node, from, to)),
    hangUp: (node, channelId) => Promise.resolve(calls.hangUp(node, channelId)),
    channels: () => Promise.resolve(calls.counts()),
    loopDelay: () => {
      const figures = delay.figures();
      delay.reset();
      return Promise.resolve(figures);
    },
    clockCheck: () => Promise.resolve(null),
  };
}
