/**
 * The world random journeys run in: the real server against the PBX simulator, three agent desks
 * (1001–1003, phones answering only when a step picks them up), and what a journey did — the calls
 * placed, the commands sent with the `allowed` list the desk showed at the time, the domain events.
 *
 * Every step is applied and then the world is let settle (nothing changes for a while and no call
 * is still arriving), so a journey is the same sequence of situations each time it runs: a failure
 * replays, and shrinks.
 */
import type { DomainEvent } from '../../cti/events/domain-events.js';
import { AgentDesktop, type WireMessage } from '../support/agent-desktop.js';
import { hangUpEverything, type Harness } from '../support/harness.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';
import { AGENT_LOGINS, type AgentIndex, type CallCommand, type Step } from './journey-steps.js';
import type { TimeWarp } from './time-warp.js';

export interface PlacedCall {
  callId: string;
  callerNumber: string;
  dialled: string;
}

export interface SentCommand {
  login: string;
  type: string;
  callId: string | null;
  /** The desk's `allowed` list when the command left (the buttons it showed). */
  allowed: readonly string[];
  reply: WireMessage | null;
  step: string;
}

export interface SimChannel {
  id: string;
  name: string;
  state: string;
  bridgeId: string | null;
}

export interface SimBridge {
  id: string;
  channelIds: string[];
  name: string;
}

/** The call-lifecycle messages a desk follows a call by. */
const CALL_MESSAGES = new Set([
  'call.offered',
  'call.offer.withdrawn',
  'call.answered',
  'call.held',
  'call.resumed',
  'call.transferred',
  'call.conference',
  'call.conference.ended',
  'call.consulting',
  'call.consult.answered',
  'call.consult.cancelled',
  'call.ended',
]);

export class JourneyWorld {
  readonly desks: AgentDesktop[] = [];
  readonly events: DomainEvent[] = [];
  /** Every call placed in this world, all journeys (numbers are never reused: one missed entry each). */
  readonly allPlaced: PlacedCall[] = [];
  placed: PlacedCall[] = [];
  commands: SentCommand[] = [];
  /** Where each desk's messages and the events of the current journey start. */
  deskFrom: number[] = [];
  eventsFrom = 0;
  trace: string[] = [];
  /** The timers that ran out because a step let time pass, by kind, over all journeys. */
  readonly ranOut = new Map<string, number>();
  private pending: Promise<unknown>[] = [];
  private callerSeq = 0;

  constructor(
    readonly h: Harness,
    /** Moves the clock on when a step lets time pass. */
    readonly warp: TimeWarp,
  ) {
    h.server.calls.bus.subscribe((e) => this.events.push(e));
  }

  async open(): Promise<void> {
    for (const login of AGENT_LOGINS) this.desks.push(await AgentDesktop.login(this.h.server.httpUrl, login));
  }

  close(): void {
    for (const d of this.desks) d.close();
  }

  /** A fresh journey: every phone answers only when told, every agent 示忙, bookkeeping from here. */
  async begin(): Promise<void> {
    // Whatever an earlier journey that failed left behind goes first.
    await hangUpEverything(this.h);
    for (const login of ['1001', '1002', '1003', '1004', '1005']) {
      await simRequest(this.h.sim.httpUrl, 'PUT', `/sim/endpoints/PJSIP/${login}`, { online: true, answer: 'manual' });
    }
    for (const desk of this.desks) {
      const answer = await desk.command('agent.notReady', { reason: '休息' });
      if (answer.ok !== true) throw new Error(`journey start: 示忙 refused: ${JSON.stringify(answer)}`);
    }
    await this.settle();
    this.placed = [];
    this.commands = [];
    this.trace = [];
    this.pending = [];
    this.deskFrom = this.desks.map((d) => d.received.length);
    this.eventsFrom = this.events.length;
  }

  /** The messages desk `i` received during this journey. */
  received(i: number): WireMessage[] {
    return (this.desks[i] as AgentDesktop).received.slice(this.deskFrom[i] ?? 0);
  }

  journeyEvents(): DomainEvent[] {
    return this.events.slice(this.eventsFrom);
  }

  agentId(i: AgentIndex): number {
    const agent = this.h.server.calls.agents.list().find((a) => a.login === AGENT_LOGINS[i]);
    if (!agent) throw new Error(`no agent ${AGENT_LOGINS[i]}`);
    return agent.agentId;
  }

  channels = async (): Promise<SimChannel[]> => (await simRequest<SimChannel[]>(this.h.sim.httpUrl, 'GET', '/sim/channels')).body;
  bridges = async (): Promise<SimBridge[]> => (await simRequest<SimBridge[]>(this.h.sim.httpUrl, 'GET', '/sim/bridges')).body;

  /**
   * The call the desk shows, as the agent desk page keeps it: the latest pop (`call.offered`) — the
   * page takes the other call messages for that call only, and its buttons act on it.
   */
  deskCall(i: AgentIndex): string | null {
    const last = this.received(i)
      .filter((m) => m.type === 'call.offered' && typeof m.callId === 'string')
      .at(-1);
    return last ? String(last.callId) : null;
  }

  /** The buttons the desk shows: the `allowed` of its latest message that carries one. */
  deskAllowed(i: AgentIndex): readonly string[] {
    const all = (this.desks[i] as AgentDesktop).received;
    for (let k = all.length - 1; k >= 0; k--) {
      const allowed = all[k]?.allowed;
      if (Array.isArray(allowed)) return allowed.map(String);
    }
    return [];
  }

  private agentsIn(states: readonly string[]): AgentIndex[] {
    const list = this.h.server.calls.agents.list();
    return ([0, 1, 2] as const).filter((i) => states.includes(list.find((a) => a.login === AGENT_LOGINS[i])?.state ?? ''));
  }

  /** The `who`-th of the agents a role fits, or any agent by `who` when none fits (a wrong moment). */
  private pick(fits: AgentIndex[], who: number): AgentIndex {
    return fits.length ? (fits[who % fits.length] as AgentIndex) : ((who % 3) as AgentIndex);
  }

  async apply(step: Step): Promise<void> {
    const sim = this.h.sim.httpUrl;
    switch (step.kind) {
      case 'dial': {
        this.callerSeq += 1;
        const callerNumber = `1380000${String(this.callerSeq).padStart(4, '0')}`;
        this.trace.push(`#${this.placed.length} ${callerNumber} dials ${step.dialled}`);
        const callId = await placeCall(sim, callerNumber, step.dialled);
        const call = { callId, callerNumber, dialled: step.dialled };
        this.placed.push(call);
        this.allPlaced.push(call);
        // Past the greeting (and 12333's notice): in line, or already ringing an agent.
        await waitFor(() => {
          const c = this.h.server.calls.call(callId);
          return c && c.state !== 'arriving' && c.state !== 'ivr';
        }, `${callerNumber} in line`);
        break;
      }
      case 'ready':
      case 'notReady': {
        const i = this.pick(this.agentsIn(step.kind === 'ready' ? ['not_ready', 'wrap_up'] : ['ready', 'wrap_up']), step.who);
        await this.send(i, step.kind === 'ready' ? 'agent.ready' : 'agent.notReady', step.kind === 'ready' ? {} : { reason: '休息' }, false);
        break;
      }
      case 'answer': {
        const ringing = (await this.channels()).filter((c) => c.state === 'Ringing' && /^PJSIP\/100[1-5]-/.test(c.name));
        const leg = ringing[step.who % Math.max(1, ringing.length)];
        if (!leg) {
          this.trace.push('(nobody rings to pick up)');
          break;
        }
        this.trace.push(`phone ${leg.name.slice(6, 10)} picks up`);
        await simRequest(sim, 'POST', `/sim/channels/${leg.id}/answer`);
        break;
      }
      case 'phoneHangup': {
        const phones = (await this.channels()).filter((c) => /^PJSIP\/100[1-5]-/.test(c.name));
        const leg = phones[step.who % Math.max(1, phones.length)];
        if (!leg) {
          this.trace.push('(no phone has a call to hang up)');
          break;
        }
        this.trace.push(`phone ${leg.name.slice(6, 10)} hangs up (${leg.state})`);
        await simRequest(sim, 'POST', `/sim/channels/${leg.id}/hangup`);
        break;
      }
      case 'callerHangup': {
        const up = new Set((await this.channels()).map((c) => c.id));
        const live = this.placed.filter((p) => up.has(p.callId));
        const call = live[step.who % Math.max(1, live.length)];
        if (!call) {
          this.trace.push('(no caller left to hang up)');
          break;
        }
        this.trace.push(`caller #${this.placed.indexOf(call)} hangs up`);
        await simRequest(sim, 'POST', `/sim/channels/${call.callId}/hangup`);
        break;
      }
      case 'command':
        await this.callCommand(this.pick(this.agentsIn(['on_call']), step.who), step.command);
        break;
      case 'stray':
        await this.callCommand(step.agent, step.command, 'stray ');
        break;
      case 'time': {
        const kind = step.until === 'ringTimeout' ? 'ring-timeout' : 'wrap-up';
        const due = this.warp.nextDue(kind);
        if (due === null) {
          this.trace.push(`(no ${step.until === 'ringTimeout' ? 'ring' : 'wrap-up'} to run out)`);
          break;
        }
        const from = this.h.clock.now().getTime();
        const index = this.trace.push(`time passes to the next ${step.until}`) - 1;
        const fired = await this.warp.advanceTo(due + 1, () => this.settle());
        for (const k of fired) this.ranOut.set(k, (this.ranOut.get(k) ?? 0) + 1);
        this.trace[index] = `time passes ${Math.round((due + 1 - from) / 1000)} s to the next ${step.until}: ${fired.join(', ')}`;
        break;
      }
      case 'extend':
        await this.send(this.pick(this.agentsIn(['wrap_up']), step.who), 'agent.wrapUp.extend', {}, false);
        break;
      case 'blind':
      case 'attended':
      case 'conference': {
        const i = this.pick(this.agentsIn(['on_call']), step.who);
        // Ready colleagues first: most transfers then go somewhere, and `to` 1 still often finds a busy one.
        const ready = this.agentsIn(['ready']);
        const others = ([0, 1, 2] as const).filter((j) => j !== i).sort((x, y) => Number(!ready.includes(x)) - Number(!ready.includes(y)));
        const to = step.to === 'skill' ? null : (others[step.to % others.length] as AgentIndex);
        if (to !== null && step.colleagueReady) await this.send(to, 'agent.ready', {}, false);
        const target = to === null ? { kind: 'skill', skill: 'general' } : { kind: 'agent', agentId: this.agentId(to) };
        const name = to === null ? 'skill general' : AGENT_LOGINS[to];
        if (step.kind === 'conference') {
          // Answered once the colleague joins or the attempt fails: the journey goes on meanwhile.
          this.pending.push(this.send(i, 'call.conference', { target }, true, `→ ${name}`));
        } else {
          await this.send(i, 'call.transfer', { target, mode: step.kind }, true, `${step.kind} → ${name}`);
        }
        if (to !== null && step.colleagueAnswers) {
          await this.settle();
          const leg = (await this.channels()).find((c) => c.state === 'Ringing' && c.name.startsWith(`PJSIP/${AGENT_LOGINS[to]}-`));
          if (leg) {
            this.trace.push(`phone ${AGENT_LOGINS[to]} picks up`);
            await simRequest(sim, 'POST', `/sim/channels/${leg.id}/answer`);
          }
        } else if (to !== null && step.ringsOut) {
          await this.settle();
          await this.ringOut(AGENT_LOGINS[to]);
        }
        if (step.kind !== 'blind' && step.then !== 'nothing') {
          await this.settle();
          await this.callCommand(i, step.then);
        }
        break;
      }
    }
    await this.settle();
    await this.catchUp();
  }

  /** Time passes until the phone of `login` no longer rings (each earlier ring times out on the way). */
  private async ringOut(login: string): Promise<void> {
    const rings = async () => (await this.channels()).some((c) => c.state === 'Ringing' && c.name.startsWith(`PJSIP/${login}-`));
    if (!(await rings())) return;
    const from = this.h.clock.now().getTime();
    const fired: string[] = [];
    for (let due = this.warp.nextDue('ring-timeout'); due !== null && (await rings()); due = this.warp.nextDue('ring-timeout')) {
      fired.push(...(await this.warp.advanceTo(due + 1, () => this.settle())));
    }
    for (const k of fired) this.ranOut.set(k, (this.ranOut.get(k) ?? 0) + 1);
    this.trace.push(`time passes ${Math.round((this.h.clock.now().getTime() - from) / 1000)} s until phone ${login} stops ringing: ${fired.join(', ')}`);
  }

  /**
   * The clock moves on with real time too, so a timer due shortly after a jump (a wrap-up that began
   * a moment after another) is due by the clock well before its real timer fires: it fires now.
   */
  async catchUp(): Promise<void> {
    const fired = await this.warp.advanceTo(this.h.clock.now().getTime(), () => this.settle());
    if (fired.length) this.trace.push(`(meanwhile: ${fired.join(', ')})`);
    for (const k of fired) this.ranOut.set(k, (this.ranOut.get(k) ?? 0) + 1);
  }

  private callCommand(i: AgentIndex, command: CallCommand, prefix = ''): Promise<void> {
    switch (command) {
      case 'hold':
        return this.send(i, 'call.hold', {}, true, prefix);
      case 'resume':
        return this.send(i, 'call.resume', {}, true, prefix);
      case 'complete':
        return this.send(i, 'call.transfer.complete', {}, true, prefix);
      case 'cancel':
        return this.send(i, 'call.transfer.cancel', {}, true, prefix);
      case 'deskHangup':
        return this.send(i, 'call.hangup', {}, true, prefix);
      case 'kickThird':
        return this.send(i, 'call.kick', { party: 'third' }, true, prefix);
      case 'kickAgent':
        return this.send(i, 'call.kick', { party: 'agent' }, true, prefix);
    }
  }

  /** Sends a command as the desk would, on the call it shows, noting the buttons it showed then. */
  private async send(i: AgentIndex, type: string, fields: Record<string, unknown>, onCall: boolean, note = ''): Promise<void> {
    const callId = onCall ? this.deskCall(i) : null;
    const line = `${AGENT_LOGINS[i]} ${note.startsWith('stray') ? note : ''}${type}${note && !note.startsWith('stray') ? ` ${note}` : ''}${callId ? ` on #${this.placed.findIndex((p) => p.callId === callId)}` : ''}`;
    if (onCall && callId === null) {
      this.trace.push(`(${line}: the desk never showed a call)`);
      return;
    }
    const sent: SentCommand = { login: AGENT_LOGINS[i], type, callId, allowed: this.deskAllowed(i), reply: null, step: line };
    this.commands.push(sent);
    const index = this.trace.push(line) - 1;
    sent.reply = await (this.desks[i] as AgentDesktop).command(type, onCall ? { callId, ...fields } : fields);
    this.trace[index] = `${line} → ${sent.reply.ok === true ? 'ok' : String(sent.reply.error)}`;
  }

  /** The commands still waiting for their answer (three-way calls), once the journey is over. */
  async drainPending(): Promise<void> {
    await Promise.all(this.pending);
    this.pending = [];
  }

  /** The world as it stands, for a failure message: agents, live calls, the PBX's channels. */
  async picture(): Promise<string> {
    const agents = this.h.server.calls.agents
      .list()
      .filter((a) => (AGENT_LOGINS as readonly string[]).includes(a.login))
      .map((a) => `${a.login} ${a.state}${a.callId ? ` on #${this.placed.findIndex((p) => p.callId === a.callId)}` : ''}`);
    const calls = this.h.server.calls.calls().map((c) => `#${this.placed.findIndex((p) => p.callId === c.callId)} ${c.state}`);
    const channels = (await this.channels()).map((c) => `${c.name} ${c.state}${c.bridgeId ? ' bridged' : ''}`);
    const desks = AGENT_LOGINS.map(
      (login, i) =>
        `${login} desk: ${this.received(i)
          .filter((m) => CALL_MESSAGES.has(m.type) || m.type === 'agent.state')
          .map((m) => (m.type === 'agent.state' ? String(m.state) : `${m.type} #${this.placed.findIndex((p) => p.callId === m.callId)}`))
          .join(', ')}`,
    );
    return `agents: ${agents.join(', ')}\ncalls: ${calls.join(', ') || 'none'}\nchannels: ${channels.join(', ') || 'none'}\n${desks.join('\n')}`;
  }

  /**
   * Waits until nothing moves: the calls, the agents, the simulator's channels and bridges, the
   * desks' messages and the events stay the same over several polls, and no call is still arriving.
   */
  async settle(): Promise<void> {
    let last = '';
    let same = 0;
    await waitFor(
      async () => {
        const calls = this.h.server.calls.calls();
        const now = JSON.stringify([
          calls.map((c) => [c.callId, c.state, c.agentId]),
          this.h.server.calls.agents.list().map((a) => [a.login, a.state, a.callId]),
          (await this.channels()).map((c) => [c.id, c.state, c.bridgeId]),
          (await this.bridges()).map((b) => [b.id, b.channelIds]),
          this.desks.map((d) => d.received.length),
          this.events.length,
        ]);
        same = now === last ? same + 1 : 0;
        last = now;
        return same >= 4 && calls.every((c) => c.state !== 'arriving' && c.state !== 'ivr');
      },
      'the world to settle',
      10_000,
    );
  }
}
