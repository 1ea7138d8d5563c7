/**
 * Who is logged in where, in which state, and whether their phone is registered. The ACD asks it for
 * availability; the agent desktop gateway (softphone-bridge) drives logins and ready/not-ready; the
 * call flow drives ringing/on-call/wrap-up. Every change is published as an `agent.state` event.
 */
import type { AgentAvailability } from '../../routing/acd.js';
import { withSeatSkills } from '../../routing/seat-skills.js';
import { isTicketLeftToAgent, listAgents, listExpertSeats, type Db } from '../../store/index.js';
import type { AgentState, DomainEventBus } from '../events/domain-events.js';
import { hasForbiddenChars } from '../forbidden-chars.js';
import type { Logger } from '../logging.js';
import { agentStateLabel } from '../state-labels.js';
import { nextAgentState, type AgentTrigger } from './agent-state.js';
import { SeatDuty } from './seat-duty.js';
import { readWorkingCalendar } from '../tickets/read-calendar.js';

export interface AgentInfo {
  agentId: number;
  login: string;
  name: string;
  /** Where the agent sits now (hot-desking), e.g. `PJSIP/1001`; null when logged out. */
  endpoint: string | null;
  state: AgentState;
  reason: string | null;
  since: number;
  skills: Map<number, number>;
  skillCodes: Map<string, number>;
  /** The call the agent is ringing for or talking on. */
  callId: string | null;
  /** Open desktop connections; with none, the agent is not offered calls (nobody would see the pop). */
  desktops: number;
  /** In 话后整理: when it ends (epoch ms), whether it was extended (once only), and the ticket of the call just ended. */
  wrapUpUntil: number | null;
  wrapUpExtended: boolean;
  wrapUpTicketId: number | null;
}

/** The 示忙 reason of an agent whose desktop went away (the desktop tells them on reconnecting). */
export const DESKTOP_GONE_REASON = '桌面连接断开';
/** The 示忙 reason of an agent whose wrap-up ended before they registered the call's ticket. */
export const TICKET_UNREGISTERED_REASON = '工单未登记';

export class AgentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AgentError';
  }
}

export class AgentRegistry {
  private readonly agents = new Map<number, AgentInfo>();
  /** The agents in state `ready`: the only ones a call may be offered to, kept so the ACD need not walk every account. */
  private readonly ready = new Set<number>();
  /**
   * `PJSIP/1001` → the Asterisk nodes it is registered on (normally one). Fed by each node's ARI
   * endpoint state and AMI contact/device state.
   */
  private readonly registered = new Map<string, Set<string>>();
  /** `PJSIP/1001` → on a call? Fed by AMI device state and ARI endpoints' channels. */
  private readonly inUse = new Map<string, Set<string>>();
  private readonly wrapUpTimers = new Map<number, NodeJS.Timeout>();
  /** Agents who logged out (退出登录) while their phone rang or they talked: signed out once that is over. */
  private readonly leaving = new Set<number>();
  private closed = false;
  private readonly changeListeners = new Set<() => void>();
  /** The ticket of a live call, for the wrap-up's registration check (wired by call handling). */
  private ticketOfCall: (callId: string) => number | null = () => null;
  /**
   * Stops the ring of `callId` on the agent's phone for an agent who logged out (wired by the call
   * layer, which this registry must not import): true once the ring is withdrawn, false when there is
   * none to stop (the phone was picked up already, or nothing is known of the ring).
   */
  private withdrawRing: (agentId: number, callId: string) => boolean = () => false;
  /** The skills agents' expert seats lend them while on duty: offered those callers too. */
  private readonly seatDuty: SeatDuty;

  constructor(
    private readonly db: Db,
    private readonly bus: DomainEventBus,
    private readonly log: Logger,
    /** How long 话后整理 lasts, read at each wrap-up (an admin may change it while the centre runs). */
    private readonly wrapUpMs: () => number,
    private readonly now: () => number = Date.now,
    /** Whether a wrap-up ends in 示忙 (工单未登记) while the call's ticket is not registered. */
    private readonly ticketCheck = false,
  ) {
    // A seat coming on duty gives a ready agent callers who may already wait.
    this.seatDuty = new SeatDuty(now, (agentIds) => {
      if (agentIds.some((id) => this.ready.has(id))) this.notify();
    }, log);
  }

  /** The reloads in order: a later one never lands before an earlier one. */
  private loading: Promise<void> = Promise.resolve();

  /**
   * Re-reads agents, skills, expert seats and the working-day calendar their duty windows may follow
   * (at start, and after an admin change); keeps sessions of agents that
   * still exist. Nothing is known about the agents until the first one has finished.
   */
  reload(): Promise<void> {
    const next = this.loading.catch(() => undefined).then(() => this.load());
    this.loading = next;
    return next;
  }

  private async load(): Promise<void> {
    const rows = (await listAgents(this.db)).filter((a) => a.role === 'agent' && a.enabled);
    const seats = await listExpertSeats(this.db);
    const calendar = await readWorkingCalendar(this.db);
    const seen = new Set<number>();
    // A ready agent given a skill a caller already waits for (their own, or their expert seat's) must
    // be offered that caller now, not at the next unrelated change (a hang-up, another agent going
    // ready): the queue re-runs the ACD.
    const offeredBefore = new Map([...this.ready].map((id) => [id, this.offerSkills(id)]));
    for (const row of rows) {
      seen.add(row.id);
      const existing = this.agents.get(row.id);
      const skills = new Map(row.skills.map((s) => [s.skillId, s.level]));
      const skillCodes = new Map(row.skills.map((s) => [s.code, s.level]));
      if (existing) Object.assign(existing, { login: row.login, name: row.name, skills, skillCodes });
      else
        this.agents.set(row.id, {
          agentId: row.id,
          login: row.login,
          name: row.name,
          endpoint: null,
          state: 'offline',
          reason: null,
          since: this.now(),
          skills,
          skillCodes,
          callId: null,
          desktops: 0,
          wrapUpUntil: null,
          wrapUpExtended: false,
          wrapUpTicketId: null,
        });
    }
    for (const agent of [...this.agents.values()]) {
      if (seen.has(agent.agentId)) continue;
      this.dismiss(agent);
      this.agents.delete(agent.agentId);
      this.ready.delete(agent.agentId);
    }
    this.seatDuty.setSeats(seats, calendar);
    if ([...offeredBefore].some(([id, before]) => this.ready.has(id) && !sameSkills(before, this.offerSkills(id)))) this.notify();
  }

  /** The skills the agent is offered callers for: their own and those their expert seats lend them now. */
  private offerSkills(agentId: number): ReadonlyMap<number, number> {
    return withSeatSkills(this.agents.get(agentId)?.skills ?? new Map(), this.seatDuty.lentTo(agentId));
  }

  /**
   * An account that is no longer an enabled agent (disabled, deleted, given another role — the admin
   * API ends its sessions, which closes its desktops) is signed out before it leaves the registry: a
   * ring is withdrawn (the caller goes on to the next agent), a wrap-up stops, and `offline` is
   * published, so the state history the KPIs read does not keep them 示闲 or 示忙 from then on. The
   * admin API refuses the change during a call; one that began meanwhile goes on without its agent.
   */
  private dismiss(agent: AgentInfo): void {
    this.leaving.delete(agent.agentId);
    this.clearWrapUp(agent.agentId);
    if (agent.state === 'offline') return;
    if (agent.state === 'ringing' && agent.callId !== null) this.withdrawRing(agent.agentId, agent.callId);
    if (!this.apply(agent, 'logout', null)) {
      // On a call (the state machine signs nobody out of one): offline all the same, the account is gone.
      this.log.warn({ agentId: agent.agentId, from: agent.state, callId: agent.callId }, 'agent account withdrawn during a call; signed out');
      Object.assign(agent, { state: 'offline', reason: null, callId: null, since: this.now(), wrapUpUntil: null, wrapUpTicketId: null });
      this.publishState(agent, agent.since);
    }
    this.log.info({ agentId: agent.agentId, endpoint: agent.endpoint }, 'agent account no longer an enabled agent; signed out of their phone');
    agent.endpoint = null;
  }

  get(agentId: number): AgentInfo | undefined {
    return this.agents.get(agentId);
  }

  byEndpoint(endpoint: string): AgentInfo | undefined {
    return [...this.agents.values()].find((a) => a.endpoint === endpoint);
  }

  list(): AgentInfo[] {
    return [...this.agents.values()];
  }

  setTicketLookup(lookup: (callId: string) => number | null): void {
    this.ticketOfCall = lookup;
  }

  /** The call layer's way to stop a ring (see `withdrawRing`): 退出登录 during a ring withdraws it. */
  setRingWithdrawal(withdraw: (agentId: number, callId: string) => boolean): void {
    this.withdrawRing = withdraw;
  }

  /** Called when something that may free an agent happens (the queue re-runs the ACD). */
  onAvailabilityChange(listener: () => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  /** What `node` says of the phone: registered there or not. Registered anywhere counts. */
  setPhoneRegistered(endpoint: string, registered: boolean, node = ''): void {
    const was = this.isPhoneRegistered(endpoint);
    if (!setMember(this.registered, endpoint, node, registered)) return;
    const now = this.isPhoneRegistered(endpoint);
    if (was !== now) this.log.info({ endpoint, registered: now, node }, 'phone registration changed');
    if (registered) this.notify();
  }

  /** What `node` says of the phone: on a call there or not. On a call anywhere counts. */
  setPhoneInUse(endpoint: string, inUse: boolean, node = ''): void {
    const was = this.isPhoneInUse(endpoint);
    if (!setMember(this.inUse, endpoint, node, inUse)) return;
    if (was === this.isPhoneInUse(endpoint)) return;
    this.log.debug({ endpoint, inUse, node }, 'phone use changed');
    // A phone that hangs up may be offered the next caller at once.
    if (!inUse) this.notify();
  }

  isPhoneInUse(endpoint: string | null): boolean {
    return endpoint !== null && (this.inUse.get(endpoint)?.size ?? 0) > 0;
  }

  isPhoneRegistered(endpoint: string | null): boolean {
    return endpoint !== null && (this.registered.get(endpoint)?.size ?? 0) > 0;
  }

  /** A node is lost: what it said of phones no longer holds (it tells again when it comes back). */
  forgetNode(node: string): void {
    for (const map of [this.registered, this.inUse]) {
      for (const [endpoint, nodes] of map) {
        nodes.delete(node);
        if (nodes.size === 0) map.delete(endpoint);
      }
    }
    this.log.info({ node }, "phones of a lost node taken as unregistered");
  }

  /** The node the phone is registered on ('' when nodes are not told apart), undefined when it is not registered. */
  phoneNode(endpoint: string | null): string | undefined {
    if (endpoint === null) return undefined;
    const [node] = this.registered.get(endpoint) ?? [];
    return node;
  }

  /** The ready agents, as the ACD weighs them (an agent in any other state cannot be offered a call). */
  availability(): AgentAvailability[] {
    const result: AgentAvailability[] = [];
    for (const id of this.ready) {
      const a = this.agents.get(id);
      if (!a) continue;
      result.push({
        agentId: a.agentId,
        state: a.state,
        phoneRegistered: this.isPhoneRegistered(a.endpoint),
        phoneBusy: this.isPhoneInUse(a.endpoint),
        idleSince: a.since,
        skills: withSeatSkills(a.skills, this.seatDuty.lentTo(a.agentId)),
        node: this.phoneNode(a.endpoint) || undefined,
      });
    }
    return result;
  }

  /**
   * The desktop gateway reports each connection opening and closing; `loggedOut` when the closing one's
   * session ended by 退出登录 (then the last desktop going signs the agent out: `signOff`).
   */
  desktopConnected(agentId: number, connected: boolean, loggedOut = false): void {
    const agent = this.agents.get(agentId);
    if (!agent) return;
    agent.desktops = Math.max(0, agent.desktops + (connected ? 1 : -1));
    // A desktop back (a new login) keeps the agent at their phone: a pending sign-out is off.
    if (connected) this.leaving.delete(agentId);
    if (agent.desktops > 0) return;
    if (loggedOut) this.signOff(agentId);
    else if (agent.state === 'ready') {
      this.apply(agent, 'not-ready', DESKTOP_GONE_REASON);
      this.log.info({ agentId }, 'agent desktop disconnected; set not ready');
    }
  }

  /**
   * 退出登录: the agent is signed out of their phone (offline, the phone free for someone else) once no
   * desktop of theirs is open — at once when idle, not ready or in wrap-up. A ring is withdrawn at once
   * (the caller goes on to the next agent rather than wait out the ring for someone who left, and the
   * handset cannot be picked up into a call with no desktop); an agent on a call keeps it (nobody takes
   * the phone from a citizen mid-sentence) and is signed out when it is over. Nothing while another
   * desktop of theirs is still open (that one keeps them signed in). Only an explicit logout does
   * this: a desktop that merely went away keeps its ring (`desktopConnected`).
   */
  signOff(agentId: number): void {
    const agent = this.agents.get(agentId);
    if (!agent || agent.state === 'offline' || agent.desktops > 0) return;
    this.leaving.add(agentId);
    this.leaveIfDue(agent);
  }

  /**
   * Signs out an agent who logged out, once no call holds them: a ring is withdrawn first; one that
   * cannot be (picked up at that very moment) holds them like a call until it is over.
   */
  private leaveIfDue(agent: AgentInfo): void {
    if (!this.leaving.has(agent.agentId) || agent.desktops > 0 || agent.state === 'on_call') return;
    if (agent.state === 'ringing' && (agent.callId === null || !this.withdrawRing(agent.agentId, agent.callId))) return;
    this.leaving.delete(agent.agentId);
    if (agent.state === 'offline' || !this.apply(agent, 'logout', null)) return;
    this.log.info({ agentId: agent.agentId, endpoint: agent.endpoint }, 'agent logged out; signed out of their phone');
    agent.endpoint = null;
  }

  login(agentId: number, endpoint: string): AgentInfo {
    const agent = this.require(agentId);
    const holder = this.byEndpoint(endpoint);
    if (holder && holder.agentId !== agentId) throw new AgentError(`分机 ${endpoint} 已被坐席 ${holder.login} 使用`);
    // An agent taken back on a call after a restart whose phone is not known yet (their leg crossed to
    // another node) is at the phone their desktop names.
    if (agent.state !== 'offline' && agent.endpoint !== null && agent.endpoint !== endpoint) throw new AgentError('坐席已在其他分机登录');
    agent.endpoint = endpoint;
    if (agent.state === 'offline') this.apply(agent, 'login', null);
    return agent;
  }

  logout(agentId: number): void {
    const agent = this.require(agentId);
    if (agent.state === 'offline') return;
    // A ring goes with the agent (one picked up at this very moment is a call: refused like one).
    if (agent.state === 'ringing' && (agent.callId === null || !this.withdrawRing(agentId, agent.callId))) throw new AgentError('通话中不能签出');
    if (!this.apply(agent, 'logout', null)) throw new AgentError('通话中不能签出');
    this.leaving.delete(agentId);
    agent.endpoint = null;
  }

  /** 示闲 / 示忙 from the desktop. */
  setReady(agentId: number): void {
    const agent = this.require(agentId);
    if (agent.state === 'ready') return;
    if (!this.apply(agent, 'ready', null)) throw new AgentError(`${agentStateLabel(agent.state)}时不能示闲`);
  }

  /** The reason shows on the wallboard: text with control or direction characters is refused. */
  setNotReady(agentId: number, reason: string): void {
    const agent = this.require(agentId);
    if (hasForbiddenChars(reason)) throw new AgentError('示忙原因不能包含控制字符或文字方向控制符');
    if (!this.apply(agent, 'not-ready', reason)) throw new AgentError(`${agentStateLabel(agent.state)}时不能示忙`);
  }

  /** 延长话后整理: once per wrap-up, by the configured wrap-up time. */
  extendWrapUp(agentId: number): void {
    const agent = this.require(agentId);
    if (agent.state !== 'wrap_up' || agent.wrapUpUntil === null) throw new AgentError('不在话后整理中');
    if (agent.wrapUpExtended) throw new AgentError('话后整理只能延长一次');
    agent.wrapUpExtended = true;
    agent.wrapUpUntil += this.wrapUpMs();
    this.armWrapUp(agent);
    this.log.info({ agentId }, 'wrap-up extended');
    this.publishState(agent, this.now());
  }

  /** Call-flow transitions; false when the agent was not in a state that allows it. */
  transition(agentId: number, trigger: AgentTrigger, callId: string | null, reason: string | null = null): boolean {
    const agent = this.agents.get(agentId);
    if (!agent) return false;
    const endedCall = agent.callId;
    const ok = this.apply(agent, trigger, reason, callId);
    if (ok && trigger === 'call-end') agent.wrapUpTicketId = endedCall ? this.ticketOfCall(endedCall) : null;
    if (ok && trigger === 'call-end') this.startWrapUp(agent);
    // An agent who logged out during the ring or the call is signed out now that it is over.
    if (ok) this.leaveIfDue(agent);
    return ok;
  }

  /**
   * After a server restart the agent's phone was found in `callId`'s bridge: they are on that call
   * (at `endpoint`) whatever the registry thought. False when someone else sits at that phone.
   */
  restoreOnCall(agentId: number, endpoint: string | null, callId: string): boolean {
    const agent = this.agents.get(agentId);
    if (!agent) return false;
    const holder = endpoint ? this.byEndpoint(endpoint) : undefined;
    if (holder && holder.agentId !== agentId) return false;
    if (agent.state === 'on_call' && agent.callId === callId) return true;
    const from = agent.state;
    if (from === 'wrap_up') this.clearWrapUp(agentId);
    if (agent.endpoint === null) agent.endpoint = endpoint;
    agent.state = 'on_call';
    this.ready.delete(agentId);
    agent.reason = null;
    agent.callId = callId;
    agent.since = this.now();
    this.log.info({ agentId, from, to: 'on_call', callId }, `agent ${from} -> restored -> on_call`);
    this.publishState(agent, agent.since);
    return true;
  }

  /** Frees an agent from a call whatever stage it reached: a ring is cancelled, a talk goes to wrap-up. */
  release(agentId: number): void {
    const agent = this.agents.get(agentId);
    if (agent?.state === 'ringing') this.transition(agentId, 'offer-cancelled', null);
    else if (agent?.state === 'on_call') this.transition(agentId, 'call-end', null);
  }

  private startWrapUp(agent: AgentInfo): void {
    this.armWrapUp(agent);
  }

  /** (Re)starts the wrap-up timer for the time left until `wrapUpUntil`. */
  private armWrapUp(agent: AgentInfo): void {
    this.clearWrapUp(agent.agentId);
    const left = Math.max(0, (agent.wrapUpUntil ?? this.now()) - this.now());
    const timer = setTimeout(() => {
      this.wrapUpTimers.delete(agent.agentId);
      if (agent.state !== 'wrap_up') return;
      // Back to ready only when someone is at the desktop to see the next pop, and the call's ticket
      // is registered; otherwise 示忙 with the reason, which the desktop shows as a reminder.
      if (agent.desktops === 0) this.apply(agent, 'not-ready', DESKTOP_GONE_REASON);
      else if (this.ticketCheck && agent.wrapUpTicketId !== null) this.endWrapUpIfRegistered(agent, agent.wrapUpTicketId, agent.wrapUpUntil);
      else this.apply(agent, 'wrap-up-end', null);
    }, left);
    this.wrapUpTimers.set(agent.agentId, timer);
  }

  /**
   * The end of a wrap-up whose call's ticket is read first: ready if registered (or handed to the
   * colleague who took the call over), 示忙 with the reminder if it still waits for this agent.
   */
  private endWrapUpIfRegistered(agent: AgentInfo, ticketId: number, wrapUpUntil: number | null): void {
    // Meanwhile the wrap-up may have ended, been extended or rearmed, or the registry closed: then that decides.
    const unchanged = () => !this.closed && agent.state === 'wrap_up' && agent.wrapUpUntil === wrapUpUntil && !this.wrapUpTimers.has(agent.agentId);
    isTicketLeftToAgent(this.db, ticketId, agent.agentId).then(
      (waiting) => {
        if (!unchanged()) return;
        if (agent.desktops === 0) this.apply(agent, 'not-ready', DESKTOP_GONE_REASON);
        else if (waiting) this.apply(agent, 'not-ready', TICKET_UNREGISTERED_REASON);
        else this.apply(agent, 'wrap-up-end', null);
      },
      (error: unknown) => {
        // Not known to be registered: the reminder, which the agent clears by going ready.
        this.log.error({ agentId: agent.agentId, ticketId, err: error }, 'could not read the wrap-up ticket');
        if (unchanged()) this.apply(agent, 'not-ready', TICKET_UNREGISTERED_REASON);
      },
    );
  }

  private clearWrapUp(agentId: number): void {
    const timer = this.wrapUpTimers.get(agentId);
    if (timer) clearTimeout(timer);
    this.wrapUpTimers.delete(agentId);
  }

  /**
   * `callId`, from a call-flow transition: the call the agent rings for or talks on from now (null:
   * none). Set before the change is announced: an agent made ready is offered the next caller at once,
   * inside `notify`, and that offer's call must not be overwritten once this transition returns.
   */
  private apply(agent: AgentInfo, trigger: AgentTrigger, reason: string | null, callId?: string | null): boolean {
    const from = agent.state;
    let to = nextAgentState(from, trigger);
    if (!to) {
      this.log.warn({ agentId: agent.agentId, from, trigger }, `agent refused ${from} -> ${trigger}`);
      return false;
    }
    // Nobody would see the next pop: an agent freed (a ring cancelled, a wrap-up over) while no desktop
    // of theirs is open is 示忙 (桌面连接断开) instead of ready, whichever way they were freed.
    if (to === 'ready' && agent.desktops === 0) {
      to = 'not_ready';
      reason = DESKTOP_GONE_REASON;
    }
    if (from === 'wrap_up' && to !== 'wrap_up') this.clearWrapUp(agent.agentId);
    agent.state = to;
    if (to === 'ready') this.ready.add(agent.agentId);
    else this.ready.delete(agent.agentId);
    agent.reason = to === 'not_ready' ? reason : null;
    agent.since = this.now();
    if (callId !== undefined) agent.callId = callId;
    if (to !== 'ringing' && to !== 'on_call') agent.callId = null;
    if (to === 'wrap_up' && from !== 'wrap_up') {
      agent.wrapUpUntil = agent.since + this.wrapUpMs();
      agent.wrapUpExtended = false;
    } else if (to !== 'wrap_up') {
      agent.wrapUpUntil = null;
      agent.wrapUpTicketId = null;
    }
    this.log.info({ agentId: agent.agentId, from, trigger, to }, `agent ${from} -> ${trigger} -> ${to}`);
    this.publishState(agent, agent.since);
    if (to === 'ready') this.notify();
    return true;
  }

  private publishState(agent: AgentInfo, at: number): void {
    this.bus.publish({
      type: 'agent.state',
      at: new Date(at).toISOString(),
      agentId: agent.agentId,
      state: agent.state,
      reason: agent.reason,
      ...(agent.state === 'wrap_up' && agent.wrapUpUntil !== null ? { wrapUpUntil: new Date(agent.wrapUpUntil).toISOString(), wrapUpExtended: agent.wrapUpExtended } : {}),
      // On a call only from a ring for it (which named the call) or restored on it: the call is known.
      ...(agent.state === 'on_call' && agent.callId !== null ? { callId: agent.callId } : {}),
    });
  }

  private notify(): void {
    for (const listener of [...this.changeListeners]) listener();
  }

  private require(agentId: number): AgentInfo {
    const agent = this.agents.get(agentId);
    if (!agent) throw new AgentError(`坐席不存在: ${agentId}`);
    return agent;
  }

  close(): void {
    this.closed = true;
    this.seatDuty.close();
    for (const timer of this.wrapUpTimers.values()) clearTimeout(timer);
    this.wrapUpTimers.clear();
  }
}

/** The same skills at the same levels. */
function sameSkills(a: ReadonlyMap<number, number>, b: ReadonlyMap<number, number>): boolean {
  return a.size === b.size && [...a].every(([skillId, level]) => b.get(skillId) === level);
}

/** Adds or removes `member` in the key's set; true when that changed anything. */
function setMember(map: Map<string, Set<string>>, key: string, member: string, present: boolean): boolean {
  const set = map.get(key);
  if (present) {
    if (set?.has(member)) return false;
    if (set) set.add(member);
    else map.set(key, new Set([member]));
    return true;
  }
  if (!set?.has(member)) return false;
  set.delete(member);
  if (set.size === 0) map.delete(key);
  return true;
}
