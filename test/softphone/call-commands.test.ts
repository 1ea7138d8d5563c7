/**
 * What an agent may do, said and enforced by one rule: a walk through a call's states on a real agent
 * WebSocket and the simulator, checking in each that `allowed` (sent with every event) is exactly the
 * expected list, that every other command is refused, and that the allowed ones the walk sends are
 * accepted — with their effect on the PBX (静音 and 拨号盘 as ARI frames reaching the simulator's
 * channels). Also: 拒接 while ringing, the notice when hanging up during a consultation hands the
 * caller over, wrap-up's countdown and its one extension, refusals in Chinese (states and skills by
 * name, numbers outside the dial policy).
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMAND_TYPES, type CommandType } from '../../cti/calls/allowed-commands.js';
import { tickets } from '../../store/index.js';
import { first } from '../../store/prepared.js';
import { AgentDesktop, type WireMessage } from '../support/agent-desktop.js';
import { registerPhones, startHarness, type Harness } from '../support/harness.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';

let h: Harness;

beforeAll(async () => {
  // A long wrap-up, so the walk can look at it and extend it before it ends by itself.
  h = await startHarness({ wrapUpSeconds: 30 });
  await registerPhones(h.sim);
  await setPhone('trunk', 'auto');
});
afterAll(async () => {
  await h.stop();
});

interface SimChannel {
  id: string;
  name: string;
  dtmfReceived: string;
  muted: { in: boolean; out: boolean };
}
const channels = async () => (await simRequest<SimChannel[]>(h.sim.httpUrl, 'GET', '/sim/channels')).body;
const channelOf = async (prefix: string) => waitFor(async () => (await channels()).find((c) => c.name.startsWith(prefix)), `a channel of ${prefix}`);
const setPhone = (phone: string, answer: 'auto' | 'manual') => simRequest(h.sim.httpUrl, 'PUT', `/sim/endpoints/PJSIP/${phone}`, { online: true, answer, answerDelayMs: 50 });
const answerPhone = (phone: string) => simRequest(h.sim.httpUrl, 'POST', `/sim/endpoints/PJSIP/${phone}/answer`);
const ticketOf = async (callId: string) => first(await h.server.store.db.select().from(tickets).where(eq(tickets.callKey, callId)).limit(1));

/** The `allowed` list of the last message that carried one. */
function allowedNow(desk: AgentDesktop): string[] | null {
  for (let i = desk.received.length - 1; i >= 0; i--) {
    const allowed = desk.received[i]?.allowed;
    if (Array.isArray(allowed)) return allowed as string[];
  }
  return null;
}

const contact = (contactId: number) => ({ kind: 'contact', contactId });

/** Fields that make each command well-formed, so a refusal is the rule's and never the schema's. */
function fieldsOf(type: CommandType, callId: string): Record<string, unknown> {
  switch (type) {
    case 'agent.ready':
    case 'agent.wrapUp.extend':
      return {};
    case 'agent.notReady':
      return { reason: '小休' };
    case 'call.dial':
      return { number: '13800000000' };
    case 'call.transfer':
      return { callId, target: contact(1), mode: 'blind' };
    case 'call.conference':
      return { callId, target: contact(1) };
    case 'call.kick':
      return { callId, party: 'third' };
    case 'call.dtmf':
      return { callId, digits: '1' };
    default:
      return { callId };
  }
}

/**
 * Waits until the desk's `allowed` is exactly `expected`, then sends every other command and expects
 * each refused with a Chinese reason (a refusal changes nothing, so the state stays for the next one).
 */
async function expectAllowed(desk: AgentDesktop, expected: CommandType[], callId = 'none'): Promise<void> {
  const want = [...expected].sort();
  await waitFor(() => JSON.stringify([...(allowedNow(desk) ?? [])].sort()) === JSON.stringify(want), `allowed = ${want.join(', ')} (now ${allowedNow(desk)?.join(', ')})`);
  for (const type of COMMAND_TYPES.filter((t) => !expected.includes(t))) {
    // Paced under the socket's message limit (10 a second after a burst: softphone-bridge/ws-limits.ts).
    await new Promise((resolve) => setTimeout(resolve, 110));
    const result = await desk.command(type, fieldsOf(type, callId));
    expect(result, `${type} is refused`).toMatchObject({ ok: false });
    expect(String(result.error)).toMatch(/[\u4e00-\u9fa5]/);
    expect(String(result.error)).not.toMatch(/not_ready|wrap_up|on_call|connected|consulting|conference|offered|held/);
  }
  expect([...(allowedNow(desk) ?? [])].sort()).toEqual(want);
}

async function accepted(desk: AgentDesktop, type: CommandType, fields: Record<string, unknown> = {}): Promise<void> {
  expect(await desk.command(type, fields), type).toMatchObject({ ok: true });
}

const after = (desk: AgentDesktop, type: string, match: (m: WireMessage) => boolean = () => true) => {
  const mark = desk.received.length;
  return () => desk.next(type, (m) => desk.received.indexOf(m) >= mark && match(m));
};

describe('allowed commands follow the call', () => {
  it('walks a call through its states: exactly the allowed commands are accepted, every other is refused', async () => {
    await setPhone('1001', 'manual');
    const desk = await AgentDesktop.login(h.server.httpUrl, '1001');
    expect(desk.received[0]?.type).toBe('hello');
    expect(Array.isArray(desk.received[0]?.allowed)).toBe(true);
    await expectAllowed(desk, ['agent.ready', 'agent.notReady']);
    await accepted(desk, 'agent.ready');
    await expectAllowed(desk, ['agent.ready', 'agent.notReady', 'call.dial']);

    // Ringing: the phone is answered at the phone; the desktop may only refuse (拒接 is tested below).
    const callId = await placeCall(h.sim.httpUrl, '13700001111', '12345');
    await desk.next('call.offered', (m) => m.callId === callId);
    await expectAllowed(desk, ['call.hangup'], callId);
    const answered = after(desk, 'call.answered');
    await answerPhone('1001');
    await answered();
    const talking: CommandType[] = ['call.hangup', 'call.hold', 'call.mute', 'call.dtmf', 'call.transfer', 'call.conference'];
    await expectAllowed(desk, talking, callId);

    // 静音: the agent's leg sends nothing while muted (ARI POST/DELETE channels/{id}/mute).
    await accepted(desk, 'call.mute', { callId });
    expect((await channelOf('PJSIP/1001')).muted.in).toBe(true);
    await expectAllowed(desk, ['call.hangup', 'call.hold', 'call.unmute', 'call.dtmf', 'call.transfer', 'call.conference'], callId);
    await accepted(desk, 'call.unmute', { callId });
    expect((await channelOf('PJSIP/1001')).muted.in).toBe(false);

    // 拨号盘 while talking with the caller: the digits reach the caller's channel.
    await accepted(desk, 'call.dtmf', { callId, digits: '12#' });
    await waitFor(async () => (await channels()).find((c) => c.id === callId)?.dtmfReceived === '12#', 'the digits at the caller');

    await accepted(desk, 'call.hold', { callId });
    await expectAllowed(desk, ['call.hangup', 'call.resume', 'call.mute'], callId);
    await accepted(desk, 'call.resume', { callId });
    await expectAllowed(desk, talking, callId);

    // 咨询转接 to a department contact: ringing, then talking, where digits go to the department's menu.
    await setPhone('trunk', 'manual');
    await accepted(desk, 'call.transfer', { callId, target: contact(1), mode: 'attended' });
    await expectAllowed(desk, ['call.hangup', 'call.mute', 'call.transfer.cancel'], callId);
    const consultAnswered = after(desk, 'call.consult.answered');
    await answerPhone('trunk');
    await consultAnswered();
    await expectAllowed(desk, ['call.hangup', 'call.mute', 'call.dtmf', 'call.transfer.complete', 'call.transfer.cancel'], callId);
    await accepted(desk, 'call.dtmf', { callId, digits: '3' });
    await waitFor(async () => (await channels()).find((c) => c.name.startsWith('PJSIP/trunk') && c.id !== callId)?.dtmfReceived === '3', 'the digit at the department');
    await accepted(desk, 'call.transfer.cancel', { callId });
    await desk.next('call.consult.cancelled');
    await expectAllowed(desk, talking, callId);

    // 三方通话 with another contact; then the third party is dropped.
    await setPhone('trunk', 'auto');
    await accepted(desk, 'call.conference', { callId, target: contact(2) });
    await expectAllowed(desk, ['call.hangup', 'call.mute', 'call.dtmf', 'call.kick'], callId);
    const ended = after(desk, 'call.conference.ended');
    await accepted(desk, 'call.kick', { callId, party: 'third' });
    await ended();
    await expectAllowed(desk, talking, callId);

    // 挂断 → 话后整理, counting down to the time the server sends, extendable once.
    const wrapUp = after(desk, 'agent.state', (m) => m.state === 'wrap_up');
    await accepted(desk, 'call.hangup', { callId });
    const state = await wrapUp();
    expect(Date.parse(String(state.wrapUpUntil)) - Date.parse(String(state.at))).toBe(30_000);
    expect(state.wrapUpExtended).toBe(false);
    await expectAllowed(desk, ['agent.ready', 'agent.notReady', 'agent.wrapUp.extend']);
    const extended = after(desk, 'agent.state', (m) => m.state === 'wrap_up' && m.wrapUpExtended === true);
    await accepted(desk, 'agent.wrapUp.extend');
    expect(Date.parse(String((await extended()).wrapUpUntil))).toBe(Date.parse(String(state.wrapUpUntil)) + 30_000);
    await expectAllowed(desk, ['agent.ready', 'agent.notReady']);
    expect(await desk.command('agent.wrapUp.extend')).toMatchObject({ ok: false, error: '话后整理只能延长一次' });
    await accepted(desk, 'agent.ready');
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${callId}/hangup`);
    await waitFor(async () => (await channels()).length === 0, 'no channel left');
    desk.close();
    // Every refusal is paced under the socket's message limit: the walk takes a while.
  }, 120_000);

  it('拒接: hanging up a ringing call withdraws the pop, sets the agent 示忙 (拒接) and the call rings the next agent', async () => {
    await setPhone('1002', 'manual');
    await setPhone('1003', 'manual');
    const desk = await AgentDesktop.login(h.server.httpUrl, '1002');
    const next = await AgentDesktop.login(h.server.httpUrl, '1003');
    await accepted(desk, 'agent.ready');
    const callId = await placeCall(h.sim.httpUrl, '13700002222', '12345');
    await desk.next('call.offered', (m) => m.callId === callId);
    await accepted(next, 'agent.ready');
    await accepted(desk, 'call.hangup', { callId });
    const withdrawn = await desk.next('call.offer.withdrawn', (m) => m.callId === callId);
    expect(withdrawn.reason).toBe('rejected');
    expect(withdrawn.allowed).not.toContain('call.hangup');
    await desk.next('agent.state', (m) => m.state === 'not_ready' && m.reason === '拒接');
    await next.next('call.offered', (m) => m.callId === callId);
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${callId}/hangup`);
    await next.next('call.offer.withdrawn', (m) => m.callId === callId);
    await waitFor(async () => (await channels()).length === 0, 'no channel left');
    desk.close();
    next.close();
  });

  it('hanging up during a consultation hands the caller to the consulted party, and the desktop is told why', async () => {
    await setPhone('1004', 'auto');
    const desk = await AgentDesktop.login(h.server.httpUrl, '1004');
    await accepted(desk, 'agent.ready');
    // 1004 serves 12315 (market supervision) only.
    const callId = await placeCall(h.sim.httpUrl, '13700003333', '12315');
    await desk.next('call.answered', (m) => m.callId === callId);
    await accepted(desk, 'call.transfer', { callId, target: contact(1), mode: 'attended' });
    await desk.next('call.consult.answered', (m) => m.callId === callId);
    await accepted(desk, 'call.hangup', { callId });
    expect(await desk.next('call.transferred', (m) => m.callId === callId)).toMatchObject({ reason: 'agent-hung-up', target: '市住房和城乡建设委员会 刘科长' });
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${callId}/hangup`);
    await waitFor(async () => (await channels()).length === 0, 'no channel left');
    desk.close();
  });

  it('外呼: while the citizen rings the desktop may only hang up, which ends the attempt', async () => {
    await setPhone('1002', 'auto');
    await setPhone('trunk', 'manual');
    const desk = await AgentDesktop.login(h.server.httpUrl, '1002');
    await accepted(desk, 'agent.ready');
    const dialling = desk.command('call.dial', { number: '13911112222' });
    const pop = await desk.next('call.offered', (m) => m.outbound === true);
    expect(pop).toMatchObject({ callerNumber: '13911112222', missedCallId: null, allowed: ['call.hangup'] });
    const callId = String(pop.callId);
    expect(await desk.command('call.hold', { callId })).toMatchObject({ ok: false, error: '对方尚未接听' });
    await accepted(desk, 'call.hangup', { callId });
    expect(await dialling).toMatchObject({ ok: false, error: '外呼失败：坐席已挂机' });
    expect(await desk.next('call.offer.withdrawn', (m) => m.callId === callId)).toMatchObject({ reason: 'not-reached' });
    await desk.next('agent.state', (m) => m.state === 'ready');
    await setPhone('trunk', 'auto');
    await waitFor(async () => (await channels()).length === 0, 'no channel left');
    desk.close();
  });

  it('a desktop that comes back after the server set the agent 示忙 is told so in hello', async () => {
    const desk = await AgentDesktop.login(h.server.httpUrl, '1002');
    await accepted(desk, 'agent.ready');
    desk.close();
    await waitFor(() => h.server.calls.agents.list().find((a) => a.login === '1002')?.state === 'not_ready', 'the agent set not ready');
    await desk.connect();
    const hello = await waitFor(() => desk.received.filter((m) => m.type === 'hello')[1], 'the second hello');
    expect(hello).toMatchObject({ notice: '连接断开期间您已被置为示忙，请确认后示闲', agent: { state: 'not_ready', reason: '桌面连接断开' } });
    expect(hello.allowed).toEqual(['agent.ready', 'agent.notReady']);
    desk.close();
  });

  it('refuses in Chinese: states and skills by their names, numbers outside the dial policy', async () => {
    await setPhone('1005', 'auto');
    const desk = await AgentDesktop.login(h.server.httpUrl, '1005');
    expect(await desk.command('call.dial', { number: '13800138000' })).toMatchObject({ ok: false, error: '示忙时不能外呼，请先示闲' });
    await accepted(desk, 'agent.ready');
    for (const number of ['1900123456', '0085212345678', '95588']) {
      const refused = await desk.command('call.dial', { number });
      expect(refused).toMatchObject({ ok: false });
      expect(String(refused.error)).toContain(`不能外呼 ${number}`);
    }
    const callId = await placeCall(h.sim.httpUrl, '13700004444', '12345');
    await desk.next('call.answered', (m) => m.callId === callId);
    expect(await desk.command('call.resume', { callId })).toMatchObject({ ok: false, error: '通话中时不能恢复' });
    await accepted(desk, 'call.transfer', { callId, target: { kind: 'skill', skill: 'general' }, mode: 'blind' });
    expect(await desk.next('call.transferred', (m) => m.callId === callId)).toMatchObject({ target: '技能组 综合受理' });
    expect(await ticketOf(callId)).toBeDefined();
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${callId}/hangup`);
    await waitFor(async () => (await channels()).length === 0, 'no channel left');
    desk.close();
  });
});
