/**
 * The bench's side of its simulator host (sim-host.ts, a child process): starts the nodes there and
 * hands the crowd phase a `CrowdSims` over them; the nodes' AMI and ARI ports are the host's.
 */
import type { CrowdSims } from './crowd-sims.js';
import { HostClient } from './host-client.js';
import type { SimEvent, SimNodeSpec, SimReply, SimRequest } from './sim-host-messages.js';

export interface StartedNode {
  name: string;
  amiPort: number;
  /** ARI and the simulator's control API (`/sim/…`). */
  httpUrl: string;
}

export interface SimHost {
  nodes: StartedNode[];
  sims: CrowdSims;
  /** What the simulators logged at warn level: the first few, and how many in all. */
  warnings(): Promise<{ first: string[]; count: number }>;
  /** Stops the simulators and the host; how it went. */
  stop(): Promise<string>;
}

const unexpected = (reply: SimReply): Error => new Error(`the simulator host answered ${reply.type}`);

export async function startSimHost(specs: SimNodeSpec[], options: { playbackMsPerSecond: number; link: boolean; endpointsOnline: boolean }): Promise<SimHost> {
  const host = await HostClient.start<SimRequest, SimReply, SimEvent>('the simulator host', 'sim-host');
  const started = await host.request({ type: 'start', nodes: specs, ...options });
  if (started.type !== 'started') throw unexpected(started);
  const ok = async (request: SimRequest): Promise<void> => {
    const reply = await host.request(request);
    if (reply.type !== 'ok') throw unexpected(reply);
  };
  const sims: CrowdSims = {
    names: started.nodes.map((n) => n.name),
    where: 'a process of their own',
    watch: (agents, report) => {
      host.onEvent = report;
      return ok({ type: 'watch', agents });
    },
    placeCall: async (node, from, to) => {
      const reply = await host.request({ type: 'place', node, from, to });
      if (reply.type !== 'placed') throw unexpected(reply);
      return reply.channelId;
    },
    hangUp: (node, channelId) => ok({ type: 'hang-up', node, channelId }),
    channels: async () => {
      const reply = await host.request({ type: 'channels' });
      if (reply.type !== 'channels') throw unexpected(reply);
      return reply.counts;
    },
    loopDelay: () => host.loopDelay(),
    clockCheck: () => host.clockCheck(),
  };
  return {
    nodes: started.nodes,
    sims,
    warnings: async () => {
      const reply = await host.request({ type: 'warnings' });
      if (reply.type !== 'warnings') throw unexpected(reply);
      return reply;
    },
    stop: () => host.stop(),
  };
}
