/**
 * After the call: a complaint call becomes a ticket whose deadline skips a holiday week, a unit sends
 * it back within the window, extensions are granted twice and refused the third time — all through
 * the simulator and the HTTP API.
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { putSetting, tickets } from '../../store/index.js';
import { AgentDesktop } from '../support/agent-desktop.js';
import { registerPhones, useHarness } from '../support/harness.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';
import { SupervisorDesk } from '../support/supervisor-desk.js';
import { demoRefs, fullForm } from '../support/ticket-calls.js';

const h = useHarness();

async function token(username: string): Promise<string> {
  return (await simRequest<{ token: string }>(h.server.httpUrl, 'POST', '/api/v1/auth/login', { username, password: 'demo' })).body.token;
}

async function api<T = Record<string, unknown>>(tok: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${h.server.httpUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${tok}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}

interface TicketBody {
  ticket: { number: string; status: string; dueAt: string | null; dispatchDueAt: string | null; extensions: number };
}

describe('ticket lifecycle', () => {
  it('complaint → deadline past a holiday week → return → re-dispatch → two extensions, not three', async () => {
    await registerPhones(h.sim);
    const admin = await token('admin');
    // Whatever today is on the test clock, declare the next 7 days a holiday week.
    const today = h.clock.now();
    const days = Array.from({ length: 7 }, (_, i) => new Date(today.getTime() + (i + 1) * 86_400_000 + 8 * 3600_000).toISOString().slice(0, 10));
    for (const date of days) expect((await api(admin, 'PUT', `/api/v1/calendar/${date}`, { kind: 'holiday', name: '测试假期' })).status).toBe(200);
    const agentToken = await token('1001');
    expect((await api(agentToken, 'PUT', `/api/v1/calendar/${days[0] ?? ''}`, { kind: 'workday', name: 'x' })).status).toBe(403);

    const desk = await AgentDesktop.login(h.server.httpUrl, '1001');
    await desk.command('agent.ready');
    const callId = await placeCall(h.sim.httpUrl, '13800138888', '12345');
    const pop = await desk.next('call.offered', (m) => m.callId === callId);
    await desk.next('call.answered', (m) => m.callId === callId);
    const number = String(pop.ticketNumber);

    // A complaint of urgency C: 15 working days.
    const form = await fullForm(h.server.store.db, { content: '道路积水', handlingUnitId: (await demoRefs(h.server.store.db)).unit('市住房和城乡建设委员会').id });
    const drafted = await api<TicketBody>(agentToken, 'PATCH', `/api/v1/tickets/${number}`, form);
    expect(drafted.status).toBe(200);
    const registered = await api<TicketBody>(agentToken, 'POST', `/api/v1/tickets/${number}/register`);
    expect(registered.status).toBe(200);
    const due = registered.body.ticket.dueAt ?? '';
    // 15 working days with a 7-day holiday right after acceptance: at least 15 + 7 calendar days away.
    const lastHoliday = Date.parse(`${days[6] ?? ''}T00:00:00+08:00`);
    expect(Date.parse(due)).toBeGreaterThan(lastHoliday + 15 * 86_400_000);

    const dispatched = await api<TicketBody>(agentToken, 'POST', `/api/v1/tickets/${number}/actions`, { action: 'dispatch', note: '派至市住建委' });
    expect(dispatched.body.ticket.status).toBe('dispatched');
    expect((await api(agentToken, 'POST', `/api/v1/tickets/${number}/actions`, { action: 'close' })).status).toBe(403);

    const supervisor = await token('super');
    const noReason = await api<{ error: string }>(supervisor, 'POST', `/api/v1/tickets/${number}/actions`, { action: 'return' });
    expect(noReason).toEqual({ status: 409, body: { error: '退单须说明理由' } });
    expect((await api<TicketBody>(supervisor, 'POST', `/api/v1/tickets/${number}/actions`, { action: 'return', note: '非本单位职责' })).body.ticket.status).toBe('returned');
    expect((await api<TicketBody>(supervisor, 'POST', `/api/v1/tickets/${number}/actions`, { action: 'dispatch', note: '改派市交通局' })).body.ticket.status).toBe('dispatched');
    expect((await api<TicketBody>(supervisor, 'POST', `/api/v1/tickets/${number}/actions`, { action: 'take' })).body.ticket.status).toBe('handling');

    const first = await api<TicketBody>(supervisor, 'POST', `/api/v1/tickets/${number}/extensions`, { note: '需现场勘查' });
    expect(first.body.ticket.extensions).toBe(1);
    expect(Date.parse(first.body.ticket.dueAt ?? '')).toBeGreaterThan(Date.parse(due));
    expect(await api(supervisor, 'POST', `/api/v1/tickets/${number}/extensions`, { note: '再次延期' })).toEqual({
      status: 409,
      body: { error: '第二次延期须由审批人批准' },
    });
    expect((await api<TicketBody>(supervisor, 'POST', `/api/v1/tickets/${number}/extensions`, { note: '再次延期', approver: '张主任' })).body.ticket.extensions).toBe(2);
    expect(await api(supervisor, 'POST', `/api/v1/tickets/${number}/extensions`, { note: '第三次', approver: '张主任' })).toEqual({
      status: 409,
      body: { error: '延期不得超过2次' },
    });

    const history = await api<{ history: { kind: string }[] }>(supervisor, 'GET', `/api/v1/tickets/${number}`);
    expect(history.body.history.map((e) => e.kind)).toEqual(['created', 'answered', 'registered', 'dispatch', 'return', 'dispatch', 'take', 'extended', 'extended']);

    const found = await api<{ total: number; items: { number: string }[] }>(supervisor, 'GET', `/api/v1/tickets?caller=13800138888&status=handling`);
    expect(found.body.items.map((t) => t.number)).toEqual([number]);
    const bad = await api<{ message?: string }>(supervisor, 'GET', '/api/v1/tickets?status=lost');
    expect(bad.status).toBe(400);
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${callId}/hangup`);
    desk.close();
  });
});

describe('deadline watch', () => {
  it('marks an overdue ticket once and the supervisor socket hears of it at once', async () => {
    const sup = await SupervisorDesk.login(h.server.httpUrl, 'super');
    const callId = await placeCall(h.sim.httpUrl, '13800137777', '12345');
    const ticket = await waitFor(async () => (await h.server.store.db.select().from(tickets).where(eq(tickets.callKey, callId)).limit(1))[0], 'ticket');
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${callId}/hangup`);
    await h.server.store.db.update(tickets).set({ dueAt: new Date(h.clock.now().getTime() - 3600_000).toISOString() }).where(eq(tickets.id, ticket.id));

    expect(await h.server.deadlineWatch.runOnce()).toContain(ticket.number);
    expect(await h.server.deadlineWatch.runOnce()).not.toContain(ticket.number);
    const alert = await sup.next('alert', (m) => m.kind === 'ticket-overdue' && m.ticketNumber === ticket.number);
    expect(String(alert.message)).toContain('已超期');
    const row = (await h.server.store.db.select().from(tickets).where(eq(tickets.id, ticket.id)).limit(1))[0];
    expect(row?.supervisedAt).toBeTruthy();
    sup.close();
  });
});

describe('post-call survey', () => {
  it('when the agent hangs up first, the caller is asked and their answer lands on the ticket', async () => {
    await registerPhones(h.sim);
    const played: string[] = [];
    let callerChannel = '';
    h.sim.core.subscribe((event) => {
      if (event.type === 'playback.started' && event.playback.targetUri === `channel:${callerChannel}`) played.push(event.playback.mediaUri);
    });
    const desk = await AgentDesktop.login(h.server.httpUrl, '1002');
    await desk.command('agent.ready');
    callerChannel = await placeCall(h.sim.httpUrl, '13800136666', '12345');
    await desk.next('call.answered', (m) => m.callId === callerChannel);
    expect(await desk.command('call.hangup', { callId: callerChannel })).toMatchObject({ ok: true });
    await desk.next('call.ended', (m) => m.callId === callerChannel);
    await waitFor(() => played.includes('sound:survey-question'), 'the survey question');
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${callerChannel}/dtmf`, { digits: '3' });
    const ticket = await waitFor(async () => {
      const row = (await h.server.store.db.select().from(tickets).where(eq(tickets.callKey, callerChannel)).limit(1))[0];
      return row?.satisfaction ? row : undefined;
    }, 'the survey result');
    expect(ticket.satisfaction).toBe('dissatisfied');
    await waitFor(async () => (await simRequest(h.sim.httpUrl, 'GET', `/sim/channels/${callerChannel}`)).status === 404, 'caller released');
    desk.close();
  });
});

describe('survey callback campaign', () => {
  it('calls the citizen of a closed ticket on the trunk; pressing 3 reopens the ticket (redo)', async () => {
    await registerPhones(h.sim);
    await simRequest(h.sim.httpUrl, 'PUT', '/sim/endpoints/PJSIP/trunk', { online: true, answer: 'auto', answerDelayMs: 20 });
    await putSetting(h.server.store.db, 'callback-policy', { from: '00:00', to: '24:00', workdaysOnly: false });
    const desk = await AgentDesktop.login(h.server.httpUrl, '1003');
    await desk.command('agent.ready');
    const citizen = '13800135555';
    const callId = await placeCall(h.sim.httpUrl, citizen, '12345');
    const pop = await desk.next('call.offered', (m) => m.callId === callId);
    await desk.next('call.answered', (m) => m.callId === callId);
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${callId}/hangup`);
    const number = String(pop.ticketNumber);
    const agent = await token('1003');
    const supervisor = await token('super');
    const db = h.server.store.db;
    await api(agent, 'PATCH', `/api/v1/tickets/${number}`, await fullForm(db, { category: 'help', content: '路灯不亮', handlingUnitId: (await demoRefs(db)).unit('市住房和城乡建设委员会').id }));
    expect((await api(agent, 'POST', `/api/v1/tickets/${number}/register`)).status).toBe(200);
    for (const action of ['dispatch', 'take', 'reply', 'close']) {
      expect((await api(action === 'dispatch' ? agent : supervisor, 'POST', `/api/v1/tickets/${number}/actions`, { action })).status).toBe(200);
    }

    const played: { channel: string; media: string }[] = [];
    h.sim.core.subscribe((event) => {
      if (event.type === 'playback.started') played.push({ channel: event.playback.targetUri.replace('channel:', ''), media: event.playback.mediaUri });
    });
    // While the link to Asterisk is down the campaign calls nobody and uses up no attempt.
    expect((await simRequest(h.sim.httpUrl, 'POST', '/sim/faults', { kind: 'cut-ari-events', downtimeMs: 1500 })).status).toBe(202);
    await waitFor(() => !h.server.link.status().ari, 'the server sees its ARI link down');
    await h.server.surveyCallbacks.runOnce();
    const untouched = await api<{ ticket: { status: string }; history: { kind: string }[] }>(supervisor, 'GET', `/api/v1/tickets/${number}`);
    expect(untouched.body.ticket.status).toBe('closed');
    expect(untouched.body.history.map((e) => e.kind)).not.toContain('start-callback');
    await waitFor(() => h.server.link.status().ari, 'the link back', 10_000);
    const run = h.server.surveyCallbacks.runOnce();
    const question = await waitFor(() => played.find((p) => p.media === 'sound:survey-question'), 'the survey question on the callback leg');
    const leg = (await simRequest<{ name: string; dialplan: { exten: string } }>(h.sim.httpUrl, 'GET', `/sim/channels/${question.channel}`)).body;
    expect(leg.name).toMatch(/^PJSIP\/trunk-/);
    expect(played.some((p) => p.channel === question.channel && p.media === `digits:${number}`)).toBe(true);
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${question.channel}/dtmf`, { digits: '3' });
    await run;
    const after = await api<{ ticket: { status: string; satisfaction: string }; history: { kind: string }[] }>(supervisor, 'GET', `/api/v1/tickets/${number}`);
    expect(after.body.ticket).toMatchObject({ status: 'redo', satisfaction: 'dissatisfied' });
    expect(after.body.history.map((e) => e.kind)).toEqual(expect.arrayContaining(['start-callback', 'evaluate', 'redo']));
    desk.close();
  });
});
