/**
 * A sub-centre's transfer mode (分中心 转接方式, DESIGN.md §3), set by the admin on its route, decides how
 * an agent may hand a caller to it: `three-way` (三方) only by a three-way call, the 12345 agent staying
 * on the line to introduce the case; `blind` (盲转, also a route with no mode) only by 转接 — blind, or
 * attended, since the caller still ends up with the sub-centre alone. The wrong command is refused with
 * a reason before anything rings, and an admin's change applies to the very next command.
 *
 * Commands come from a real agent desktop over WebSocket; the sub-centre answers on the simulator's trunk.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AriRequestRecord } from '../pbx-sim/ari/server.js';
import { client, login } from '../admin-api/admin-client.js';
import { AgentDesktop } from '../support/agent-desktop.js';
import { registerPhones, useHarness } from '../support/harness.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';

/** The seeded sub-centre: its number, its name as agents read it, the dial string it is rung on. */
const SUBCENTRE = { number: '12366', name: '12366 税务分中心', dial: 'PJSIP/12366@trunk' } as const;
const NEEDS_THREE_WAY = `分中心「${SUBCENTRE.name}」要求三方通话转接，请使用三方通话`;
const NEEDS_TRANSFER = `分中心「${SUBCENTRE.name}」要求直接转接，请使用转接`;
const target = { kind: 'subcentre', number: SUBCENTRE.number } as const;

/** The endpoints the server asked the PBX to ring (`POST /channels?endpoint=…`). */
const dialled: string[] = [];
const h = useHarness(
  { ringTimeoutSeconds: 5 },
  {
    onAriRequest: (request: AriRequestRecord) => {
      const endpoint = request.query.find(([name]) => name === 'endpoint')?.[1];
      if (request.method === 'POST' && request.path === '/channels' && endpoint) dialled.push(endpoint);
    },
  },
);
const desks: AgentDesktop[] = [];
let admin: ReturnType<typeof client>;

interface SimChannel {
  id: string;
  name: string;
  bridgeId: string | null;
}

beforeAll(async () => {
  await registerPhones(h.sim);
  await simRequest(h.sim.httpUrl, 'PUT', '/sim/endpoints/PJSIP/trunk', { online: true, answer: 'auto', answerDelayMs: 50 });
  admin = client(h.server.httpUrl, await login(h.server.httpUrl, 'admin'));
});
afterEach(() => {
  while (desks.length) desks.pop()?.close();
});
afterAll(async () => {
  await waitFor(() => h.server.calls.calls().length === 0, 'all calls over');
});

/** The admin sets the sub-centre route's transfer mode through the admin API. */
async function setMode(transferMode: 'blind' | 'three-way' | null): Promise<void> {
  const route = (await admin<{ id: number; number: string }[]>('GET', '/api/v1/routes')).body.find((r) => r.number === SUBCENTRE.number);
  expect((await admin('PATCH', `/api/v1/routes/${route?.id}`, { transferMode })).status).toBe(200);
}

/** An agent on a connected 12345 call. */
async function agentOnCall(loginName: string, caller: string): Promise<{ desk: AgentDesktop; id: string }> {
  const desk = await AgentDesktop.login(h.server.httpUrl, loginName);
  desks.push(desk);
  expect(await desk.command('agent.ready')).toMatchObject({ ok: true });
  const id = await placeCall(h.sim.httpUrl, caller, '12345');
  await desk.next('call.answered', (m) => m.callId === id);
  return { desk, id };
}

const timesRung = () => dialled.filter((d) => d === SUBCENTRE.dial).length;

/** Who shares the caller's bridge, other than the caller. */
async function partiesOf(callerId: string): Promise<string[]> {
  const channels = (await simRequest<SimChannel[]>(h.sim.httpUrl, 'GET', '/sim/channels')).body;
  const bridge = channels.find((c) => c.id === callerId)?.bridgeId ?? null;
  return channels.filter((c) => bridge !== null && c.bridgeId === bridge && c.id !== callerId).map((c) => c.name);
}

async function hangUp(id: string): Promise<void> {
  await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);
  await waitFor(() => !h.server.calls.call(id), 'the call over');
}

describe('sub-centre transfer mode', () => {
  it('three-way (三方): 转接, blind or attended, is refused before anything rings; 三方通话 rings the sub-centre', async () => {
    await setMode('three-way');
    const { desk, id } = await agentOnCall('1001', '13800008101');
    const before = timesRung();

    expect(await desk.command('call.transfer', { callId: id, target, mode: 'blind' })).toMatchObject({ ok: false, error: NEEDS_THREE_WAY });
    expect(await desk.command('call.transfer', { callId: id, target, mode: 'attended' })).toMatchObject({ ok: false, error: NEEDS_THREE_WAY });
    expect(timesRung()).toBe(before);
    // Nothing changed: the agent is still with the caller and may do it the right way.
    expect(h.server.calls.call(id)?.state).toBe('connected');
    expect(await partiesOf(id)).toEqual([expect.stringMatching(/^PJSIP\/1001-/)]);

    expect(await desk.command('call.conference', { callId: id, target })).toMatchObject({ ok: true });
    await desk.next('call.conference', (m) => m.callId === id);
    expect(timesRung()).toBe(before + 1);
    const parties = await partiesOf(id);
    expect(parties).toHaveLength(2);
    expect(parties.some((name) => name.startsWith('PJSIP/trunk'))).toBe(true);
    await hangUp(id);
  });

  it('blind (盲转): 三方通话 is refused before anything rings; 咨询转接 rings the sub-centre and hands the caller over', async () => {
    await setMode('blind');
    const { desk, id } = await agentOnCall('1002', '13800008102');
    const before = timesRung();

    expect(await desk.command('call.conference', { callId: id, target })).toMatchObject({ ok: false, error: NEEDS_TRANSFER });
    expect(timesRung()).toBe(before);
    expect(h.server.calls.call(id)?.state).toBe('connected');

    expect(await desk.command('call.transfer', { callId: id, target, mode: 'attended' })).toMatchObject({ ok: true });
    await waitFor(() => h.server.calls.call(id)?.state === 'consulting' && timesRung() === before + 1, 'the sub-centre rung for the consultation');
    const agentId = h.server.calls.agents.list().find((a) => a.login === '1002')?.agentId ?? 0;
    await waitFor(() => h.server.calls.control.allowed(agentId).includes('call.transfer.complete'), 'the sub-centre answered the consultation');
    expect(await desk.command('call.transfer.complete', { callId: id })).toMatchObject({ ok: true });
    await desk.next('call.transferred', (m) => m.callId === id);
    const parties = await waitFor(async () => {
      const p = await partiesOf(id);
      return p.length === 1 && p[0]?.startsWith('PJSIP/trunk') ? p : undefined;
    }, 'the caller with the sub-centre alone');
    expect(parties).toHaveLength(1);
    await hangUp(id);
  });

  it('an admin PATCH of the mode changes the outcome of the next command on the same call; no mode counts as blind', async () => {
    await setMode(null);
    const { desk, id } = await agentOnCall('1003', '13800008103');
    const before = timesRung();
    expect(await desk.command('call.conference', { callId: id, target })).toMatchObject({ ok: false, error: NEEDS_TRANSFER });

    await setMode('three-way');
    expect(await desk.command('call.transfer', { callId: id, target, mode: 'blind' })).toMatchObject({ ok: false, error: NEEDS_THREE_WAY });
    expect(timesRung()).toBe(before);
    expect(await desk.command('call.conference', { callId: id, target })).toMatchObject({ ok: true });
    await desk.next('call.conference', (m) => m.callId === id);
    expect(timesRung()).toBe(before + 1);
    await hangUp(id);

    await setMode('blind');
    desk.close();
    const next = await agentOnCall('1001', '13800008104');
    expect(await next.desk.command('call.transfer', { callId: next.id, target, mode: 'blind' })).toMatchObject({ ok: true });
    await waitFor(() => timesRung() === before + 2, 'the sub-centre rung for the blind transfer');
    await waitFor(async () => {
      const p = await partiesOf(next.id);
      return p.length === 1 && p[0]?.startsWith('PJSIP/trunk');
    }, 'the caller with the sub-centre');
    await hangUp(next.id);
  });
});
