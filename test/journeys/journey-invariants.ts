/**
 * What must hold once a journey is over and everything is hung up — what a citizen, an agent or a
 * supervisor would notice otherwise. Each check returns the violations it found, in words.
 */
import { eq, inArray } from 'drizzle-orm';
import { calls, missedCalls, tickets } from '../../store/index.js';
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

/** The messages that end a call for a desk: the ring is over, the call is over, or the agent handed it on. */
function endsTheCallForTheDesk(type: string, left: unknown): boolean {
  return type === 'call.ended' || type === 'call.offer.withdrawn' || type === 'call.transferred' || (type === 'call.conference.ended' && left === 'agent');
}

/** Every call a desk was offered or answered, it was told the end of (its last word on the call ends it). */
export function desksToldTheEnd(world: JourneyWorld): string[] {
  const out: string[] = [];
  AGENT_LOGINS.forEach((login, i) => {
    const messages = world.received(i as AgentIndex).filter((m) => typeof m.callId === 'string' && m.type.startsWith('call.'));
    const callIds = new Set(messages.filter((m) => m.type === 'call.offered' || m.type === 'call.answered').map((m) => String(m.callId)));
    for (const callId of callIds) {
      const last = messages.filter((m) => m.callId === callId).at(-1);
      if (!last || !endsTheCallForTheDesk(last.type, last.left)) {
        const seq = messages.filter((m) => m.callId === callId).map((m) => m.type + (typeof m.left === 'string' ? `(${m.left})` : ''));
        out.push(`${login}: last word on ${callId} is ${last?.type ?? 'nothing'} [${seq.join(', ')}]`);
      }
    }
  });
  return out;
}
