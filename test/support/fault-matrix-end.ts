/**
 * How every cell of both fault matrices (one node, several nodes) ends: everyone hangs up, and then
 * nothing may be left on any node — no channel, no bridge but the queues' holding bridges (one per
 * node and skill, kept for the next caller), no row in progress, nobody ringing or on a call — and the
 * ledger holds: one call row and one ticket per caller, the unanswered ones on the missed-call list
 * once, the callers of the survival path flagged as such.
 */
import { expect } from 'vitest';
import { listOpenCalls } from '../../store/index.js';
import type { FaultWorld, SimBridge, SimChannel } from './fault-world.js';
import { waitFor } from './sim-client.js';

/** The queue's holding bridge on a node (kept between callers). */
export const isQueueBridge = (b: SimBridge): boolean => b.bridgeType === 'holding' && b.name.startsWith('queue-');

export async function endAll(w: FaultWorld, callers: string[], outage: string[]): Promise<void> {
  for (const c of await w.channels()) if (callers.includes(c.id) || outage.includes(c.id)) await w.hangup(c.id);
  let left: SimChannel[] = [];
  await waitFor(async () => (left = await w.channels()).length === 0, 'every channel gone', 15_000).catch(() => {
    throw new Error(`channels left after the callers hung up: ${left.map((c) => `${c.node}:${c.name} ${c.state} ${c.bridgeId ?? ''}`).join('; ')}`);
  });
  await waitFor(async () => (await listOpenCalls(w.db)).length === 0, 'no row in progress', 10_000).catch(async () => {
    throw new Error(`rows in progress: ${JSON.stringify((await listOpenCalls(w.db)).map((r) => [r.callerNumber, r.state]))}`);
  });
  const bridges = await w.bridges();
  expect(bridges.filter((b) => !isQueueBridge(b)).map((b) => `${b.node}:${b.name} ${b.bridgeType} ${b.channelIds.length}`)).toEqual([]);
  const names = bridges.map((b) => `${b.node}:${b.name}`);
  expect(names.length).toBe(new Set(names).size);
  await waitFor(() => [...w.seats.values()].every((s) => s.state() !== 'ringing' && s.state() !== 'on_call'), 'nobody ringing or on a call', 10_000).catch(() => {
    throw new Error(`agents: ${[...w.seats.values()].map((s) => `${s.login} ${s.state() ?? '?'}`).join(', ')}`);
  });
  for (const id of [...callers, ...outage]) {
    const row = await w.row(id);
    expect(row, `call row of ${id}`).toBeDefined();
    if (!row) continue;
    expect(await w.rowsOf(row.callerNumber), `rows of ${row.callerNumber}`).toHaveLength(1);
    expect(await w.ticketsOf(id), `tickets of ${row.callerNumber}`).toHaveLength(1);
    expect(row.state).toBe('ended');
    expect(row.duringOutage).toBe(outage.includes(id));
    expect(await w.pendingMissed(row.callerNumber), `missed-call entries of ${row.callerNumber} (${row.outcome ?? '?'})`).toHaveLength(row.outcome === 'abandoned' ? 1 : 0);
  }
}
