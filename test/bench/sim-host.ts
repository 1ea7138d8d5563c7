/**
 * The simulated Asterisk nodes of the nodes phase in a process of their own (started by
 * sim-host-client.ts). In the bench process, its event-loop delay made them time the rings late —
 * some desktops had their `call.offered` before the ring was timed. Here they answer AMI and ARI on
 * their own ports, time each ring and holding bridge on the machine's clock (bench-clock.ts) as it
 * happens, and place and hang up the bench's callers.
 */
import { linkPbxSims, startPbxSim, type PbxSim } from '../pbx-sim/index.js';
import { SimCalls, watchNode } from './crowd-sims.js';
import { serveHost } from './host-serve.js';
import type { SimEvent, SimReply, SimRequest } from './sim-host-messages.js';

const KEPT_WARNINGS = 10;

const nodes: { name: string; sim: PbxSim }[] = [];
const stops: (() => Promise<void> | void)[] = [];
const warnings = { first: [] as string[], count: 0 };
const calls = new SimCalls(nodes);

async function start(request: Extract<SimRequest, { type: 'start' }>): Promise<SimReply> {
  if (nodes.length > 0) throw new Error('the nodes are already started');
  for (const { name, configDir } of request.nodes) {
    const sim = await startPbxSim({
      amiPort: 0,
      httpPort: 0,
      configDir,
      systemName: name,
      playbackMsPerSecond: request.playbackMsPerSecond,
      core: { endpointsOnline: request.endpointsOnline },
      logger: {
        info: () => undefined,
        warn: (msg) => {
          warnings.count += 1;
          if (warnings.first.length < KEPT_WARNINGS) warnings.first.push(`node ${name}'s simulator: ${msg}`);
        },
      },
    });
    stops.push(() => sim.stop());
    nodes.push({ name, sim });
  }
  if (request.link) stops.push(linkPbxSims(nodes));
  return { type: 'started', nodes: nodes.map(({ name, sim }) => ({ name, amiPort: sim.amiPort, httpUrl: sim.httpUrl })) };
}

function handle(request: SimRequest): Promise<SimReply> {
  switch (request.type) {
    case 'start':
      return start(request);
    case 'watch': {
      calls.setAgents(request.agents);
      const agents = new Set(request.agents);
      for (const { name, sim } of nodes) stops.push(watchNode(name, sim, agents, sendEvent));
      return Promise.resolve({ type: 'ok' });
    }
    case 'place':
      return Promise.resolve({ type: 'placed', channelId: calls.place(request.node, request.from, request.to) });
    case 'hang-up':
      calls.hangUp(request.node, request.channelId);
      return Promise.resolve({ type: 'ok' });
    case 'channels':
      return Promise.resolve({ type: 'channels', counts: calls.counts() });
    case 'warnings':
      return Promise.resolve({ type: 'warnings', first: warnings.first, count: warnings.count });
  }
}

/** Probes and links first, the simulators last (the reverse of how they started). */
async function stopAll(): Promise<void> {
  for (let stop = stops.pop(); stop; stop = stops.pop()) await stop();
}

const sendEvent = serveHost<SimRequest, SimReply, SimEvent>({ handle, stop: stopAll });
