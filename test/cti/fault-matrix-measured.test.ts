/**
 * The fault matrix's measured scenario (the matrix itself: test/support/fault-matrix-one-node.ts):
 * 50 calls at a steady pace, 5 agents answering automatically, the server killed with kill -9 after
 * the 25th and started again. Every caller in the application at the kill is taken back, every call
 * placed while the server was down is imported, and every caller is answered in the end.
 */
import { describe, expect, it } from 'vitest';
import { listOpenCalls } from '../../store/index.js';
import { isQueueBridge } from '../support/fault-matrix-end.js';
import { isAgentPhone, phoneOf, SEATS, startWorld } from '../support/fault-matrix-one-node.js';
import type { SimChannel } from '../support/fault-world.js';
import { awaitServerBuild } from '../support/server-process.js';
import { placeCall, waitFor } from '../support/sim-client.js';

describe('measured: 50 calls at a steady pace, 5 agents, kill -9 after the 25th', () => {
  awaitServerBuild();
  const CALLS = 50;
  const KILL_AFTER = 25;
  const PACE_MS = 150;
  const TALK_MS = 1000;

  it('every caller in the application is taken back, the calls placed while the server was down are imported', { timeout: 150_000 }, async () => {
    const w = await startWorld();
    try {
      // Phone 1006 (a member of Asterisk's fallback queue) is nobody's seat here.
      await w.phone('1006', 'auto', false);
      for (const seat of w.seats.values()) expect(await seat.command('agent.ready')).toMatchObject({ ok: true });
      const numbers = Array.from({ length: CALLS }, (_, i) => `1890000${String(i).padStart(4, '0')}`);
      const ids: string[] = [];
      // The citizens: whoever is talking to an agent's phone hangs up after TALK_MS.
      const talkingSince = new Map<string, number>();
      const ours = new Set<string>();
      let talking = true;
      // A phone with a CTI leg (ringing or up) while it already carries another call: the CTI offered
      // a busy agent. (The simulator's Queue() rings members whatever `ringinuse` says, so the
      // survival path may put two calls on one phone; that is the simulator's limit, not counted.)
      const busyOffers: string[] = [];
      const citizens = (async () => {
        while (talking) {
          const channels = await w.channels();
          const byId = new Map(channels.map((c) => [c.id, c]));
          for (const login of SEATS) {
            const onPhone = channels.filter((c) => phoneOf(c) === login);
            const newest = onPhone.reduce<SimChannel | undefined>((a, c) => (!a || c.creationTime > a.creationTime ? c : a), undefined);
            if (onPhone.length > 1 && newest?.stasisApp === 'hotline12345') busyOffers.push(onPhone.map((c) => `${c.name} ${c.state} ${c.stasisApp ?? c.dialplan.context}`).join(' + '));
          }
          for (const id of ours) {
            const ch = byId.get(id);
            if (!ch) continue;
            const withAgent = ch.hears.some((h) => {
              const other = byId.get(h);
              return other !== undefined && isAgentPhone(other) && other.state === 'Up';
            });
            if (!withAgent) continue;
            const since = talkingSince.get(id) ?? performance.now();
            talkingSince.set(id, since);
            if (performance.now() - since >= TALK_MS) {
              ours.delete(id);
              await w.hangup(id);
            }
          }
          await new Promise((r) => setTimeout(r, 50));
        }
      })();

      let inAppAtKill: string[] = [];
      for (let i = 0; i < CALLS; i++) {
        if (i === KILL_AFTER) {
          await w.kill9();
          inAppAtKill = (await w.channels()).filter((c) => ours.has(c.id) && c.stasisApp === 'hotline12345').map((c) => c.id);
        }
        const id = await placeCall(w.sim.httpUrl, numbers[i] ?? '', '12345');
        ids.push(id);
        ours.add(id);
        await new Promise((r) => setTimeout(r, PACE_MS));
      }
      const outage = ids.slice(KILL_AFTER);
      await w.restart();
      // The agents press 示闲 again on their reconnected desktops.
      for (const seat of w.seats.values()) if (seat.state() === 'not_ready') expect(await seat.command('agent.ready')).toMatchObject({ ok: true });

      // Every caller is served in the end (and hangs up after talking), the ones taken back included.
      await waitFor(async () => (await w.channels()).length === 0, 'every caller served and gone', 90_000).catch(async () => {
        throw new Error(`still on the PBX: ${(await w.channels()).map((c) => `${c.name} ${c.state} ${c.dialplan.context}/${c.dialplan.app} ${c.stasisApp ?? ''}`).join('; ')}\n${w.logTail(40)}`);
      });
      talking = false;
      await citizens;
      await waitFor(() => w.sim.core.astdb.keys('cti-outage').length === 0, 'every survival-path call imported', 30_000);
      await waitFor(async () => (await listOpenCalls(w.db)).length === 0, 'no row in progress', 10_000);

      console.log(
        `measured: ${CALLS} calls, ${inAppAtKill.length} in the application at the kill, ${outage.length} while the server was down; ` +
          `answered ${await w.countRows(ids, (r) => r.outcome === 'answered')}, imported ${await w.countRows(outage, (r) => r.duringOutage)}, CTI offers to a busy phone ${busyOffers.length}`,
      );
      for (const [i, id] of ids.entries()) {
        const row = await w.row(id);
        expect(row, `row of call ${i + 1}`).toBeDefined();
        expect(await w.rowsOf(numbers[i] ?? ''), `rows of call ${i + 1}`).toHaveLength(1);
        expect(await w.ticketsOf(id), `tickets of call ${i + 1}`).toHaveLength(1);
        expect(row?.duringOutage, `call ${i + 1} flagged during the outage`).toBe(i >= KILL_AFTER);
        expect(row?.outcome, `call ${i + 1} answered`).toBe('answered');
      }
      // Those in the application when the server died were taken back: offered again and answered, under the same row.
      const desks = [...w.seats.values()].map((s) => s.desk);
      for (const id of inAppAtKill) {
        expect(desks.some((d) => d.received.some((m) => m.type === 'call.answered' && m.callId === id)), `${id} answered by an agent of the CTI`).toBe(true);
      }
      // No offer rang out: every offer after the restart was taken within the ring cycle (nobody went 未接).
      for (const seat of w.seats.values()) expect(seat.desk.received.filter((m) => m.type === 'agent.state' && m.reason === '未接')).toEqual([]);
      expect(busyOffers.slice(0, 3)).toEqual([]);
      expect((await w.bridges()).filter((b) => !isQueueBridge(b)).map((b) => b.name)).toEqual([]);
      await waitFor(() => [...w.seats.values()].every((s) => s.state() !== 'ringing' && s.state() !== 'on_call'), 'nobody ringing or on a call', 10_000);
    } finally {
      await w.stop();
    }
  });
});
