/**
 * ACD: which ready agent gets which waiting caller. A pure function of the waiting list and the agent
 * states, so it is tested without a PBX.
 *
 * - A caller waits for the route's skill; after `overflowAfterMs` the overflow skills also count.
 * - Among callers, higher priority first, then first come first served.
 * - Among agents with the skill who are ready and whose phone is registered and not on another call,
 *   one whose phone is on the caller's Asterisk node first (the call then stays on one node; an agent
 *   on another node is reached over the inter-node trunk), then the longest idle;
 *   a higher skill level breaks ties.
 */
export interface WaitingCaller {
  callId: string;
  skillId: number;
  overflowSkillIds: number[];
  /** The overflow wait in force (the queue updates it when an admin changes the setting), from `queuedAt`. */
  overflowAfterMs: number;
  priority: number;
  /** Epoch ms when the caller joined the queue. */
  queuedAt: number;
  /** The Asterisk node the caller's channel is on, when known. */
  node?: string;
}

export interface AgentAvailability {
  agentId: number;
  state: 'offline' | 'ready' | 'not_ready' | 'ringing' | 'on_call' | 'wrap_up';
  phoneRegistered: boolean;
  /**
   * The phone is on a call the server did not give it (taken through Asterisk's own queue while the
   * server was down, or dialled by hand): an offer would ring a busy phone.
   */
  phoneBusy: boolean;
  /** Epoch ms since which the agent has been ready. */
  idleSince: number;
  /** skillId → level (1–10). */
  skills: ReadonlyMap<number, number>;
  /** The Asterisk node the agent's phone is registered on, when known. */
  node?: string;
}

export interface Assignment {
  callId: string;
  agentId: number;
}

/** When the caller's overflow skills start to count: the one place that says so (the queue arms its timer by it). */
export function overflowDueAt(caller: WaitingCaller): number {
  return caller.queuedAt + caller.overflowAfterMs;
}

function eligibleSkills(caller: WaitingCaller, now: number): number[] {
  return now >= overflowDueAt(caller) ? [caller.skillId, ...caller.overflowSkillIds] : [caller.skillId];
}

/** Caller and agent on the same node (with nodes unknown, as with one node, every agent counts as near). */
function sameNode(caller: WaitingCaller, agent: AgentAvailability): boolean {
  return caller.node === undefined || agent.node === undefined || caller.node === agent.node;
}

function bestLevel(agent: AgentAvailability, skillIds: number[]): number {
  return Math.max(0, ...skillIds.map((s) => agent.skills.get(s) ?? 0));
}

/** Pairs waiting callers with free agents; each caller and each agent appears at most once. */
/** An agent who may be rung now: ready, with a registered phone that is not in use. */
export const isFreeAgent = (a: AgentAvailability): boolean => a.state === 'ready' && a.phoneRegistered && !a.phoneBusy;

export function assignCalls(callers: readonly WaitingCaller[], agents: readonly AgentAvailability[], now: number): Assignment[] {
  const free = agents.filter(isFreeAgent);
  if (free.length === 0 || callers.length === 0) return [];
  const order = [...callers].sort((a, b) => b.priority - a.priority || a.queuedAt - b.queuedAt || a.callId.localeCompare(b.callId));
  const taken = new Set<number>();
  const result: Assignment[] = [];
  for (const caller of order) {
    const skills = eligibleSkills(caller, now);
    let best: AgentAvailability | undefined;
    for (const agent of free) {
      if (taken.has(agent.agentId) || bestLevel(agent, skills) === 0) continue;
      const near = sameNode(caller, agent);
      const bestNear = best !== undefined && sameNode(caller, best);
      if (
        !best ||
        (near && !bestNear) ||
        (near === bestNear &&
          (agent.idleSince < best.idleSince || (agent.idleSince === best.idleSince && bestLevel(agent, skills) > bestLevel(best, skills))))
      ) {
        best = agent;
      }
    }
    if (best) {
      taken.add(best.agentId);
      result.push({ callId: caller.callId, agentId: best.agentId });
    }
  }
  return result;
}
