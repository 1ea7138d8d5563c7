/**
 * What must hold once a journey is over and everything is hung up — what a citizen, an agent or a
 * supervisor would notice otherwise. Each check returns the violations it found, in words.
 */
import { eq, inArray } from 'drizzle-orm';
import { calls, missedCalls, tickets } from '../../store/index.js';
import type { WireMessage } from '../support/agent-desktop.js';
import type { JourneyWorld } from './journey-world.js';
import { AGENT_LOGINS, type AgentIndex } from './journey-steps.js';

/** After each step: a command the desk showed no button for was refused. */
export function refusedWhenNotAllowed(world: JourneyWorld): string[] {
  return world.commands
    .filter((c) => c.reply !== null && !c.allowed.includes(c.type) && c.reply.ok === true)
    .map((c) => `${c.login} sent ${c.type} (step "${c.step}") while its desk allowed [${c.allowed.join(', ')}], and it was accepted`);
}

/** After each step: each desk shows the agent's state as the server holds it, and no agent is on a call that is gone. */
export function desksMatchServer(world: JourneyWorld): string[] {
  const out: string[] = [];
  AGENT_LOGINS.forEach((login, i) => {
    const agent = world.h.server.calls.agents.list().find((a) => a.login === login);
    const desk = world.desks[i];
    if (!agent || !desk) return;
    const last = desk.received.filter((m) => m.type === 'agent.state' || m.type === 'hello').at(-1);
    const shown = last?.type === 'hello' ? (last.agent as { state?: string } | undefined)?.state : last?.state;
    if (shown !== agent.state) out.push(`${login}: desk shows ${String(shown)}, server has ${agent.state}`);
    if (agent.callId !== null && !world.h.server.calls.call(agent.callId)) out.push(`${login}: ${agent.state} on call ${agent.callId}, which no longer exists`);
    if ((agent.state === 'ringing' || agent.state === 'on_call') && agent.callId === null) out.push(`${login}: ${agent.state} with no call`);
    // The pop or call the desk shows is the one the agent rings for or talks on.
    const shownCall = world.deskCall(i as AgentIndex);
    if (agent.callId !== null && shownCall !== agent.callId) out.push(`${login}: ${agent.state} on call ${agent.callId}, desk shows ${String(shownCall)}`);
  });
  return out;
}

/** Once everything is hung up: nobody ringing or on a call, desks agreeing with the server. */
export function agentsFree(world: JourneyWorld): string[] {
  const out = desksMatchServer(world);
  for (const a of world.h.server.calls.agents.list().filter((x) => (AGENT_LOGINS as readonly string[]).includes(x.login))) {
    if (!['ready', 'not_ready', 'wrap_up'].includes(a.state)) out.push(`${a.login} left ${a.state}`);
    if (a.callId !== null) out.push(`${a.login} still holds call ${a.callId}`);
  }
  return out;
}

/** Once everything is hung up: no channel on the PBX, no bridge with anyone in it, no live call. */
export async function pbxEmpty(world: JourneyWorld): Promise<string[]> {
  const out: string[] = [];
  const channels = await world.channels();
  if (channels.length) out.push(`channels left on the PBX: ${channels.map((c) => `${c.name} (${c.state})`).join(', ')}`);
  for (const b of await world.bridges()) if (b.channelIds.length) out.push(`bridge ${b.id} (${b.name}) still holds ${b.channelIds.join(', ')}`);
  const live = world.h.server.calls.calls();
  if (live.length) out.push(`the server still holds calls ${live.map((c) => `${c.callId} (${c.state})`).join(', ')}`);
  return out;
}

/**
 * Every call placed: one row, ended, with an outcome that says whether an agent took it; one ticket;
 * a caller who was never served on the missed-call list, a served one not.
 */
export async function callsAccountedFor(world: JourneyWorld): Promise<string[]> {
  const out: string[] = [];
  const { db } = world.h.server.store;
  await world.h.server.calls.settle();
  const ids = world.placed.map((p) => p.callId);
  if (!ids.length) return out;
  const rows = await db.select().from(calls).where(inArray(calls.linkedId, ids));
  const ticketRows = await db.select().from(tickets).where(inArray(tickets.callKey, ids));
  const served = new Set(world.journeyEvents().flatMap((e) => (e.type === 'call.answered' ? [e.call.callId] : [])));
  for (const p of world.placed) {
    const mine = rows.filter((r) => r.linkedId === p.callId);
    const row = mine[0];
    if (mine.length !== 1 || !row) {
      out.push(`${p.callerNumber}: ${mine.length} call rows`);
      continue;
    }
    const ticketsOfCall = ticketRows.filter((t) => t.callKey === p.callId);
    if (ticketsOfCall.length !== 1) out.push(`${p.callerNumber}: ${ticketsOfCall.length} tickets`);
    if (row.state !== 'ended' || !row.endedAt) out.push(`${p.callerNumber}: call row ${row.state}, ended at ${String(row.endedAt)}`);
    const wasServed = served.has(p.callId);
    const expected = wasServed ? 'answered' : 'abandoned';
    if (row.outcome !== expected) out.push(`${p.callerNumber}: outcome ${row.outcome}, expected ${expected} (served: ${wasServed})`);
    const missed = await db.select().from(missedCalls).where(eq(missedCalls.callId, row.id));
    if (wasServed && missed.length) out.push(`${p.callerNumber}: served, yet on the missed-call list`);
    if (!wasServed && missed.length !== 1) out.push(`${p.callerNumber}: never served, ${missed.length} missed-call entries`);
  }
  return out;
}

/**
 * The messages that end a call for a desk: the ring is over, the call is over, the agent handed it on,
 * or a consultation the agent hung up on went unanswered and the caller went back in line (`requeued`).
 */
function endsTheCallForTheDesk(m: WireMessage): boolean {
  const { type } = m;
  return (
    type === 'call.ended' ||
    type === 'call.offer.withdrawn' ||
    type === 'call.transferred' ||
    (type === 'call.conference.ended' && m.left === 'agent') ||
    (type === 'call.consult.cancelled' && m.requeued === true)
  );
}

/** Every call a desk was offered or answered, it was told the end of (its last word on the call ends it). */
export function desksToldTheEnd(world: JourneyWorld): string[] {
  const out: string[] = [];
  AGENT_LOGINS.forEach((login, i) => {
    const messages = world.received(i as AgentIndex).filter((m) => typeof m.callId === 'string' && m.type.startsWith('call.'));
    const callIds = new Set(messages.filter((m) => m.type === 'call.offered' || m.type === 'call.answered').map((m) => String(m.callId)));
    for (const callId of callIds) {
      const last = messages.filter((m) => m.callId === callId).at(-1);
      if (!last || !endsTheCallForTheDesk(last)) {
        const seq = messages.filter((m) => m.callId === callId).map((m) => m.type + (typeof m.left === 'string' ? `(${m.left})` : ''));
        out.push(`${login}: last word on ${callId} is ${last?.type ?? 'nothing'} [${seq.join(', ')}]`);
      }
    }
  });
  return out;
}

/**
 * After each step: nobody is still in a wrap-up the clock has passed the end of, and each desk counts
 * down to the end (and shows the extension) the server has.
 */
export function wrapUpsOnTime(world: JourneyWorld): string[] {
  const out: string[] = [];
  const now = world.h.clock.now().getTime();
  AGENT_LOGINS.forEach((login, i) => {
    const agent = world.h.server.calls.agents.list().find((a) => a.login === login);
    if (!agent || agent.state !== 'wrap_up' || agent.wrapUpUntil === null) return;
    if (agent.wrapUpUntil <= now) out.push(`${login}: still in wrap-up ${now - agent.wrapUpUntil} ms after it was to end`);
    const last = world.desks[i]?.received.filter((m) => m.type === 'agent.state' || m.type === 'hello').at(-1);
    const shown = (last?.type === 'hello' ? (last.agent as Record<string, unknown> | undefined) : last) ?? {};
    const until = new Date(agent.wrapUpUntil).toISOString();
    if (shown.wrapUpUntil !== until || shown.wrapUpExtended !== agent.wrapUpExtended) {
      out.push(`${login}: desk counts down to ${String(shown.wrapUpUntil)} (extended ${String(shown.wrapUpExtended)}), server has ${until} (extended ${String(agent.wrapUpExtended)})`);
    }
  });
  return out;
}

/**
 * After each step: an agent shown ringing has a phone that rings (or is being rung), and a phone
 * that rings for an agent's call has its agent ringing (a ring that ran out let them go).
 */
export async function ringingMatchesPhones(world: JourneyWorld): Promise<string[]> {
  const out: string[] = [];
  const channels = await world.channels();
  for (const login of AGENT_LOGINS) {
    const agent = world.h.server.calls.agents.list().find((a) => a.login === login);
    if (!agent) continue;
    const phone = channels.filter((c) => c.name.startsWith(`PJSIP/${login}-`));
    const ringing = phone.filter((c) => c.state === 'Ringing' || c.state === 'Down');
    if (agent.state === 'ringing' && !ringing.length) out.push(`${login}: ringing, but the phone is ${phone.map((c) => c.state).join(', ') || 'idle'}`);
    if (agent.state !== 'ringing' && ringing.length) out.push(`${login}: ${agent.state}, yet the phone rings`);
  }
  return out;
}
