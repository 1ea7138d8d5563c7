/**
 * An expert seat (专家座席) of a parallel hotline whose duty window follows China's working-day calendar
 * (`calendar: 'workdays'`) rather than weekdays: its agent is offered the hotline's callers on an
 * adjusted working day (调休, Saturday 10 October 2026), not on a statutory holiday that falls on a
 * weekday (国庆节, Thursday 1 October 2026), nor on a day the admin declares a holiday. Agent 1002 (own
 * skill: general only) sits in the seat for 12315's skill; overflow is an hour away, so a caller the
 * seat does not bring to 1002 waits in line. The server re-checks the seat by itself on the test clock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, login, type ApiAnswer } from '../admin-api/admin-client.js';
import { OpenDesks, type AgentDesktop } from '../support/agent-desktop.js';
import { registerPhones, useHarness } from '../support/harness.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';
import { capturedLog } from '../support/test-logger.js';

const captured = capturedLog('info');
const h = useHarness({ queueOverflowSeconds: 3600 }, {}, captured.log);
const desks = new OpenDesks(() => h.server.httpUrl);
let admin: <T = unknown>(method: string, path: string, body?: unknown) => Promise<ApiAnswer<T>>;
let agentId = 0;
let desk: AgentDesktop;

const agent = () => h.server.calls.agents.get(agentId);
const offered = (id: string) => desk.received.some((m) => m.type === 'call.offered' && m.callId === id);

/** Whether the server has logged, since line `from`, the seat's skill gone (false) or given (true) to 1002. */
function seatChanged(from: number, onDuty: boolean): boolean {
  return captured.lines
    .slice(from)
    .map((line) => JSON.parse(line) as { msg: string; agentId?: number; skillIds?: number[] })
    .some((l) => l.msg === 'expert seat skills changed' && l.agentId === agentId && (l.skillIds?.length ?? 0) > 0 === onDuty);
}

/**
 * A 12315 caller who waits in line; the agent, ready, has not been offered them. Checked once the
 * caller is in the queue's line, which is when the queue pairs them with a free agent (an offer moves
 * the call and the agent on at once), so a seat wrongly on duty would have been offered the call.
 */
async function callerWaiting(number: string): Promise<string> {
  const id = await placeCall(h.sim.httpUrl, number, '12315');
  await waitFor(() => h.server.calls.queue.queuedAt(id) !== undefined, 'the 12315 caller in line');
  expect({ call: h.server.calls.call(id)?.state, agent: agent()?.state, offered: offered(id) }).toEqual({ call: 'queued', agent: 'ready', offered: false });
  return id;
}

async function hangUp(id: string): Promise<void> {
  await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);
  await waitFor(() => !h.server.calls.call(id), 'the call over');
}

beforeAll(async () => {
  await registerPhones(h.sim);
  // Saturday 10 October 2026, 10:00 in Shanghai: a 调休 working day.
  h.clock.set('2026-10-10T02:00:00.000Z');
  admin = client(h.server.httpUrl, await login(h.server.httpUrl, 'admin'));
  const skills = (await admin<{ id: number; code: string }[]>('GET', '/api/v1/skills')).body;
  const market = skills.find((s) => s.code === 'market-12315');
  const agents = (await admin<{ id: number; login: string }[]>('GET', '/api/v1/agents')).body;
  agentId = agents.find((a) => a.login === '1002')?.id ?? 0;
  const seat = await admin<{ onDuty: unknown }>('POST', '/api/v1/expert-seats', {
    name: '12315 工作日专家',
    department: '市市场监督管理局',
    agentId,
    skillId: market?.id,
    onDuty: [{ calendar: 'workdays', from: '00:00', to: '24:00' }],
  });
  expect(seat.status, JSON.stringify(seat.body)).toBe(201);
  expect(seat.body.onDuty).toEqual([{ calendar: 'workdays', from: '00:00', to: '24:00' }]);
  desk = await desks.open('1002', true);
});
afterAll(() => desks.closeAll());

describe('an expert seat on working days', () => {
  it('is offered a call to the hotline on a 调休 Saturday', async () => {
    const id = await placeCall(h.sim.httpUrl, '13800007401', '12315');
    expect(await desk.next('call.offered', (m) => m.callId === id, 8000)).toMatchObject({ callId: id, dialledNumber: '12315' });
    await desk.next('call.answered', (m) => m.callId === id);
    await hangUp(id);
    await waitFor(() => agent()?.state === 'ready', 'the agent ready again after wrap-up');
  });

  it('goes off duty at midnight into 国庆节 (a Thursday): the caller waits in line', async () => {
    // Wednesday 30 September, 23:59:30: a working day, on duty.
    h.clock.set('2026-09-30T15:59:30.000Z');
    const from = captured.lines.length;
    h.clock.set('2026-09-30T16:00:00.000Z');
    await waitFor(() => seatChanged(from, false), 'the seat off duty at midnight');
    const id = await callerWaiting('13800007402');
    await hangUp(id);
  });

  it("follows the admin's calendar: a working day declared a holiday takes the seat off duty", async () => {
    // Wednesday 10 June 2026, 10:00: a working day.
    let from = captured.lines.length;
    h.clock.set('2026-06-10T02:00:00.000Z');
    await waitFor(() => seatChanged(from, true), 'the seat on duty on an ordinary Wednesday');
    from = captured.lines.length;
    expect((await admin('PUT', '/api/v1/calendar/2026-06-10', { kind: 'holiday', name: '本市停工' })).status).toBe(200);
    await waitFor(() => seatChanged(from, false), 'the seat off duty on the declared holiday');
    const id = await callerWaiting('13800007403');
    await hangUp(id);
    expect((await admin('DELETE', '/api/v1/calendar/2026-06-10')).status).toBe(204);
  });

  it('refuses a window with an unknown calendar, or with both weekdays and a calendar', async () => {
    const seats = (await admin<{ id: number; name: string }[]>('GET', '/api/v1/expert-seats')).body;
    const seatId = seats.find((s) => s.name === '12315 工作日专家')?.id ?? 0;
    const unknown = await admin<{ details?: { field: string }[] }>('PATCH', `/api/v1/expert-seats/${seatId}`, { onDuty: [{ calendar: 'weekends', from: '08:30', to: '17:30' }] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.details?.map((d) => d.field)).toEqual(['/onDuty/0/calendar']);
    const both = await admin('PATCH', `/api/v1/expert-seats/${seatId}`, { onDuty: [{ days: [1], calendar: 'workdays', from: '08:30', to: '17:30' }] });
    expect(both.status).toBe(400);
    expect((await admin<{ onDuty: unknown }>('GET', `/api/v1/expert-seats/${seatId}`)).body.onDuty).toEqual([{ calendar: 'workdays', from: '00:00', to: '24:00' }]);
  });
});
