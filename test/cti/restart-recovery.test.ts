/**
 * The server goes away (stopped without hanging anything up, as after kill -9) or loses only its ARI
 * socket, and comes back: Asterisk kept the callers in the Stasis application and the bridges, and the
 * server reconciles with it before taking new calls — queued callers keep their ticket and place,
 * bridged calls go on with their agent, callers who left meanwhile are closed, leftovers are cleaned up.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../main.js';
import { calls, findActiveRoute, listSkills, missedCalls, openDatabase, ticketEvents, tickets, updateRoute } from '../../store/index.js';
import { startPbxSim, type PbxSim } from '../pbx-sim/index.js';
import { AgentDesktop, type WireMessage } from '../support/agent-desktop.js';
import { diallingCitizen } from '../support/dialling-citizen.js';
import { registerPhones, type SimOptions } from '../support/harness.js';
import { HttpError } from '../pbx-sim/ari/http.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';
import { TestClock } from '../support/test-clock.js';
import { bootLogged, type Booted, type SimBridge, type SimChannel } from '../support/restart-world.js';
import { testDatabaseLocation } from '../support/test-database.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

async function world(options: Pick<SimOptions, 'onAriAnswer'> = {}): Promise<{ sim: PbxSim; dbPath: string; clock: TestClock }> {
  // A long greeting keeps a caller in the greeting phase for as long as a test needs.
  const sim = await startPbxSim({ ...options, amiPort: 0, httpPort: 0, core: { soundDurations: { 'greeting-slow': 3600 } } });
  const dir = mkdtempSync(join(tmpdir(), 'cti-restart-'));
  const database = await testDatabaseLocation(join(dir, 'cti.db'));
  cleanups.push(async () => {
    await sim.stop();
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });
  return { sim, dbPath: database.location, clock: new TestClock() };
}

async function boot(sim: PbxSim, dbPath: string, clock: TestClock): Promise<Booted> {
  const booted = await bootLogged(sim, dbPath, clock);
  const { server } = booted;
  let closed = false;
  cleanups.push(async () => {
    if (!closed) await server.close();
  });
  const close = server.close.bind(server);
  server.close = async () => {
    closed = true;
    await close();
  };
  return booted;
}

/**
 * What the server logged about a call, its agents and anything at warn or above, one line each: a
 * timeout in a scenario that passes nearly always then says where the call stopped.
 */
function storyOf(lines: Record<string, unknown>[], callId: string): string {
  const start = Number(lines[0]?.['time'] ?? 0);
  const field = (value: unknown) => (typeof value === 'string' || typeof value === 'number' ? String(value) : '');
  return lines
    .filter((l) => l['callId'] === callId || l['agentId'] !== undefined || Number(l['level']) >= 40)
    .slice(-60)
    .map((l) => {
      const err = l['err'] as { message?: string } | string | undefined;
      const why = typeof err === 'string' ? err : (err?.message ?? '');
      return `+${Number(l['time']) - start}ms ${field(l['level'])} ${field(l['msg'])} ${field(l['callId'])} ${field(l['agentId'])} ${why}`.trimEnd();
    })
    .join('\n');
}

/** `waitFor`, whose timeout error carries the server's story of the call. */
async function waitForCall<T>(booted: Booted, callId: string, check: () => Promise<T | undefined | null | false>, what: string, timeoutMs: number): Promise<T> {
  try {
    return await waitFor(check, what, timeoutMs);
  } catch (error) {
    throw new Error(`${(error as Error).message}; the server's log of it:\n${storyOf(booted.lines, callId)}`, { cause: error });
  }
}

const rowOf = async (server: RunningServer, linkedId: string) => (await server.store.db.select().from(calls).where(eq(calls.linkedId, linkedId)).limit(1))[0];
const ticketOf = async (server: RunningServer, linkedId: string) => (await server.store.db.select().from(tickets).where(eq(tickets.callKey, linkedId)).limit(1))[0];
/** When the call's row has ended answered, its end time; otherwise false. */
const endedAnswered = async (server: RunningServer, linkedId: string) => {
  const row = await rowOf(server, linkedId);
  return row?.outcome === 'answered' && row.endedAt;
};
const simChannels = async (sim: PbxSim) => (await simRequest<SimChannel[]>(sim.httpUrl, 'GET', '/sim/channels')).body;
const simBridges = async (sim: PbxSim) => (await simRequest<SimBridge[]>(sim.httpUrl, 'GET', '/sim/bridges')).body;
/** Changes the main route's greeting the way the admin API does (the call path caches routes until a repository writes them). */
async function setMainPrompt(server: RunningServer, prompt: string | null): Promise<void> {
  const route = await findActiveRoute(server.store.db, '12345');
  if (!route) throw new Error('no 12345 route');
  await updateRoute(server.store.db, route.id, { prompt });
}
const hangupCaller = (sim: PbxSim, id: string) => simRequest(sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);

async function queuedCall(sim: PbxSim, server: RunningServer, from: string): Promise<string> {
  const id = await placeCall(sim.httpUrl, from, '12345');
  await waitFor(async () => (await rowOf(server, id))?.state === 'queued', `${from} queued`, 10_000);
  return id;
}

async function answeredCall(sim: PbxSim, server: RunningServer, desk: AgentDesktop, from: string): Promise<string> {
  await desk.command('agent.ready');
  const id = await placeCall(sim.httpUrl, from, '12345');
  await desk.next('call.answered', (m) => m.callId === id, 15_000);
  await waitFor(async () => (await rowOf(server, id))?.recording, 'the recording started');
  return id;
}

describe('restart recovery', () => {
  it('callers waiting in the queue are served after a restart under the same ticket, in their original order, with no extra rows', async () => {
    const { sim, dbPath, clock } = await world();
    await registerPhones(sim, ['1001']);
    const first = await boot(sim, dbPath, clock);
    const ids: string[] = [];
    for (const n of ['13600000001', '13600000002', '13600000003']) ids.push(await queuedCall(sim, first.server, n));
    const ticketsBefore: (string | undefined)[] = [];
    for (const id of ids) ticketsBefore.push((await ticketOf(first.server, id))?.number);
    const rowsBefore = (await first.server.store.db.select().from(calls)).length;
    await first.server.close();

    // Asterisk keeps them in the application (silent, in the holding bridge) while the server is away.
    const waiting = (await simChannels(sim)).filter((c) => ids.includes(c.id));
    expect(waiting.map((c) => c.stasisApp)).toEqual(['hotline12345', 'hotline12345', 'hotline12345']);

    const second = await boot(sim, dbPath, clock);
    expect(second.passes[0]).toMatchObject({ requeued: 3, closedAbandoned: 0 });
    expect(second.server.calls.calls().map((c) => [c.callId, c.state])).toEqual(ids.map((id) => [id, 'queued']));
    const general = (await listSkills(second.server.store.db)).find((s) => s.code === 'general');
    expect(second.server.calls.queue.waitingForSkill(general?.id ?? -1).map((m) => m.callId)).toEqual(ids);

    const desk = await AgentDesktop.login(second.server.httpUrl, '1001');
    await desk.command('agent.ready');
    const served: WireMessage[] = [];
    for (let i = 0; i < ids.length; i++) {
      const answered = await desk.next('call.answered', (m) => !served.includes(m), 15_000);
      served.push(answered);
      await desk.command('call.hangup', { callId: answered.callId });
      await desk.next('agent.state', (m) => m.state === 'ready' && desk.received.indexOf(m) > desk.received.indexOf(answered), 10_000);
    }
    expect(served.map((m) => m.callId)).toEqual(ids);
    const pops = desk.received.filter((m) => m.type === 'call.offered');
    expect(pops.map((m) => m.ticketNumber)).toEqual(ticketsBefore);
    expect(await second.server.store.db.select().from(calls)).toHaveLength(rowsBefore);
    expect(await second.server.store.db.select().from(tickets)).toHaveLength(rowsBefore);
    for (const id of ids) await waitFor(() => endedAnswered(second.server, id), `${id} ended answered`);
    desk.close();
    for (const id of ids) await hangupCaller(sim, id);
    // Three calls served one after another: more than the default 20 s on a busy 2-core machine.
  }, 40_000);

  it('a bridged call survives a restart: the desktop gets it back with its pop data, hold works, and the agent hangs it up', async () => {
    const { sim, dbPath, clock } = await world();
    await registerPhones(sim, ['1001']);
    const first = await boot(sim, dbPath, clock);
    const desk = await AgentDesktop.login(first.server.httpUrl, '1001');
    const id = await answeredCall(sim, first.server, desk, '13700000001');
    const ticket = await ticketOf(first.server, id);
    desk.close();
    await first.server.close();

    const second = await boot(sim, dbPath, clock);
    expect(second.passes[0]).toMatchObject({ reconnected: 1 });
    const call = second.server.calls.call(id);
    expect(call?.state).toBe('connected');
    const again = await AgentDesktop.login(second.server.httpUrl, '1001');
    const hello = await again.next('hello');
    expect(hello.agent).toMatchObject({ login: '1001', state: 'on_call' });
    expect(hello.call).toMatchObject({ callId: id, state: 'connected', ticketNumber: ticket?.number, callerNumber: '13700000001', hotline: ticket?.hotline });

    expect(await again.command('call.hold', { callId: id })).toMatchObject({ ok: true });
    expect(await again.command('call.resume', { callId: id })).toMatchObject({ ok: true });
    expect(await again.command('call.hangup', { callId: id })).toMatchObject({ ok: true });
    await waitFor(async () => (await rowOf(second.server, id))?.endedAt, 'the row ended');
    const ended = await rowOf(second.server, id);
    expect(ended).toMatchObject({ outcome: 'answered', recording: ended?.recording });
    // The caller stays for the survey; a key ends it.
    await simRequest(sim.httpUrl, 'POST', `/sim/channels/${id}/dtmf`, { digits: '1' });
    await waitFor(async () => !(await simChannels(sim)).some((c) => c.id === id), 'the caller released after the survey', 15_000);
    expect((await simBridges(sim)).filter((b) => b.name.startsWith('call-'))).toEqual([]);
    again.close();
  });

  it('a caller still in the application whose call was already closed (accounted for elsewhere) is released, not served again', async () => {
    const { sim, dbPath, clock } = await world();
    const first = await boot(sim, dbPath, clock);
    const id = await placeCall(sim.httpUrl, '13300000077', '12345');
    await waitFor(async () => (await rowOf(first.server, id))?.state === 'queued', 'the caller queued');
    await first.server.close();
    // Meanwhile the call was closed and put on the callback list (as when its node was taken as lost).
    const store = await openDatabase(dbPath, clock);
    await store.db.update(calls).set({ endedAt: clock.now().toISOString(), outcome: 'abandoned', state: 'ended' }).where(eq(calls.linkedId, id));
    await store.close();

    const second = await boot(sim, dbPath, clock);
    await waitFor(async () => (await simChannels(sim)).every((c) => c.id !== id), 'the caller released');
    expect(second.server.calls.call(id)).toBeUndefined();
    expect((await second.server.store.db.select().from(tickets)).filter((t) => t.callKey === id)).toHaveLength(1);
  });

  it('callers who hang up while the server is down are closed answered or abandoned, and the unanswered number is on the missed-call list once', async () => {
    const { sim, dbPath, clock } = await world();
    await registerPhones(sim, ['1001']);
    const first = await boot(sim, dbPath, clock);
    // The same citizen already gave up once while the server was up.
    const earlier = await queuedCall(sim, first.server, '13800000009');
    await hangupCaller(sim, earlier);
    await waitFor(async () => (await rowOf(first.server, earlier))?.outcome === 'abandoned', 'the earlier call abandoned');
    const desk = await AgentDesktop.login(first.server.httpUrl, '1001');
    const talking = await answeredCall(sim, first.server, desk, '13800000001');
    const waitingId = await queuedCall(sim, first.server, '13800000009');
    desk.close();
    await first.server.close();
    await hangupCaller(sim, talking);
    await hangupCaller(sim, waitingId);
    const agentLeg = (await simChannels(sim)).find((c) => c.name.startsWith('PJSIP/1001'));
    expect(agentLeg?.bridgeId).toBeTruthy();

    const second = await boot(sim, dbPath, clock);
    expect(second.passes[0]).toMatchObject({ closedAnswered: 1, closedAbandoned: 1 });
    expect(await rowOf(second.server, talking)).toMatchObject({ outcome: 'answered', state: 'ended' });
    expect(await rowOf(second.server, waitingId)).toMatchObject({ outcome: 'abandoned', state: 'ended' });
    const pending = await second.server.store.db.select().from(missedCalls).where(eq(missedCalls.status, 'pending'));
    expect(pending.map((m) => m.callerNumber)).toEqual(['13800000009']);
    // The agent's phone is not left up alone in the call's bridge with the recorder.
    await waitFor(async () => !(await simChannels(sim)).some((c) => c.id === agentLeg?.id), 'the leftover agent leg hung up');
    expect((await simBridges(sim)).filter((b) => b.name.startsWith('call-'))).toEqual([]);
    expect(second.server.calls.calls()).toEqual([]);
  });

  it('a restart during a consultation reconnects caller and agent; consult legs, snoops and leaked bridges are cleaned up', async () => {
    const { sim, dbPath, clock } = await world();
    await registerPhones(sim, ['1001', '1002', '1003']);
    const first = await boot(sim, dbPath, clock);
    const desk = await AgentDesktop.login(first.server.httpUrl, '1001');
    const colleague = await AgentDesktop.login(first.server.httpUrl, '1002');
    const colleagueId = ((await colleague.next('hello')).agent as { id: number }).id;
    const id = await answeredCall(sim, first.server, desk, '13900000001');
    await colleague.command('agent.ready');
    expect(await desk.command('call.transfer', { callId: id, target: { kind: 'agent', agentId: colleagueId }, mode: 'attended' })).toMatchObject({ ok: true });
    await waitFor(async () => (await simBridges(sim)).some((b) => b.name === `consult-${id}` && b.channelIds.length === 2), 'agent and colleague talking');
    // A leaked bridge and a snoop nobody holds any more.
    const leaked = await first.server.link.ari.createBridge('mixing', 'monitor-gone');
    const agentLeg = first.server.calls.call(id)?.agentLegId ?? '';
    await first.server.link.ari.snoop(agentLeg, 'snoop-leftover', 'both', 'none', ['snoop', id]);
    await waitFor(async () => (await simChannels(sim)).some((c) => c.id === 'snoop-leftover'), 'the snoop channel up');
    desk.close();
    colleague.close();
    await first.server.close();

    const second = await boot(sim, dbPath, clock);
    expect(second.passes[0]).toMatchObject({ reconnected: 1 });
    const call = second.server.calls.call(id);
    expect(call).toMatchObject({ state: 'connected', agentLegId: agentLeg });
    const channels = await simChannels(sim);
    const bridges = await simBridges(sim);
    const callBridge = bridges.find((b) => b.name === `call-${id}`);
    expect(callBridge?.channelIds.sort()).toEqual([id, agentLeg].sort());
    expect(channels.filter((c) => c.name.startsWith('PJSIP/1002') || c.id === 'snoop-leftover')).toEqual([]);
    expect(bridges.map((b) => b.id)).not.toContain(leaked.id);
    expect(bridges.filter((b) => b.name.startsWith('consult-'))).toEqual([]);
    expect(channels.find((c) => c.id === id)?.hearing ?? '').not.toMatch(/^moh:/);

    const again = await AgentDesktop.login(second.server.httpUrl, '1001');
    expect((await again.next('hello')).call).toMatchObject({ callId: id });
    expect(await again.command('call.hangup', { callId: id })).toMatchObject({ ok: true });
    await waitFor(() => endedAnswered(second.server, id), 'the row ended answered');
    again.close();
    await hangupCaller(sim, id);
  });

  it('a restart during a three-way call keeps caller and agent together and drops the third party', async () => {
    const { sim, dbPath, clock } = await world();
    await registerPhones(sim, ['1001']);
    await simRequest(sim.httpUrl, 'PUT', '/sim/endpoints/PJSIP/trunk', { online: true, answer: 'auto', answerDelayMs: 20 });
    const first = await boot(sim, dbPath, clock);
    const desk = await AgentDesktop.login(first.server.httpUrl, '1001');
    const id = await answeredCall(sim, first.server, desk, '13900000002');
    expect(await desk.command('call.conference', { callId: id, target: { kind: 'expert', expertSeatId: 2 } })).toMatchObject({ ok: true });
    await waitFor(async () => (await simBridges(sim)).find((b) => b.name === `call-${id}`)?.channelIds.length === 3, 'three parties in the bridge');
    const agentLeg = first.server.calls.call(id)?.agentLegId ?? '';
    const third = (await simBridges(sim)).find((b) => b.name === `call-${id}`)?.channelIds.find((c) => c !== id && c !== agentLeg);
    desk.close();
    await first.server.close();

    const second = await boot(sim, dbPath, clock);
    expect(second.passes[0]).toMatchObject({ reconnected: 1 });
    expect(second.server.calls.call(id)).toMatchObject({ state: 'connected', agentLegId: agentLeg });
    await waitFor(async () => !(await simChannels(sim)).some((c) => c.id === third), 'the third party hung up');
    expect((await simBridges(sim)).find((b) => b.name === `call-${id}`)?.channelIds.sort()).toEqual([id, agentLeg].sort());
    expect((await rowOf(second.server, id))?.state).toBe('connected');
    const again = await AgentDesktop.login(second.server.httpUrl, '1001');
    expect(await again.command('call.hangup', { callId: id })).toMatchObject({ ok: true });
    await waitFor(() => endedAnswered(second.server, id), 'the row ended answered');
    again.close();
    await hangupCaller(sim, id);
  });

  it('a failed check of a caller taken back is no proof that they left: the call is kept and served', async () => {
    // Asterisk answers the one check of this caller's channel with an error (not "not found").
    let failCheckOf: string | null = null;
    const { sim, dbPath, clock } = await world({
      onAriAnswer: (request) => {
        if (failCheckOf === null || request.method !== 'GET' || request.path !== `/channels/${failCheckOf}`) return;
        failCheckOf = null;
        throw new HttpError(500, 'Internal Server Error');
      },
    });
    await registerPhones(sim, ['1001']);
    const first = await boot(sim, dbPath, clock);
    const id = await queuedCall(sim, first.server, '13600000021');
    await first.server.close();

    failCheckOf = id;
    const second = await boot(sim, dbPath, clock);
    expect(failCheckOf).toBeNull();
    expect(second.passes[0]).toMatchObject({ requeued: 1, closedAbandoned: 0 });
    expect(await rowOf(second.server, id)).toMatchObject({ state: 'queued', endedAt: null });
    const desk = await AgentDesktop.login(second.server.httpUrl, '1001');
    await desk.command('agent.ready');
    await desk.next('call.answered', (m) => m.callId === id, 15_000);
    expect(await rowOf(second.server, id)).toMatchObject({ outcome: 'answered' });
    expect(await desk.command('call.hangup', { callId: id })).toMatchObject({ ok: true });
    desk.close();
    await hangupCaller(sim, id);
  });

  it('an agent who hangs up while the server takes the call back is noticed: the call ends, the agent is free', async () => {
    // The agent's leg is still up when Asterisk lists the channels and gone right after; its hang-up
    // event reaches a server that does not follow that leg yet.
    let hangUpAfterListing: string | null = null;
    const { sim, dbPath, clock } = await world({
      onAriAnswer: (request) => {
        if (hangUpAfterListing === null || request.method !== 'GET' || request.path !== '/channels') return;
        const leg = hangUpAfterListing;
        hangUpAfterListing = null;
        sim.core.hangup(leg);
      },
    });
    await registerPhones(sim, ['1001']);
    const first = await boot(sim, dbPath, clock);
    const desk = await AgentDesktop.login(first.server.httpUrl, '1001');
    const id = await answeredCall(sim, first.server, desk, '13600000041');
    desk.close();
    await first.server.close();
    const agentLeg = (await simChannels(sim)).find((c) => c.id.startsWith('agent-'));
    expect(agentLeg).toBeDefined();

    hangUpAfterListing = agentLeg?.id ?? null;
    const second = await boot(sim, dbPath, clock);
    expect(hangUpAfterListing).toBeNull();
    expect(second.passes[0]).toMatchObject({ reconnected: 1 });
    await waitFor(() => endedAnswered(second.server, id), 'the call ended as answered');
    const agent = () => second.server.calls.agents.list().find((a) => a.login === '1001');
    await waitFor(() => agent() !== undefined && agent()?.state !== 'on_call', 'the agent no longer on the call');
    await hangupCaller(sim, id);
  });

  it('a call that cannot be taken back does not stop the others from being taken back', async () => {
    // Asterisk refuses to make the bridge one answered call needs again (500); the queued caller behind it must not pay for it.
    let refuseBridge: string | null = null;
    const { sim, dbPath, clock } = await world({
      onAriAnswer: (request) => {
        if (refuseBridge === null || request.method !== 'POST' || request.path !== '/bridges') return;
        if (!request.query.some(([key, value]) => key === 'name' && value === refuseBridge)) return;
        refuseBridge = null;
        throw new HttpError(500, 'Internal Server Error');
      },
    });
    await registerPhones(sim, ['1001', '1002']);
    const first = await boot(sim, dbPath, clock);
    const desk = await AgentDesktop.login(first.server.httpUrl, '1001');
    const talking = await answeredCall(sim, first.server, desk, '13600000031');
    const waiting = await queuedCall(sim, first.server, '13600000032');
    desk.close();
    await first.server.close();
    // The call's bridge is gone when the server comes back (so it must make it again).
    const callBridge = (await simBridges(sim)).find((b) => b.name === `call-${talking}`);
    const auth = `Basic ${Buffer.from('cti:cti-secret').toString('base64')}`;
    expect((await fetch(`${sim.httpUrl}/ari/bridges/${callBridge?.id ?? ''}`, { method: 'DELETE', headers: { authorization: auth } })).status).toBe(204);

    refuseBridge = `call-${talking}`;
    const second = await boot(sim, dbPath, clock);
    expect(refuseBridge).toBeNull();
    expect(second.passes[0]).toMatchObject({ requeued: 1, failed: 1 });
    const other = await AgentDesktop.login(second.server.httpUrl, '1002');
    await other.command('agent.ready');
    await other.next('call.answered', (m) => m.callId === waiting, 15_000);
    expect(await other.command('call.hangup', { callId: waiting })).toMatchObject({ ok: true });
    other.close();
    for (const id of [talking, waiting]) await hangupCaller(sim, id);
  });

  it('calls arriving while the server dies: nobody is left in silence and no row stays in progress', async () => {
    const { sim, dbPath, clock } = await world();
    await registerPhones(sim, ['1001', '1002']);
    const first = await boot(sim, dbPath, clock);
    const before: string[] = [];
    for (let i = 0; i < 8; i++) before.push(await placeCall(sim.httpUrl, `1330000${String(i).padStart(4, '0')}`, '12345'));
    for (const id of before.slice(0, 4)) await waitFor(async () => (await rowOf(first.server, id))?.state === 'queued', 'the first callers queued', 10_000);
    // Some are still in the greeting, some already queued; one is put into a long greeting on purpose.
    await setMainPrompt(first.server, 'greeting-slow');
    const slowPlaybacks = new Map<string, string>();
    const stopWatching = sim.core.subscribe((event) => {
      if (event.type === 'playback.started') slowPlaybacks.set(event.playback.targetUri, event.playback.id);
    });
    const inGreeting = await placeCall(sim.httpUrl, '13300000099', '12345');
    await waitFor(async () => (await rowOf(first.server, inGreeting))?.state === 'arriving', 'a caller in the greeting');
    const slowPlayback = await waitFor(() => slowPlaybacks.get(`channel:${inGreeting}`), 'the caller hearing the long greeting');
    stopWatching();
    await setMainPrompt(first.server, null);
    await first.server.close();
    // While the server is away the application is not there: new calls never enter it.
    for (let i = 0; i < 3; i++) await placeCall(sim.httpUrl, `1340000${String(i).padStart(4, '0')}`, '12345').catch(() => undefined);
    await hangupCaller(sim, before[0] ?? '');

    const second = await boot(sim, dbPath, clock);
    const { server } = second;
    const open = (await server.store.db.select().from(calls)).filter((r) => r.endedAt === null);
    const live = new Map(server.calls.calls().map((c) => [c.callId, c]));
    expect(open.map((r) => r.linkedId).sort()).toEqual([...live.keys()].sort());
    const inApp = (await simChannels(sim)).filter((c) => c.stasisApp === 'hotline12345');
    expect(inApp.map((c) => c.id).sort()).toEqual([...live.keys()].sort());
    expect(await rowOf(server, before[0] ?? '')).toMatchObject({ outcome: 'abandoned', state: 'ended' });
    expect(live.get(inGreeting)?.state).toBe('arriving');
    // One ticket per call that reached the application, none opened twice.
    const ours = new Set([...before, inGreeting]);
    expect((await server.store.db.select().from(tickets)).filter((t) => t.callKey !== null && ours.has(t.callKey))).toHaveLength(9);

    expect([...live.values()].filter((c) => c.state === 'queued').length).toBeGreaterThanOrEqual(3);
    // The greeting taken up again is queued behind the prompt the first server started (as Asterisk
    // queues playbacks on a channel); here that prompt ends.
    const auth = `Basic ${Buffer.from('cti:cti-secret').toString('base64')}`;
    expect((await fetch(`${sim.httpUrl}/ari/playbacks/${slowPlayback}`, { method: 'DELETE', headers: { authorization: auth } })).status).toBe(204);

    // Everyone still there is served in the end.
    const desks = [await AgentDesktop.login(server.httpUrl, '1001'), await AgentDesktop.login(server.httpUrl, '1002')];
    const hangups = new Map<string, Promise<unknown>>();
    for (const d of desks) {
      d.onMessage = (m) => {
        if (m.type === 'call.answered') hangups.set(String(m.callId), d.command('call.hangup', { callId: m.callId }));
      };
      await d.command('agent.ready');
    }
    // The caller taken back in the greeting hears the (now ordinary) greeting again and queues too.
    for (const id of live.keys()) await waitForCall(second, id, async () => (await rowOf(server, id))?.outcome === 'answered', `${id} answered`, 30_000);
    // The row may say answered a moment before the desktop hears of it: each desk hangs up its call before it closes.
    for (const id of live.keys()) await (await waitFor(() => hangups.get(id), `${id} hung up by the agent`));
    for (const d of desks) d.close();
    for (const id of live.keys()) await hangupCaller(sim, id);
    // Two agents serve nine callers one after another, a second of wrap-up each time: on a loaded
    // machine this scenario takes longer than the suite's default allows.
  }, 60_000);

  it('a click-to-call still dialling when the ARI socket comes back is left to ring: the citizen answers and talks to the agent', async () => {
    const { sim, dbPath, clock } = await world();
    await registerPhones(sim, ['1001']);
    const booted = await boot(sim, dbPath, clock);
    const { server } = booted;
    const { desk, callId, reply } = await diallingCitizen(sim, server);
    const agentLeg = (await simChannels(sim)).find((c) => c.name.startsWith('PJSIP/1001'));
    const before = booted.passes.length;
    expect((await simRequest(sim.httpUrl, 'POST', '/sim/faults', { kind: 'drop-ari' })).status).toBe(202);
    await waitFor(() => booted.passes.length > before, 'a reconciliation after the reconnect', 15_000);
    expect(booted.passes.at(-1)).toMatchObject({ kept: 1, legsHungUp: 0, resumed: 0, closedAbandoned: 0, outboundEnded: 0 });
    // Both legs still up and ringing as they were, the row still in progress.
    const channels = await simChannels(sim);
    expect(channels.find((c) => c.id === agentLeg?.id)).toMatchObject({ state: 'Up' });
    expect(channels.find((c) => c.id === callId)).toMatchObject({ state: 'Ringing', hearing: null });
    expect(await rowOf(server, callId)).toMatchObject({ endedAt: null, direction: 'outbound' });

    expect((await simRequest(sim.httpUrl, 'POST', `/sim/channels/${callId}/answer`)).status).toBe(204);
    expect(await reply).toMatchObject({ ok: true });
    await desk.next('call.answered', (m) => m.callId === callId, 15_000);
    expect(server.calls.call(callId)?.state).toBe('connected');
    expect(await server.store.db.select().from(missedCalls)).toEqual([]);
    expect(await desk.command('call.hangup', { callId })).toMatchObject({ ok: true });
    await waitFor(async () => (await rowOf(server, callId))?.outcome === 'answered', 'the call ended answered');
    desk.close();
  });

  it('a click-to-call still dialling when the server restarts ends failed: both legs hung up, no missed call, the ticket says why', async () => {
    const { sim, dbPath, clock } = await world();
    await registerPhones(sim, ['1001']);
    const first = await boot(sim, dbPath, clock);
    const { desk, callId, reply } = await diallingCitizen(sim, first.server);
    // The server goes away before it answers the command: that answer never comes.
    void reply.catch(() => undefined);
    desk.close();
    await first.server.close();

    const second = await boot(sim, dbPath, clock);
    expect(second.passes[0]).toMatchObject({ outboundEnded: 1, resumed: 0, requeued: 0, closedAbandoned: 0, admitted: 0 });
    // Neither the citizen's phone nor the agent's keeps ringing or sits in silence.
    await waitFor(async () => (await simChannels(sim)).length === 0, 'no leg left');
    expect(await rowOf(second.server, callId)).toMatchObject({ state: 'ended', outcome: 'failed' });
    expect(await second.server.store.db.select().from(missedCalls)).toEqual([]);
    const ticket = await ticketOf(second.server, callId);
    const lines = await second.server.store.db.select().from(ticketEvents).where(eq(ticketEvents.ticketId, ticket?.id ?? -1));
    expect(lines.map((l) => [l.kind, l.note])).toContainEqual(['outbound-failed', '外呼未接通：系统重启，呼叫已中断']);
    expect(second.server.calls.calls()).toEqual([]);
  });

  it('a caller the dialplan serves on the survival path is left to it by the pass, and the import completes their row', async () => {
    const { sim, dbPath, clock } = await world();
    await registerPhones(sim, ['1001'], 'manual');
    // Asterisk's queue rings every agent phone: only 1001's is there.
    for (const phone of ['1002', '1003', '1004', '1005', '1006']) await simRequest(sim.httpUrl, 'PUT', `/sim/endpoints/PJSIP/${phone}`, { online: false });
    const first = await boot(sim, dbPath, clock);
    const id = await queuedCall(sim, first.server, '13300000088');
    await first.server.close();
    // The caller leaves the application for the survival path (as a caller handed over does) and
    // waits in Asterisk's own queue, phone 1001 ringing; their row is still open.
    const auth = `Basic ${Buffer.from('cti:cti-secret').toString('base64')}`;
    const moved = await fetch(`${sim.httpUrl}/ari/channels/${id}/continue?context=hotline-outage&extension=12345&priority=1`, { method: 'POST', headers: { authorization: auth } });
    expect(moved.status).toBe(204);
    await waitFor(async () => (await simChannels(sim)).find((c) => c.id === id)?.stasisApp === null, 'the caller out of the application');

    const second = await boot(sim, dbPath, clock);
    expect(second.passes[0]).toMatchObject({ outside: 1, requeued: 0, closedAbandoned: 0, failed: 0 });
    expect(second.server.calls.call(id)).toBeUndefined();
    // Served by Asterisk: 1001 answers, the caller hangs up, the import completes the same row.
    await waitFor(async () => (await simRequest(sim.httpUrl, 'POST', '/sim/endpoints/PJSIP/1001/answer')).status === 200, 'agent 1001 answering', 15_000);
    await waitFor(async () => (await simChannels(sim)).find((c) => c.id === id)?.bridgeId, 'caller bridged with the agent', 10_000);
    await hangupCaller(sim, id);
    await waitFor(async () => (await rowOf(second.server, id))?.duringOutage === true, 'the row completed by the import', 15_000);
    expect(await rowOf(second.server, id)).toMatchObject({ outcome: 'answered', state: 'ended' });
    expect((await second.server.store.db.select().from(calls)).filter((c) => c.linkedId === id)).toHaveLength(1);
  });

  it('a prompt that ends while the ARI socket is away does not keep the caller waiting', async () => {
    const { sim, dbPath, clock } = await world();
    const { server, passes } = await boot(sim, dbPath, clock);
    await setMainPrompt(server, 'greeting-slow');
    const started = new Map<string, string>();
    sim.core.subscribe((event) => {
      if (event.type === 'playback.started') started.set(event.playback.targetUri, event.playback.id);
    });
    const id = await placeCall(sim.httpUrl, '13200000001', '12345');
    const playbackId = await waitFor(() => started.get(`channel:${id}`), 'the greeting playing');
    const before = passes.length;
    expect((await simRequest(sim.httpUrl, 'POST', '/sim/faults', { kind: 'drop-ari' })).status).toBe(202);
    // The greeting ends (stopped through ARI) while the server has no event socket.
    const auth = `Basic ${Buffer.from('cti:cti-secret').toString('base64')}`;
    expect((await fetch(`${sim.httpUrl}/ari/playbacks/${playbackId}`, { method: 'DELETE', headers: { authorization: auth } })).status).toBe(204);
    await waitFor(() => passes.length > before, 'a reconciliation after the reconnect', 15_000);
    await waitFor(async () => (await rowOf(server, id))?.state === 'queued', 'the caller queued after the greeting', 15_000);
    await hangupCaller(sim, id);
  });

  it("an agent who answers while the ARI socket is away is not left ringing: the offer is taken back and made again", async () => {
    const { sim, dbPath, clock } = await world();
    await registerPhones(sim, ['1001'], 'manual');
    const { server, passes } = await boot(sim, dbPath, clock);
    const desk = await AgentDesktop.login(server.httpUrl, '1001');
    await desk.command('agent.ready');
    const id = await placeCall(sim.httpUrl, '13100000001', '12345');
    await desk.next('call.offered', (m) => m.callId === id);
    const before = passes.length;
    expect((await simRequest(sim.httpUrl, 'POST', '/sim/faults', { kind: 'drop-ari' })).status).toBe(202);
    expect((await simRequest(sim.httpUrl, 'POST', '/sim/endpoints/PJSIP/1001/answer')).status).toBe(200);
    await waitFor(() => passes.length > before, 'a reconciliation after the reconnect', 15_000);
    // Offered again: the phone rings a second time and this answer connects the call.
    await waitFor(async () => (await simRequest(sim.httpUrl, 'POST', '/sim/endpoints/PJSIP/1001/answer')).status === 200, 'the phone ringing again', 15_000);
    await desk.next('call.answered', (m) => m.callId === id, 15_000);
    expect(server.calls.call(id)?.state).toBe('connected');
    expect(await desk.command('call.hangup', { callId: id })).toMatchObject({ ok: true });
    desk.close();
    await hangupCaller(sim, id);
  });

  it('an ARI-only reconnect with calls in every phase changes nothing that should not change', async () => {
    const { sim, dbPath, clock } = await world();
    await registerPhones(sim, ['1001']);
    const booted = await boot(sim, dbPath, clock);
    const { server } = booted;
    // The main route's greeting is made very long so one caller stays in it.
    const talkDesk = await AgentDesktop.login(server.httpUrl, '1001');
    const talking = await answeredCall(sim, server, talkDesk, '13500000001');
    const queued = await queuedCall(sim, server, '13500000002');
    await setMainPrompt(server, 'greeting-slow');
    const greeting = await placeCall(sim.httpUrl, '13500000003', '12345');
    await waitFor(async () => (await simChannels(sim)).find((c) => c.id === greeting)?.hearing === 'sound:greeting-slow', 'caller in the greeting');
    const before = {
      rows: await server.store.db.select().from(calls),
      channels: (await simChannels(sim)).map((c) => [c.id, c.bridgeId]),
      bridges: (await simBridges(sim)).map((b) => [b.id, [...b.channelIds].sort()]),
      states: server.calls.calls().map((c) => [c.callId, c.state]),
    };
    expect(before.states).toEqual([
      [talking, 'connected'],
      [queued, 'queued'],
      [greeting, 'arriving'],
    ]);

    const passes = booted.passes.length;
    expect((await simRequest(sim.httpUrl, 'POST', '/sim/faults', { kind: 'drop-ari' })).status).toBe(202);
    await waitFor(() => booted.passes.length > passes, 'a reconciliation after the reconnect', 15_000);
    expect(booted.passes.at(-1)).toMatchObject({ kept: 3, requeued: 0, reconnected: 0, closedLive: 0, legsHungUp: 0, bridgesDestroyed: 0, firstPass: false });
    expect(server.calls.calls().map((c) => [c.callId, c.state])).toEqual(before.states);
    expect(await server.store.db.select().from(calls)).toEqual(before.rows);
    expect((await simChannels(sim)).map((c) => [c.id, c.bridgeId])).toEqual(before.channels);
    expect((await simBridges(sim)).map((b) => [b.id, [...b.channelIds].sort()])).toEqual(before.bridges);
    expect(server.calls.agents.list().find((a) => a.login === '1001')).toMatchObject({ state: 'on_call', callId: talking });

    // And everything goes on: the agent hangs up, the queued caller is served next.
    expect(await talkDesk.command('call.hangup', { callId: talking })).toMatchObject({ ok: true });
    await talkDesk.next('call.answered', (m) => m.callId === queued, 15_000);
    talkDesk.close();
    for (const id of [talking, queued, greeting]) await hangupCaller(sim, id);
  });
});
