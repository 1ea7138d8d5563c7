/**
 * The agent desk's call bar in a real browser against the server and the PBX simulator: at 1280×720
 * everything used during a call is on screen without scrolling; in every state the bar's usable
 * buttons are exactly the commands the server accepts now; keyboard shortcuts; text contrast ≥ 4.5:1
 * idle, ringing and connected; a ring that times out clears the pop; a hang-up during a
 * consultation is explained; the wrap-up counts down, extends once and reminds of an unregistered
 * ticket; a missed call's callback pops under its original ticket, which the agent may register.
 */
import { eq } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agents, missedCalls, tickets } from '../../store/index.js';
import { AgentDesktop } from '../support/agent-desktop.js';
import { registerPhones, useHarness } from '../support/harness.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';
import { builtPages, launchBrowser, screenshot, type BrowserSession } from './browser.js';
import { lowContrast } from './contrast.js';

const h = useHarness({ pagesDir: builtPages(), ringTimeoutSeconds: 5, wrapUpSeconds: 3, wrapUpTicketCheck: 'remind' });
let browser: BrowserSession;
let page: Page;

interface SimChannel {
  id: string;
  name: string;
  dtmfReceived: string;
  muted: { in: boolean; out: boolean };
}
const channels = async () => (await simRequest<SimChannel[]>(h.sim.httpUrl, 'GET', '/sim/channels')).body;
const ticketOf = async (callId: string) => (await h.server.store.db.select().from(tickets).where(eq(tickets.callKey, callId)).limit(1))[0];
const agentId = async () => (await h.server.store.db.select().from(agents).where(eq(agents.login, '1001')).limit(1))[0]?.id ?? 0;
const agentState = (state: string) => page.locator(`[data-testid=agent-state][data-state=${state}]`).waitFor();
const callState = (state: string) => page.locator(`[data-testid=call-state][data-state=${state}]`).waitFor();
const setPhone = (phone: string, answer: 'auto' | 'manual') => simRequest(h.sim.httpUrl, 'PUT', `/sim/endpoints/PJSIP/${phone}`, { online: true, answer, answerDelayMs: 50 });

/** The bar's buttons and the command each sends. */
const BUTTONS: [string, (muted: boolean) => string][] = [
  ['btn-ready', () => 'agent.ready'],
  ['btn-not-ready', () => 'agent.notReady'],
  ['btn-extend-wrap-up', () => 'agent.wrapUp.extend'],
  ['btn-hangup', () => 'call.hangup'],
  ['btn-hold', () => 'call.hold'],
  ['btn-resume', () => 'call.resume'],
  ['btn-mute', (muted) => (muted ? 'call.unmute' : 'call.mute')],
  ['btn-keypad', () => 'call.dtmf'],
  ['btn-transfer-blind', () => 'call.transfer'],
  ['btn-transfer-attended', () => 'call.transfer'],
  ['btn-conference', () => 'call.conference'],
  ['btn-transfer-complete', () => 'call.transfer.complete'],
  ['btn-transfer-cancel', () => 'call.transfer.cancel'],
  ['btn-kick-third', () => 'call.kick'],
  ['btn-dial', () => 'call.dial'],
];

/** Which bar buttons a user can press now (shown and enabled). */
async function usableButtons(): Promise<Record<string, boolean>> {
  return page.evaluate(`(() => {
    const out = {};
    for (const el of document.querySelectorAll('[data-testid=call-bar] button[data-testid]')) {
      out[el.dataset.testid] = !el.disabled && el.getClientRects().length > 0;
    }
    return out;
  })()`);
}

/** Waits until every bar button is usable exactly when the server accepts its command now. */
async function expectButtonsMatchServer(): Promise<void> {
  let last = '';
  await waitFor(async () => {
    const agent = await agentId();
    const allowed = new Set<string>(h.server.calls.control.allowed(agent));
    const muted = h.server.calls.control.situation(agent).call?.muted ?? false;
    const usable = await usableButtons();
    const wrong = BUTTONS.filter(([testid, command]) => usable[testid] !== allowed.has(command(muted))).map(([testid]) => `${testid}=${usable[testid]}`);
    last = `${wrong.join(', ')} (server allows ${[...allowed].join(', ')})`;
    return wrong.length === 0;
  }, 'the bar to match the allowed commands').catch((error: unknown) => {
    throw new Error(`${(error as Error).message}: ${last}`);
  });
}

async function expectContrast(what: string): Promise<void> {
  const low = await lowContrast(page);
  expect(low, `text below 4.5:1 ${what}`).toEqual([]);
}

/** Screenshots at both desk sizes (the page goes back to 1280×720). */
async function shots(name: string): Promise<void> {
  await page.setViewportSize({ width: 1440, height: 900 });
  await screenshot(page, `${name}-1440x900`);
  await page.setViewportSize({ width: 1280, height: 720 });
  await screenshot(page, `${name}-1280x720`);
}

beforeAll(async () => {
  await registerPhones(h.sim, ['1001', '1002']);
  await setPhone('trunk', 'auto');
  browser = await launchBrowser();
  page = await browser.page();
  await page.setViewportSize({ width: 1280, height: 720 });
});
afterAll(async () => {
  await browser?.close();
});

describe('call bar', () => {
  it('logs in to a desk whose call bar is on screen at 1280×720, with readable text, and buttons as the server allows', async () => {
    await page.goto(`${h.server.httpUrl}/`);
    await page.getByTestId('login-username').fill('1001');
    await page.getByTestId('login-password').fill('demo');
    await page.getByTestId('login-submit').click();
    await agentState('not_ready');
    await expectButtonsMatchServer();
    await page.getByTestId('btn-ready').click();
    await agentState('ready');
    await expectButtonsMatchServer();
    await page.getByTestId('shortcut-list').filter({ hasText: 'Alt+H' }).waitFor();
    await expectContrast('idle');
    await shots('call-bar-1-idle');
  });

  it('rings: the bar offers 拒接 only; answered at the phone: every call action is on screen without scrolling', async () => {
    await setPhone('1001', 'manual');
    const id = await placeCall(h.sim.httpUrl, '13800139001', '12345');
    await callState('offered');
    expect(await page.getByTestId('btn-hangup').textContent()).toBe('拒接');
    await expectButtonsMatchServer();
    await expectContrast('ringing');
    await shots('call-bar-2-ringing');

    await simRequest(h.sim.httpUrl, 'POST', '/sim/endpoints/PJSIP/1001/answer');
    await callState('connected');
    await expectButtonsMatchServer();
    await expectContrast('connected');
    const bar = ['btn-hangup', 'btn-hold', 'btn-mute', 'btn-keypad', 'target-kind', 'target', 'btn-transfer-blind', 'btn-transfer-attended', 'btn-conference', 'btn-emergency-110', 'btn-emergency-122', 'dial-number', 'btn-dial'];
    for (const testid of bar) {
      const box = await page.getByTestId(testid).boundingBox();
      expect(box, testid).not.toBeNull();
      expect(box!.y + box!.height, `${testid} inside 720 px`).toBeLessThanOrEqual(720);
      expect(box!.x + box!.width, `${testid} inside 1280 px`).toBeLessThanOrEqual(1280);
    }
    expect(await page.evaluate('window.scrollY')).toBe(0);
    // The department directory is one click away on the same screen.
    const directory = await page.getByTestId('dir-transfer-0').boundingBox();
    expect(directory!.y + directory!.height).toBeLessThanOrEqual(720);
    await shots('call-bar-3-connected');

    // Keyboard: hold and resume, mute and unmute, the keypad's digits to the caller, save the ticket.
    await page.keyboard.press('Alt+KeyB');
    await callState('held');
    await expectButtonsMatchServer();
    await page.keyboard.press('Alt+KeyB');
    await callState('connected');
    await page.keyboard.press('Alt+KeyM');
    await page.getByTestId('bar-call-state').filter({ hasText: '已静音' }).waitFor();
    await waitFor(async () => (await channels()).find((c) => c.name.startsWith('PJSIP/1001'))?.muted.in === true, "the agent's leg muted");
    await expectButtonsMatchServer();
    await page.keyboard.press('Alt+KeyM');
    await waitFor(async () => (await channels()).find((c) => c.name.startsWith('PJSIP/1001'))?.muted.in === false, "the agent's leg unmuted");
    await page.keyboard.press('Alt+KeyK');
    await page.getByTestId('keypad').waitFor();
    await page.keyboard.press('5');
    await page.getByTestId('dtmf-hash').click();
    await waitFor(async () => (await channels()).find((c) => c.id === id)?.dtmfReceived === '5#', 'the digits at the caller');
    await page.getByTestId('ticket-content').fill('咨询社保卡补办需要的材料。');
    await page.keyboard.press('Control+KeyS');
    await page.getByTestId('ticket-form-status').filter({ hasText: '已保存' }).waitFor();
    expect((await ticketOf(id))?.content).toBe('咨询社保卡补办需要的材料。');
    await page.keyboard.press('Alt+KeyH');
    await callState('ended');
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);
    // Wrap-up ends with the ticket still a draft: 示忙 with a reminder, not silently ready.
    await agentState('not_ready');
    await page.getByTestId('ticket-reminder').waitFor();
    expect(await page.getByTestId('agent-state').textContent()).toContain('工单未登记');
    await page.getByTestId('btn-ready').click();
    await agentState('ready');
    await setPhone('1001', 'auto');
  });

  it('a hang-up during a consultation says the caller went to the consulted party; the wrap-up counts down and extends once', async () => {
    const id = await placeCall(h.sim.httpUrl, '13800139002', '12345');
    await callState('connected');
    await page.getByTestId('target-kind').selectOption('contact');
    await page.getByTestId('target').selectOption({ label: '市住房和城乡建设委员会 · 刘科长' });
    await page.getByTestId('btn-transfer-attended').click();
    await page.getByTestId('btn-transfer-complete').and(page.locator(':enabled')).waitFor();
    await expectButtonsMatchServer();
    await page.getByTestId('btn-hangup').click();
    await page.getByTestId('call-note').filter({ hasText: '您在咨询中挂机，来电已转给 市住房和城乡建设委员会 刘科长' }).waitFor();
    // The ticket stays open for the wrap-up: the agent registers what the caller said.
    await page.getByTestId('ticket-content').and(page.locator(':enabled')).waitFor();
    await agentState('wrap_up');
    expect(await page.getByTestId('agent-state-time').textContent()).toMatch(/^00:0[0-3]$/);
    await page.getByTestId('btn-extend-wrap-up').click();
    await waitFor(() => h.server.calls.agents.list().find((a) => a.login === '1001')?.wrapUpExtended === true, 'the wrap-up extended');
    await expectButtonsMatchServer();
    expect(await page.getByTestId('btn-extend-wrap-up').isDisabled()).toBe(true);
    await shots('call-bar-4-wrap-up');
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);
    await page.getByTestId('btn-ready').click();
    await agentState('ready');
  });

  it('a colleague who refuses the consultation (拒接): the bar says so and is back with the caller', async () => {
    const colleague = await AgentDesktop.login(h.server.httpUrl, '1002');
    try {
      await setPhone('1002', 'manual');
      expect(await colleague.command('agent.ready')).toMatchObject({ ok: true });
      const id = await placeCall(h.sim.httpUrl, '13800139004', '12345');
      await callState('connected');
      await page.getByTestId('target-kind').selectOption('agent');
      await page.getByTestId('target').selectOption({ label: '1002 李强' });
      await page.getByTestId('btn-transfer-attended').click();
      const ring = await colleague.next('call.offered', (m) => typeof m.callId === 'string');
      expect(await colleague.command('call.hangup', { callId: ring.callId })).toMatchObject({ ok: true });
      await page.getByTestId('call-note').filter({ hasText: '1002 李强 拒接，已回到来电人' }).waitFor();
      await callState('connected');
      await expectButtonsMatchServer();
      await page.getByTestId('btn-hangup').click();
      await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`).catch(() => undefined);
      await page.getByTestId('btn-ready').and(page.locator(':enabled')).waitFor();
      await page.getByTestId('btn-ready').click();
      await agentState('ready');
    } finally {
      colleague.close();
      await colleague.closed();
    }
  });

  it('a colleague who refuses a consultation the agent hung up on: the bar says they refused and the caller is back in line', async () => {
    const colleague = await AgentDesktop.login(h.server.httpUrl, '1002');
    try {
      await setPhone('1002', 'manual');
      expect(await colleague.command('agent.ready')).toMatchObject({ ok: true });
      const id = await placeCall(h.sim.httpUrl, '13800139005', '12345');
      await callState('connected');
      await page.getByTestId('target-kind').selectOption('agent');
      await page.getByTestId('target').selectOption({ label: '1002 李强' });
      await page.getByTestId('btn-transfer-attended').click();
      await colleague.next('call.offered', (m) => m.callId === id);
      // 挂断 while the colleague's phone rings: their answer would have taken the caller.
      await page.getByTestId('btn-hangup').click();
      await waitFor(() => h.server.calls.agents.list().find((a) => a.login === '1001')?.state !== 'on_call', 'the agent off the call');
      expect(await colleague.command('call.hangup', { callId: id })).toMatchObject({ ok: true });
      await page.getByTestId('call-note').filter({ hasText: '1002 李强 拒接，您已挂机，来电人已回到队列' }).waitFor();
      await callState('ended');
      await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`).catch(() => undefined);
      await waitFor(() => h.server.calls.call(id) === undefined, 'the call over');
      await page.getByTestId('btn-ready').and(page.locator(':enabled')).waitFor();
      await page.getByTestId('btn-ready').click();
      await agentState('ready');
    } finally {
      colleague.close();
      await colleague.closed();
    }
  });

  it('a ring that times out clears the pop and disables every call action; the caller who gives up is called back under their ticket', async () => {
    await setPhone('1001', 'manual');
    const id = await placeCall(h.sim.httpUrl, '13800139003', '12345');
    await callState('offered');
    await page.getByTestId('call-note').filter({ hasText: '振铃超时未接' }).waitFor();
    await callState('ended');
    await agentState('not_ready');
    await expectButtonsMatchServer();
    for (const testid of ['btn-hangup', 'btn-hold', 'btn-mute', 'btn-transfer-blind', 'btn-conference']) expect(await page.getByTestId(testid).isDisabled(), testid).toBe(true);
    expect(await page.getByTestId('talk-time').textContent()).toBe('');

    // Nobody else is ready: the caller gives up in the queue and lands on the missed-call list.
    await waitFor(() => h.server.calls.call(id)?.state === 'queued', 'the caller back in the queue');
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);
    const missed = await waitFor(async () => (await h.server.store.db.select().from(missedCalls).where(eq(missedCalls.callerNumber, '13800139003')).limit(1))[0], 'the missed call');
    const original = (await ticketOf(id))!;
    await setPhone('1001', 'auto');
    await page.getByTestId('btn-ready').click();
    await agentState('ready');
    await page.getByTestId('tab-missed').click();
    await page.getByTestId('missed-panel').getByRole('button', { name: '刷新' }).click();
    await page.getByTestId(`btn-call-back-${missed.id}`).click();
    await page.getByTestId('pop-ticket').filter({ hasText: original.number }).waitFor();
    await page.getByTestId('pop-callback').waitFor();
    await callState('connected');
    expect(await page.getByTestId('ticket-form-number').textContent()).toContain(original.number);
    await page.getByTestId('ticket-content').fill('回拨：来电人咨询公积金提取进度。');
    await page.getByTestId('ticket-save').click();
    await page.getByTestId('ticket-form-status').filter({ hasText: '已保存' }).waitFor();
    expect(await ticketOf(id)).toMatchObject({ content: '回拨：来电人咨询公积金提取进度。', agentId: await agentId() });
    await shots('call-bar-5-callback');
    await page.getByTestId('btn-hangup').click();
    await callState('ended');
    const citizen = await waitFor(async () => (await channels()).find((c) => c.name.startsWith('PJSIP/trunk')), "the citizen's leg");
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${citizen.id}/hangup`);
  });

  it('外呼 from the bar: a number outside the dial policy is refused with the reason, an allowed one pops and connects; 110 joins in one click', async () => {
    // The callback's ticket was left a draft: the wrap-up ended in 示忙 (工单未登记).
    await agentState('not_ready');
    await page.getByTestId('btn-ready').click();
    await agentState('ready');
    await page.getByTestId('dial-number').fill('95588');
    await page.getByTestId('btn-dial').click();
    await page.locator('.toast-error').filter({ hasText: '不能外呼 95588' }).waitFor();
    await page.keyboard.press('Alt+KeyD');
    expect(await page.evaluate("document.activeElement?.getAttribute('data-testid')")).toBe('dial-number');
    await page.getByTestId('dial-number').fill('13911113333');
    await page.keyboard.press('Enter');
    await page.getByTestId('screen-pop').filter({ hasText: '外呼弹屏' }).waitFor();
    await callState('connected');
    expect(await page.getByTestId('pop-caller').textContent()).toContain('13911113333');
    await expectButtonsMatchServer();
    // 110 one click away: it joins as the third party (the supervisors are alerted).
    await page.getByTestId('btn-emergency-110').click();
    await callState('conference');
    await page.getByTestId('call-note').filter({ hasText: '三方通话：紧急热线 110' }).waitFor();
    await expectButtonsMatchServer();
    await page.keyboard.press('Alt+KeyH');
    await callState('ended');
    for (const leg of (await channels()).filter((c) => c.name.startsWith('PJSIP/trunk'))) await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${leg.id}/hangup`);
    await waitFor(async () => (await channels()).length === 0, 'no channel left');
    expect(browser.errors).toEqual([]);
  });
});
