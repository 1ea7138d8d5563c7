/**
 * `GET /ws/agent`: the agent desktop's live connection. The token (query `token=` or
 * `Authorization: Bearer`) is checked before the upgrade — no valid agent token, 401. On connect the
 * agent is logged in at their phone and gets `hello` (state and active call, so a reconnecting desktop
 * catches up); then every event about them and their calls; their commands are validated and answered.
 *
 * Every message about the agent carries `allowed`: the commands the server accepts now, by the same
 * rule that refuses the others (cti/calls/allowed-commands.ts), so the desktop's buttons follow it.
 */
import type {} from '@fastify/websocket';
import type { FastifyPluginAsync } from 'fastify';
import type { WebSocket } from 'ws';
import { DESKTOP_GONE_REASON } from '../../cti/agents/agent-registry.js';
import type { CallHandling } from '../../cti/call-handling.js';
import type { CallSummary, DomainEvent } from '../../cti/events/domain-events.js';
import type { SessionEnd, Sessions } from '../auth/sessions.js';
import { holdSession, socketSession } from '../auth/socket-session.js';
import { answer, readCommand } from '../ws-commands.js';
import { watchFrames } from '../ws-frames.js';
import type { SocketLimits } from '../ws-limits.js';
import { AgentCommand } from './messages.js';
import { DeskRegistry } from './desk-registry.js';
import { buildScreenPop } from './screen-pop.js';
import type { PastTicket } from '../../cti/calls/caller-history.js';
import type { IvrStep } from '../../ivr/interpreter.js';

/** The agent a domain event concerns (the one whose desktop gets it), or null when it goes to no desktop. */
function addresseeOf(event: DomainEvent): number | null {
  switch (event.type) {
    case 'agent.state':
    case 'call.offered':
    case 'call.answered':
    case 'call.held':
    case 'call.resumed':
    case 'call.offer.withdrawn':
    case 'call.ended':
    case 'call.conference':
    case 'call.consulting':
    case 'call.consult.answered':
    case 'call.consult.cancelled':
    case 'call.conference.ended':
      return event.agentId;
    case 'call.transferred':
      return event.fromAgentId;
    default:
      return null;
  }
}

/**
 * Session ends after which the agent is not coming back to this phone: 退出登录, a supervisor's
 * 强制签出, the account disabled, deleted or given another role. The last desktop closing for one of
 * them signs the agent out (offline), as 退出登录 does; any other (a blip, an expired login) leaves
 * them 示忙 (桌面连接断开) until a desktop is back.
 */
const SIGNS_OUT: ReadonlySet<SessionEnd> = new Set<SessionEnd>(['logout', 'forced-logout', 'disabled', 'deleted', 'role-changed']);

/** A call's summary as the desktop gets it: the kept history is the pop's, not a field of its own. */
function summaryOnWire(summary: CallSummary): Omit<CallSummary, 'history'> {
  const { history: _history, ...fields } = summary;
  return fields;
}

/** Each offer's pop, built once for the desk and for what `hello` gives back (the events are the keys). */
const popsOfOffers = new WeakMap<DomainEvent, object | Promise<object>>();

/** The screen-pop of a `call.offered` (built once per event), from the history kept with the call: at once when it was read. */
function screenPop(event: Extract<DomainEvent, { type: 'call.offered' }>): object | Promise<object> {
  const built = popsOfOffers.get(event);
  if (built) return built;
  const pop = buildPop(event);
  popsOfOffers.set(event, pop);
  return pop;
}

function buildPop(event: Extract<DomainEvent, { type: 'call.offered' }>): object | Promise<object> {
  const pop = (past: readonly PastTicket[]) => ({
    ...buildScreenPop(event.call, event.ivrSteps, event.waitedMs, past),
    ...(event.outbound ? { outbound: true, missedCallId: event.outbound.missedCallId } : {}),
  });
  const past = event.call.history.now;
  // Still being read (an agent free the moment the greeting ended): the pop waits for it, never goes without.
  return past ? pop(past) : event.call.history.ready.then(pop);
}

/** The wire form of a domain event for the desktop of the agent it concerns (without `allowed`). */
function wireForm(event: DomainEvent): object | null | Promise<object> {
  switch (event.type) {
    case 'agent.state':
      return {
        type: 'agent.state',
        state: event.state,
        reason: event.reason,
        at: event.at,
        ...(event.wrapUpUntil ? { wrapUpUntil: event.wrapUpUntil, wrapUpExtended: event.wrapUpExtended ?? false } : {}),
      };
    case 'call.offered':
      return screenPop(event);
    case 'call.answered':
    case 'call.held':
    case 'call.resumed':
      return { type: event.type, callId: event.call.callId, at: event.at };
    case 'call.offer.withdrawn':
      return { type: event.type, callId: event.call.callId, reason: event.reason, at: event.at };
    case 'call.ended':
      return { type: 'call.ended', callId: event.call.callId, outcome: event.outcome, at: event.at };
    case 'call.transferred':
      return { type: 'call.transferred', callId: event.call.callId, target: event.target, at: event.at, ...(event.agentHungUp ? { reason: 'agent-hung-up' } : event.lineLost ? { reason: 'line-lost' } : {}) };
    case 'call.consult.cancelled':
      return { type: event.type, callId: event.call.callId, target: event.target, at: event.at, ...(event.requeued ? { requeued: true } : {}), ...(event.reason ? { reason: event.reason } : {}), ...(event.why ? { why: event.why } : {}) };
    case 'call.consult.answered':
      return { type: event.type, callId: event.call.callId, target: event.target, at: event.at, ...(event.consulted ? { consulted: true } : {}) };
    case 'call.conference':
    case 'call.consulting':
      return { type: event.type, callId: event.call.callId, target: event.target, at: event.at };
    case 'call.conference.ended':
      return { type: event.type, callId: event.call.callId, left: event.left, at: event.at };
    default:
      return null;
  }
}

/**
 * What an agent's desk was shown of their latest call: the pop, their own answer, and whether they
 * are the colleague consulted in an attended transfer (咨询转接) who picked up (`call.consult.answered`
 * `consulted`; their talk time runs from that pick-up until the call is theirs, `call.answered`, or withdrawn).
 */
interface Shown {
  callId: string;
  pop: object | null;
  answeredAt: string | null;
  consulted?: boolean;
}

/**
 * The active call in `hello`, as this agent's desk had it from the events: a ring (a queue offer, a
 * colleague's transfer or three-way call) is `offered` with no talk time, the talk time runs from this
 * agent's own `call.answered` (not the first agent's, when the caller was handed on or went back in
 * line), 静音 is the call's own agent's only, and the pop's content comes back with it.
 */
function activeOnWire(
  call: {
    summary: CallSummary;
    state: string;
    answeredAtMs: number | null;
    ivrChoices: readonly IvrStep[];
    outbound: { missedCallId: number | null } | null;
    poppedWait: { agentId: number; waitedMs: number } | null;
  },
  agentId: number,
  ringing: boolean,
  own: boolean,
  muted: boolean,
  shown: Shown | undefined,
): object {
  const seen = shown?.callId === call.summary.callId ? shown : undefined;
  // Not shown in this server's life (it restarted and took the call over): the pop from what the call keeps.
  // (A history still being read is null, never an empty list: that would read 无历史来电.)
  const past = call.summary.history.now;
  // The citizen's wait as this agent's pop showed it before the restart (the ring they took; null when
  // that ring is not on record). A call the agent placed never waited (its pop said 0).
  const waitedMs = call.outbound ? 0 : call.poppedWait?.agentId === agentId ? call.poppedWait.waitedMs : null;
  const pop = seen?.pop ?? {
    ...buildScreenPop(call.summary, [...call.ivrChoices], waitedMs ?? 0, past ?? []),
    ...(waitedMs === null ? { waitedSeconds: null } : {}),
    ...(past ? {} : { history: null }),
    // 外呼 / 回拨: the labels of the pop as `call.offered` gave them (buildPop).
    ...(call.outbound ? { outbound: true, missedCallId: call.outbound.missedCallId } : {}),
  };
  const { type: _type, ...content } = pop as { type?: string };
  const firstAnswer = own && call.answeredAtMs !== null ? new Date(call.answeredAtMs).toISOString() : null;
  return {
    ...content,
    ...summaryOnWire(call.summary),
    state: ringing ? 'offered' : call.state,
    answeredAt: ringing ? null : (seen?.answeredAt ?? firstAnswer),
    muted: own && !ringing && muted,
    ...(seen?.consulted && !ringing ? { consulted: true } : {}),
  };
}

export const agentGateway: FastifyPluginAsync<{ calls: CallHandling; sessions: Sessions; limits: SocketLimits }> = (app, { calls, sessions, limits }) => {
  const desks = new DeskRegistry(
    calls.bus,
    addresseeOf,
    (event) => wireForm(event),
    // Read when the event is delivered: the agent's and the call's state after the change it reports.
    (agentId, message) => ({ ...message, allowed: calls.control.allowed(agentId) }),
    (error) => app.log.error({ err: error }, 'an event could not be sent to the agent desktop'),
  );
  // Per agent, what their desk was shown of their latest call, desk open or not: the pop and their own
  // answer. `hello` gives them back, so a desk that reconnects (a page reload) shows what it showed.
  const shown = new Map<number, Shown>();
  const unwatch = calls.bus.subscribe((event) => {
    if (event.type === 'call.offered') {
      const entry = { callId: event.call.callId, pop: null as object | null, answeredAt: null };
      shown.set(event.agentId, entry);
      void Promise.resolve(screenPop(event)).then(
        (pop) => (entry.pop = pop),
        () => undefined,
      );
    } else if (event.type === 'agent.state' && event.state === 'offline') {
      // Signed out: what their desk showed (a citizen's number and history) is not kept for nobody.
      shown.delete(event.agentId);
    } else if (event.type === 'call.answered') {
      const entry = shown.get(event.agentId);
      if (entry?.callId === event.call.callId) {
        // A consulted colleague the transfer was completed to: the caller is theirs from now, their talk time too.
        entry.answeredAt = event.at;
        entry.consulted = false;
      } else shown.set(event.agentId, { callId: event.call.callId, pop: null, answeredAt: event.at });
    } else if (event.type === 'call.consult.answered' && event.consulted) {
      const entry = shown.get(event.agentId);
      // The colleague consulted picked up (咨询转接): they talk with the agent, as their desk shows it.
      if (entry?.callId === event.call.callId) Object.assign(entry, { answeredAt: event.at, consulted: true });
      else shown.set(event.agentId, { callId: event.call.callId, pop: null, answeredAt: event.at, consulted: true });
    } else if (event.type === 'call.offer.withdrawn') {
      const entry = shown.get(event.agentId);
      if (entry?.callId === event.call.callId) entry.consulted = false;
    }
  });
  app.addHook('onClose', () => {
    unwatch();
    desks.close();
  });
  app.get(
    '/ws/agent',
    {
      websocket: true,
      preValidation: socketSession(sessions, (claims) => claims.role === 'agent' && claims.endpoint !== null, '请用坐席工号登录'),
    },
    (socket: WebSocket, request) => {
      const session = request.session;
      if (!session?.endpoint) {
        socket.close(4401, 'unauthorized');
        return;
      }
      const { agentId } = session;
      const admitted = limits.admit(socket, session.login, 'agent');
      if (!admitted) return;
      // Why the session ended, if it did while this socket was open: 退出登录 signs the agent out of the phone.
      let sessionEnd: SessionEnd | null = null;
      const live = holdSession(socket, session, sessions, app.log, (reason) => {
        sessionEnd = reason;
      });
      watchFrames(socket, session.login, 'agent', app.log);
      const send = (message: object) => {
        if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
      };
      try {
        calls.agents.login(agentId, session.endpoint);
      } catch (error) {
        send({ type: 'error', error: (error as Error).message });
        socket.close(4409, 'seat in use');
        return;
      }
      calls.agents.desktopConnected(agentId, true);
      const agent = calls.agents.get(agentId);
      // The call the agent's own state names, as `allowed` reads it: the one they talk on or their phone
      // rings for (the pop comes back too), whoever's the call is (a three-way call's or a transfer's
      // colleague; the first agent is named on the call until the colleague answers). Only an agent
      // ringing or on a call whose state names none yet is looked up on the calls; an agent in wrap-up
      // after a blind transfer gets no call (the one handed away rings the colleague). Never one that
      // ended while its caller still hears the survey.
      const going = calls.calls().filter((c) => !c.hasEnded);
      const named = agent?.callId ? going.find((c) => c.callId === agent.callId) : undefined;
      const engaged = agent?.state === 'ringing' || agent?.state === 'on_call';
      const active = named ?? (engaged && !agent.callId ? (going.find((c) => c.agentId === agentId) ?? going.find((c) => c.offeredTo === agentId)) : undefined);
      const situation = calls.control.situation(agentId);
      // No live call yet but a 外呼 ringing the citizen (the 挂断 `allowed` offers is for it): that call, as its pop showed it.
      const dialling = active ? undefined : calls.control.diallingCall(agentId);
      send({
        type: 'hello',
        // The server's now: the desktop reads the other instants relative to it (its own clock may differ).
        at: calls.context.clock.now().toISOString(),
        agent: agent && {
          id: agent.agentId,
          login: agent.login,
          name: agent.name,
          endpoint: agent.endpoint,
          state: agent.state,
          reason: agent.reason,
          since: new Date(agent.since).toISOString(),
          ...(agent.state === 'wrap_up' && agent.wrapUpUntil !== null ? { wrapUpUntil: new Date(agent.wrapUpUntil).toISOString(), wrapUpExtended: agent.wrapUpExtended } : {}),
        },
        call: active
          ? activeOnWire(active, agentId, agent?.state === 'ringing', active.agentId === agentId, situation.call?.muted ?? false, shown.get(agentId))
          : dialling
            ? { ...summaryOnWire(dialling.call), state: 'offered', answeredAt: null, muted: false, outbound: true, missedCallId: dialling.missedCallId }
            : null,
        allowed: calls.control.allowed(agentId),
        // The server set the agent 示忙 while their desktop was away: they are told, not left to notice.
        notice: agent?.state === 'not_ready' && agent.reason === DESKTOP_GONE_REASON ? '连接断开期间您已被置为示忙，请确认后示闲' : null,
      });
      const unsubscribe = desks.add(agentId, send);

      socket.on('message', (data: Buffer) => {
        if (!admitted.allow()) return;
        live(() => {
          const read = readCommand(AgentCommand, data);
          if ('refusal' in read) send(read.refusal);
          else {
            const running = run(read.command);
            // A command may change what is allowed before any event says so (a three-way call ringing,
            // 静音): the desktop gets the new list once the command has taken its first step, and again when it settles.
            setImmediate(sendAllowed);
            answer(
              read.command,
              running,
              (result) => {
                send(result);
                sendAllowed();
              },
              app.log.child({ account: session.login }),
            );
          }
        });
      });

      const sendAllowed = () => send({ type: 'allowed', allowed: calls.control.allowed(agentId) });

      const run = async (command: AgentCommand): Promise<void> => {
        // The same rule as `allowed`: a command the desktop could not offer is refused here.
        calls.control.check(agentId, command.type, 'callId' in command ? command.callId : undefined);
        switch (command.type) {
          case 'agent.ready':
            return calls.agents.setReady(agentId);
          case 'agent.notReady':
            return calls.agents.setNotReady(agentId, command.reason);
          case 'call.hangup':
            return calls.control.hangup(command.callId, agentId);
          case 'call.hold':
            return calls.control.hold(command.callId, agentId);
          case 'call.resume':
            return calls.control.resume(command.callId, agentId);
          case 'call.transfer':
            return calls.control.transfer(command.callId, agentId, command.target, command.mode);
          case 'call.dial':
            return calls.control.callBack(agentId, command.number, command.missedCallId);
          case 'agent.wrapUp.extend':
            return calls.agents.extendWrapUp(agentId);
          case 'call.mute':
            return calls.control.mute(command.callId, agentId, true);
          case 'call.unmute':
            return calls.control.mute(command.callId, agentId, false);
          case 'call.dtmf':
            return calls.control.dtmf(command.callId, agentId, command.digits);
          case 'call.transfer.complete':
            return calls.control.completeTransfer(command.callId, agentId);
          case 'call.transfer.cancel':
            return calls.control.cancelTransfer(command.callId, agentId);
          case 'call.conference':
            return calls.control.conference(command.callId, agentId, command.target);
          case 'call.kick':
            return calls.control.kick(command.callId, agentId, command.party);
        }
      };

      socket.on('close', () => {
        unsubscribe();
        // A desktop that is gone cannot show a pop: calls stop being offered until the agent is back.
        // Closed by 退出登录 (or an end like it, SIGNS_OUT) with no other desktop open: the agent is signed out of the phone too.
        calls.agents.desktopConnected(agentId, false, sessionEnd !== null && SIGNS_OUT.has(sessionEnd));
      });
    },
  );
  return Promise.resolve();
};
