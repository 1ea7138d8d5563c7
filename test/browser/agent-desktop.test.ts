/**
 * The agent desktop in a real browser against the real server and the PBX simulator: login, 示闲,
 * the screen-pop of a call placed through the simulator, the ticket form, hang-up, a repeat caller,
 * a one-click transfer to a department contact, and a dropped link that comes back.
 */
import { eq } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tickets } from '../../store/index.js';
import { AgentDesktop } from '../support/agent-desktop.js';
import { registerPhones, useHarness } from '../support/harness.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';
import { builtPages, launchBrowser, screenshot, type BrowserSession } from './browser.js';
import { startLinkProxy, type LinkProxy } from './link-proxy.js';

const h = useHarness({ wrapUpSeconds: 1, pagesDir: builtPages() });
let browser: BrowserSession;
let proxy: LinkProxy;
let page: Page;

interface SimChannel {
  id: string;
  name: string;
  bridgeId: string | null;
}
const channels = async () => (await simRequest<SimChannel[]>(h.sim.httpUrl, 'GET', '/sim/channels')).body;
const ticketOf = async (callId: string) => (await h.server.store.db.select().from(tickets).where(eq(tickets.callKey, callId)).limit(1))[0];
const agentState = (state: string) => page.locator(`[data-testid=agent-state][data-state=${state}]`).waitFor();
const callState = (state: string) => page.locator(`[data-testid=call-state][data-state=${state}]`).waitFor();

beforeAll(async () => {
  await registerPhones(h.sim, ['1001', '1002']);
  // Department contacts are outside numbers: they answer through the trunk.
  await simRequest(h.sim.httpUrl, 'PUT', '/sim/endpoints/PJSIP/trunk', { online: true, answer: 'auto', answerDelayMs: 50 });
  proxy = await startLinkProxy(h.server.httpUrl);
  browser = await launchBrowser();
  page = await browser.page();
});
afterAll(async () => {
  await browser?.close();
  await proxy?.close();
});

describe('agent desktop', () => {
  it('logs in, goes ready, pops a call with its ticket number, fills the ticket, hangs up', async () => {
    await page.goto(`${proxy.url}/`);
    await page.getByTestId('login-username').fill('1001');
    await page.getByTestId('login-password').fill('wrong');
    await page.getByTestId('login-submit').click();
    await page.getByTestId('login-error').filter({ hasText: '工号或密码错误' }).waitFor();
    await page.getByTestId('login-password').fill('demo');
    await page.getByTestId('login-submit').click();
    await agentState('not_ready');
    await page.getByTestId('btn-ready').click();
    await agentState('ready');

    const id = await placeCall(h.sim.httpUrl, '13800138000', '12345');
    const ticket = await waitFor(() => ticketOf(id), 'the ticket of the call');
    await page.getByTestId('pop-ticket').filter({ hasText: ticket.number }).waitFor();
    await callState('connected');
    expect(await page.getByTestId('pop-hotline').textContent()).toContain('12345 政务服务便民热线');
    expect(await page.getByTestId('pop-caller').textContent()).toContain('13800138000');

    await page.getByTestId('ticket-category').selectOption('consult');
    await page.getByTestId('ticket-urgency').selectOption('B');
    await page.getByTestId('ticket-content').fill('咨询居住证办理需要的材料。');
    await page.getByTestId('ticket-disposition').selectOption('answered');
    // The form saves the draft on the server as the agent types.
    await waitFor(async () => (await ticketOf(id))?.disposition === 'answered', 'the draft saved');
    expect(await ticketOf(id)).toMatchObject({ category: 'consult', urgency: 'B', content: '咨询居住证办理需要的材料。', disposition: 'answered' });

    await page.getByTestId('btn-hangup').click();
    await callState('ended');
    await waitFor(async () => !(await channels()).some((c) => c.name.startsWith('PJSIP/1001')), "the agent's leg gone");
    // The caller stays for the satisfaction survey; here they hang up during it.
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);
    await screenshot(page, 'agent-desktop-1-after-hangup');
  });

  it('pops a repeat caller with their history, holds and resumes, registers the ticket and transfers to a department contact', async () => {
    // Wrap-up (1 s here) ends by itself and the agent is ready again.
    await agentState('ready');
    const id = await placeCall(h.sim.httpUrl, '13800138000', '12345');
    const ticket = await waitFor(() => ticketOf(id), 'the ticket of the call');
    await page.getByTestId('pop-ticket').filter({ hasText: ticket.number }).waitFor();
    await page.getByTestId('pop-repeat').waitFor();
    expect(await page.getByTestId('pop-history').textContent()).toContain('咨询居住证办理需要的材料。');
    await callState('connected');
    await page.getByTestId('btn-hold').click();
    await callState('held');
    await page.getByTestId('btn-resume').click();
    await callState('connected');

    await page.getByTestId('ticket-category').selectOption('complaint');
    await page.getByTestId('ticket-urgency').selectOption('C');
    await page.getByTestId('ticket-content').fill('小区楼下商铺夜间施工噪音扰民，要求住建部门处理。');
    await page.getByTestId('ticket-address').fill('渝中区解放碑街道民族路 88 号');
    await page.getByTestId('ticket-disposition').selectOption('transferred');
    await waitFor(async () => (await ticketOf(id))?.disposition === 'transferred', 'the draft saved');
    expect(await ticketOf(id)).toMatchObject({ category: 'complaint', urgency: 'C', address: '渝中区解放碑街道民族路 88 号', disposition: 'transferred' });

    await page.getByTestId('target-kind').selectOption('contact');
    await page.getByTestId('target').selectOption({ label: '市住房和城乡建设委员会 · 刘科长' });
    await screenshot(page, 'agent-desktop-2-pop-and-ticket');
    await page.getByTestId('btn-transfer-blind').click();
    await page.getByTestId('call-note').filter({ hasText: '已转接至 市住房和城乡建设委员会 刘科长' }).waitFor();
    const parties = await waitFor(async () => {
      const list = await channels();
      const bridge = list.find((c) => c.id === id)?.bridgeId;
      const others = list.filter((c) => bridge && c.bridgeId === bridge && c.id !== id);
      return others.length === 1 && others[0]?.name.startsWith('PJSIP/trunk') ? others : undefined;
    }, 'the caller bridged with the department contact on the trunk');
    expect(parties).toHaveLength(1);
    await screenshot(page, 'agent-desktop-3-transferred');
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);
  });

  it('consults a colleague (attended transfer) and completes the transfer', async () => {
    await agentState('ready');
    const id = await placeCall(h.sim.httpUrl, '13800138111', '12345');
    await callState('connected');
    const colleague = await AgentDesktop.login(h.server.httpUrl, '1002');
    try {
      expect(await colleague.command('agent.ready')).toMatchObject({ ok: true });
      await page.getByTestId('target-kind').selectOption('agent');
      await page.getByTestId('target').selectOption({ label: '1002 李强' });
      await page.getByTestId('btn-transfer-attended').click();
      await callState('consulting');
      await waitFor(() => h.server.calls.agents.list().find((a) => a.login === '1002')?.state === 'on_call', 'the colleague answered the consult');
      await screenshot(page, 'agent-desktop-4-consulting');
      await page.getByTestId('btn-transfer-complete').click();
      await page.getByTestId('call-note').filter({ hasText: '已转接至 坐席 1002 李强' }).waitFor();
      await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);
      await colleague.next('call.ended', (m) => m.callId === id);
    } finally {
      colleague.close();
    }
  });

  it('shows a dropped link, reconnects by itself and resynchronises from hello', async () => {
    await agentState('ready');
    proxy.drop();
    await page.getByTestId('link-banner').filter({ hasText: '连接已断开' }).waitFor();
    await page.getByTestId('link-banner').filter({ hasText: '已重新连接' }).waitFor();
    // The server put the agent not ready while no desktop was open; hello says so.
    await agentState('not_ready');
    expect(await page.getByTestId('agent-state').textContent()).toContain('桌面连接断开');
    // …and the agent is told, not left to notice the badge.
    await page.locator('.toast').filter({ hasText: '连接断开期间您已被置为示忙，请确认后示闲' }).waitFor();
    await screenshot(page, 'agent-desktop-5-reconnected');
    await page.getByTestId('btn-ready').click();
    await agentState('ready');
    expect(browser.errors).toEqual([]);
  });

  it('clears the pop when the caller hangs up while the phone still rings', async () => {
    await agentState('ready');
    await simRequest(h.sim.httpUrl, 'PUT', '/sim/endpoints/PJSIP/1001', { online: true, answer: 'manual' });
    try {
      const id = await placeCall(h.sim.httpUrl, '13800138222', '12345');
      await callState('offered');
      await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);
      await callState('ended');
      await page.getByTestId('call-note').filter({ hasText: '来电人已挂机' }).waitFor();
      expect(await page.getByTestId('btn-hangup').isDisabled()).toBe(true);
      await agentState('ready');
    } finally {
      await registerPhones(h.sim, ['1001']);
    }
  });

  it('stops retrying and asks for a new login when the token is no longer valid', async () => {
    const stale = await browser.page();
    await stale.goto(`${h.server.httpUrl}/`);
    const session = JSON.stringify({ token: 'expired', role: 'agent', agentId: 2, name: '李强', endpoint: 'PJSIP/1002', login: '1002' });
    await stale.evaluate(`sessionStorage.setItem('cti.agent.session', ${JSON.stringify(session)})`);
    await stale.reload();
    // The server's own words for a token it cannot read (a refused upgrade's answer is asked for by HTTP).
    await stale.getByTestId('link-banner').filter({ hasText: '登录无效或已过期，请重新登录' }).waitFor();
    await stale.getByTestId('link-banner').getByRole('button', { name: '重新登录' }).click();
    await stale.getByTestId('login-username').waitFor();
    await stale.close();
  });
});
