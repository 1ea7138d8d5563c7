/**
 * What both fault matrices (one node and two) check first of every caller after a fault: exactly
 * one call row and one ticket, a caller gone from the PBX closed as answered or on the callback
 * list, a caller in a queue's holding bridge hearing music with the row saying so. What is left (a
 * caller talking, or anything unexpected) is the matrix's own to judge.
 */
import { expect } from 'vitest';
import { isQueueBridge } from './fault-matrix-end.js';
import type { FaultWorld, Seat, SimBridge, SimChannel } from './fault-world.js';

/** A caller's settled outcome, as the matrices print it: waiting, answered earlier, missed-call entry. */
export type BasicOutcome = 'W' | 'A' | 'M';

export interface CallerView {
  byId: ReadonlyMap<string, SimChannel>;
  bridgeOf: ReadonlyMap<string, SimBridge>;
  /** How a channel reads in a problem's line. */
  describe: (c: SimChannel) => string;
}

/** The caller's row, channel and bridge for the matrix to judge further; null when settled here. */
export interface CallerLeft {
  row: NonNullable<Awaited<ReturnType<FaultWorld['row']>>>;
  ch: SimChannel;
  bridge: SimBridge | undefined;
}

export async function checkCallerBasics(
  w: FaultWorld,
  id: string,
  view: CallerView,
  problems: string[],
  settle: (outcome: BasicOutcome) => void,
): Promise<CallerLeft | null> {
  const row = await w.row(id);
  if (!row) {
    problems.push(`${id}: no call row`);
    return null;
  }
  const rows = await w.rowsOf(row.callerNumber);
  if (rows.length !== 1) problems.push(`${row.callerNumber}: ${rows.length} call rows`);
  const ticketCount = (await w.ticketsOf(id)).length;
  if (ticketCount !== 1) problems.push(`${row.callerNumber}: ${ticketCount} tickets`);
  const ch = view.byId.get(id);
  if (!ch) {
    if (row.endedAt === null) {
      problems.push(`${row.callerNumber}: gone from the PBX but the row is still ${row.state}`);
      return null;
    }
    const pending = (await w.pendingMissed(row.callerNumber)).length;
    if (row.outcome === 'answered') settle('A');
    else if (row.outcome === 'abandoned' && pending === 1) settle('M');
    else problems.push(`${row.callerNumber}: gone, closed ${row.outcome ?? '?'} with ${pending} pending missed-call entries`);
    return null;
  }
  const bridge = view.bridgeOf.get(id);
  if (bridge && isQueueBridge(bridge)) {
    if (!bridge.hearing?.startsWith('moh:') || !ch.hears.some((h) => h.startsWith('moh:'))) problems.push(`${row.callerNumber}: in ${bridge.name} without music (${view.describe(ch)})`);
    else if (row.state !== 'queued' && row.state !== 'offered') problems.push(`${row.callerNumber}: waiting but the row says ${row.state}`);
    else settle('W');
    return null;
  }
  return { row, ch, bridge };
}

export const isAgentPhone = (c: SimChannel): boolean => /^PJSIP\/10\d\d-/.test(c.name);
export const phoneOf = (c: SimChannel): string | undefined => /^PJSIP\/(10\d\d)-/.exec(c.name)?.[1];

/**
 * Callers placed while the server was down, served by the dialplan's survival path: still in its
 * context (Asterisk's own queue), or talking to an agent's phone, which is then `servedPhones`'.
 */
export function checkOutageCallers(outage: readonly string[], view: CallerView, problems: string[], servedPhones: Set<string>): void {
  for (const id of outage) {
    const ch = view.byId.get(id);
    if (!ch) continue;
    if (ch.dialplan.context !== 'hotline-outage') problems.push(`outage caller ${ch.caller.number} is in ${ch.dialplan.context}`);
    const party = view.bridgeOf.get(id)?.channelIds.map((c) => view.byId.get(c)).find((c) => c && c.id !== id && isAgentPhone(c));
    if (party) servedPhones.add(phoneOf(party) ?? '?');
  }
}

/** Agents: ringing only with a ringing phone, on_call only with a caller talking to them, one call a phone. */
export function checkSeats(w: FaultWorld, channels: readonly SimChannel[], view: CallerView, servedPhones: ReadonlySet<string>, problems: string[]): void {
  for (const seat of w.seats.values()) {
    const state = seat.state();
    const phone = channels.filter((c) => phoneOf(c) === seat.login);
    if (state === 'ringing' && !phone.some((c) => c.state === 'Ringing')) problems.push(`agent ${seat.login} ringing with no ringing phone`);
    if (state === 'on_call' && !servedPhones.has(seat.login)) problems.push(`agent ${seat.login} on_call with no caller (${phone.map(view.describe).join('; ') || 'phone idle'})`);
    if (phone.filter((c) => c.state === 'Up').length > 1) problems.push(`agent ${seat.login}'s phone carries ${phone.length} calls at once`);
  }
}

/** What is on the PBX now (every node): its channels and bridges, and each channel's bridge. */
export async function pbxNow(w: FaultWorld): Promise<{ channels: SimChannel[]; bridges: SimBridge[]; byId: Map<string, SimChannel>; bridgeOf: Map<string, SimBridge> }> {
  const channels = await w.channels();
  const bridges = await w.bridges();
  const byId = new Map(channels.map((c) => [c.id, c]));
  const bridgeOf = new Map(bridges.flatMap((b) => b.channelIds.map((id) => [id, b] as const)));
  return { channels, bridges, byId, bridgeOf };
}

/** The seat whose agent answered the call. */
export const seatOf = (w: FaultWorld, callId: string): Seat | undefined => [...w.seats.values()].find((s) => s.answered().includes(callId));

/**
 * After the fault, the agent takes the call back to talking from the phase's step (must still work
 * from the desktop): resumes a held call, cancels a consultation, drops a three-way call's third party.
 */
export async function undoAgentStep(seat: Seat, state: string | undefined, callId: string): Promise<void> {
  if (state === 'held') expect(await seat.command('call.resume', { callId }), `resume ${callId}`).toMatchObject({ ok: true });
  if (state === 'consulting') expect(await seat.command('call.transfer.cancel', { callId }), `cancel the consultation of ${callId}`).toMatchObject({ ok: true });
  if (state === 'conference') expect(await seat.command('call.kick', { callId, party: 'third' }), `drop the third party of ${callId}`).toMatchObject({ ok: true });
}
