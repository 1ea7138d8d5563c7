/**
 * The supervisor wallboard in a real browser: a call answered by an agent shows up live (queues,
 * agents, calls, today's figures, the chart), and the supervisor starts listening to it from the page
 * — their own phone rings and is bridged to a snoop on the agent's call.
 */
import { eq } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tickets } from '../../store/index.js';
import { api, login } from '../admin-api/admin-client.js';
import { AgentDesktop } from '../support/agent-desktop.js';
import { registerPhones, useHarness } from '../support/harness.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';
import { registeredTicket, surgeScene, WATER_IN_JIANWAI } from '../support/registered-tickets.js';
import { builtPages, launchBrowser, openWallboard, screenshot, type BrowserSession } from './browser.js';

const h = useHarness({ pagesDir: builtPages() });
let browser: BrowserSession;
let page: Page;

interface SimChannel {
  id: string;
  name: string;
  bridgeId: string | null;
}
const channels = async () => (await simRequest<SimChannel[]>(h.sim.httpUrl, 'GET', '/sim/channels')).body;

beforeAll(async () => {
  // 1001 is the agent's phone, 1005 the supervisor's; 120 answers through the trunk.
  await registerPhones(h.sim, ['1001', '1005']);
  await simRequest(h.sim.httpUrl, 'PUT', '/sim/endpoints/PJSIP/trunk', { online: true, answer: 'auto', answerDelayMs: 50 });
  browser = await launchBrowser();
  page = await browser.page();
});
afterAll(async () => {
  await browser?.close();
});

describe('supervisor wallboard', () => {
  it('shows the call in progress, listens to it, and shows an emergency alert', async () => {
    await openWallboard(page, h.server.httpUrl);
    await page.locator('[data-testid=agent-1001]').waitFor();
    // The header names the Asterisk node and says its links are up.
    await page.locator('[data-testid=node-status] [data-node=pbx][data-up=true]').filter({ hasText: 'pbx 正常' }).waitFor();

    const agent = await AgentDesktop.login(h.server.httpUrl, '1001');
    try {
      await agent.command('agent.ready');
      const id = await placeCall(h.sim.httpUrl, '13800138000', '12345');
      await agent.next('call.answered', (m) => m.callId === id);
      const ticket = await waitFor(async () => (await h.server.store.db.select().from(tickets).where(eq(tickets.callKey, id)).limit(1))[0], 'the ticket');

      const row = page.locator(`[data-testid=call-${ticket.number}][data-state=connected]`);
      await row.waitFor();
      expect(await row.textContent()).toContain('138****8000');
      expect(await row.textContent()).toContain('王芳');
      await page.locator('[data-testid=agent-1001][data-state=on_call]').waitFor();
      expect(Number(await page.getByTestId('kpi-offered').locator('.value').textContent())).toBeGreaterThanOrEqual(1);

      await page.locator('[data-testid=agent-1001] [data-testid=btn-listen]').click();
      await page.locator('[data-testid=agent-1001] [data-testid=monitoring]').filter({ hasText: '监听中' }).waitFor();
      await waitFor(async () => {
        const list = await channels();
        const snoop = list.find((c) => c.name.startsWith('Snoop/'));
        const phone = list.find((c) => c.name.startsWith('PJSIP/1005'));
        return snoop?.bridgeId && snoop.bridgeId === phone?.bridgeId;
      }, "the supervisor's phone bridged with a snoop on the call");
      await screenshot(page, 'wallboard-1-listening');
      // 耳语 straight from 监听, on the phone already ringing: the agent now hears the supervisor.
      const supervisorLeg = (await channels()).find((c) => c.name.startsWith('PJSIP/1005'))?.id ?? '';
      const agentLeg = (await channels()).find((c) => c.name.startsWith('PJSIP/1001'))?.id ?? '';
      await page.locator('[data-testid=agent-1001] [data-testid=btn-whisper]').click();
      await page.locator('[data-testid=agent-1001] [data-testid=monitoring]').filter({ hasText: '耳语中' }).waitFor();
      await waitFor(async () => (await simRequest<{ hears: string[] }>(h.sim.httpUrl, 'GET', `/sim/channels/${agentLeg}`)).body.hears.includes(supervisorLeg), 'the agent hears the whisper');
      expect((await channels()).filter((c) => c.name.startsWith('PJSIP/1005')).map((c) => c.id)).toEqual([supervisorLeg]);
      expect(await page.locator('[data-testid=agent-1001] [data-testid=btn-whisper]').isDisabled()).toBe(true);

      await page.locator('[data-testid=agent-1001] [data-testid=btn-stop]').click();
      await waitFor(async () => !(await channels()).some((c) => c.name.startsWith('PJSIP/1005')), 'monitoring over');

      // An emergency three-way call raises an alert that the wallboard shows at once.
      expect(await agent.command('call.conference', { callId: id, target: { kind: 'emergency', number: '120' } })).toMatchObject({ ok: true });
      await page.getByTestId('alert').filter({ hasText: '紧急转接' }).filter({ hasText: '120' }).waitFor();
      await page.locator(`[data-testid=call-${ticket.number}][data-state=conference]`).waitFor();
      await screenshot(page, 'wallboard-2-emergency-alert');
      await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);
      await agent.next('call.ended', (m) => m.callId === id);
      await page.locator(`[data-testid=call-${ticket.number}]`).waitFor({ state: 'detached' });
      await screenshot(page, 'wallboard-3-after-call');
    } finally {
      agent.close();
    }
    expect(browser.errors).toEqual([]);
  });

  it('fits one 1920×1080 wall screen: big figures, no scrolling, rates and waits judged against the targets, whole-number chart ticks', async () => {
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.goto(`${h.server.httpUrl}/wallboard?wall=1`);
    await page.getByTestId('kpi-offered').waitFor();
    expect(await page.evaluate('document.body.classList.contains("wall")')).toBe(true);
    // The one call so far was answered at once: both rates on target.
    await page.locator('[data-testid=kpi-answer-rate][data-level=ok]').waitFor();
    await page.locator('[data-testid=kpi-15s][data-level=ok]').waitFor();

    // Five callers wait with nobody ready, and wait on: past the 15 s limit their queue turns red.
    const waiting: string[] = [];
    for (let i = 0; i < 5; i++) waiting.push(await placeCall(h.sim.httpUrl, `1390000000${i}`, '12345'));
    await page.getByTestId('skills').filter({ hasText: '共 5 人排队' }).waitFor();
    h.clock.set(new Date(h.clock.now().getTime() + 20_000).toISOString());
    await page.locator('[data-testid=wait-general].wait-red').waitFor();
    // The chart's count axis for a peak of five: whole numbers, evenly spaced (not 0, 1, 3, 4, 5).
    const ticks = await waitFor(async () => {
      const labels = await page.locator('[data-testid=chart] svg > text[text-anchor=end]').allTextContents();
      const numbers = labels.map(Number);
      return numbers.length === 5 && numbers[4]! >= 5 ? numbers : undefined;
    }, 'the chart scaled to the five waiting');
    expect(ticks.every((n) => Number.isInteger(n))).toBe(true);
    expect(new Set(ticks.slice(1).map((n, i) => n - ticks[i]!)).size).toBe(1);
    await screenshot(page, 'wallboard-5-wall-queue-red-1920');

    // They give up: one answered of six offered, both rates fall red.
    for (const id of waiting) await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);
    await page.getByTestId('kpi-abandoned').locator('.value').filter({ hasText: /^5$/ }).waitFor();
    await page.locator('[data-testid=kpi-answer-rate][data-level=red]').waitFor();
    await page.locator('[data-testid=kpi-15s][data-level=red]').waitFor();
    expect(await page.getByTestId('kpi-answer-rate').textContent()).toContain('目标 ≥ 95.0%');
    // The wall's clock is the centre's (the server's) time in Beijing time, like the chart's hours.
    expect(await page.locator('#clock').textContent()).toMatch(/^2026\/6\/10 10:/);

    // One screen, read from across the room: no scrolling, figures of at least 48 px, the alerts in view, no buttons.
    const layout = await page.evaluate<{ scroll: number; scrollX: number; figure: number; alertsBottom: number; buttons: number }>(`({
      scroll: document.documentElement.scrollHeight - window.innerHeight,
      scrollX: document.documentElement.scrollWidth - window.innerWidth,
      figure: Math.min(...[...document.querySelectorAll('.kpi .value')].map((e) => parseFloat(getComputedStyle(e).fontSize))),
      alertsBottom: document.querySelector('[data-testid=alerts]').getBoundingClientRect().bottom,
      buttons: [...document.querySelectorAll('main button')].filter((b) => b.offsetParent !== null).length,
    })`);
    expect(layout.scroll).toBeLessThanOrEqual(0);
    expect(layout.scrollX).toBeLessThanOrEqual(0);
    expect(layout.figure).toBeGreaterThanOrEqual(48);
    expect(layout.alertsBottom).toBeLessThanOrEqual(1080);
    expect(layout.buttons).toBe(0);
    await screenshot(page, 'wallboard-6-wall-rates-red-1920');

    // Back to the desk view, at both desk sizes.
    await page.getByTestId('wall-toggle').click();
    expect(await page.evaluate('document.body.classList.contains("wall")')).toBe(false);
    for (const [width, height] of [[1440, 900], [1280, 720]] as const) {
      await page.setViewportSize({ width, height });
      await screenshot(page, `wallboard-7-desk-${width}`);
    }
    expect(browser.errors).toEqual([]);
  });

  it('shows an injected surge as exactly one early-warning alert, with its tickets, updated as it grows', async () => {
    await page.setViewportSize({ width: 1920, height: 1080 });
    const now = h.clock.now().getTime();
    await surgeScene(h.server.store.db, now);
    h.clock.set(new Date(now + 31_000).toISOString());
    const surge = page.getByTestId('alert').filter({ hasText: '热点预警' });
    await surge.filter({ hasText: '建外街道' }).waitFor();
    await expect.poll(() => surge.count()).toBe(1);
    expect(await surge.getByTestId('alert-tickets').textContent()).toContain('涉及工单 12 件');

    for (let i = 0; i < 3; i++) await registeredTicket(h.server.store.db, h.clock.now().getTime() - 60_000, WATER_IN_JIANWAI);
    h.clock.set(new Date(now + 62_000).toISOString());
    await surge.getByTestId('alert-tickets').filter({ hasText: '涉及工单 15 件' }).waitFor();
    expect(await surge.count()).toBe(1);
    expect(await page.getByTestId('alert').filter({ hasText: '公交' }).count()).toBe(0);
    await screenshot(page, 'wallboard-8-hotspot-1920');
    expect(browser.errors).toEqual([]);
  });

  it("says why when the supervisor's account is disabled, and logging out ends the token on the server", async () => {
    const admin = await login(h.server.httpUrl, 'admin');
    const accounts = await api<{ id: number; login: string }[]>(h.server.httpUrl, 'GET', '/api/v1/agents', { token: admin });
    const supervisor = accounts.body.find((a) => a.login === 'super');
    if (!supervisor) throw new Error('demo supervisor missing');
    const disabled = await api(h.server.httpUrl, 'PATCH', `/api/v1/agents/${supervisor.id}`, { token: admin, body: { enabled: false } });
    expect(disabled.status, JSON.stringify(disabled.body)).toBe(200);
    await page.getByTestId('link-banner').filter({ hasText: '账号已被停用，请联系管理员' }).waitFor();
    await screenshot(page, 'wallboard-4-account-disabled');
    expect((await api(h.server.httpUrl, 'PATCH', `/api/v1/agents/${supervisor.id}`, { token: admin, body: { enabled: true } })).status).toBe(200);

    await page.getByTestId('link-banner').getByRole('button', { name: '重新登录' }).click();
    await page.getByTestId('login-username').fill('super');
    await page.getByTestId('login-password').fill('demo');
    await page.getByTestId('login-submit').click();
    await page.getByTestId('kpi-offered').waitFor();
    const stored = await page.evaluate<string | null>("sessionStorage.getItem('cti.supervisor.session')");
    const token = (JSON.parse(stored ?? '{}') as { token?: string }).token ?? '';
    expect((await api(h.server.httpUrl, 'GET', '/api/v1/blacklist', { token })).status).toBe(200);
    await page.locator('#logout').click();
    await page.getByTestId('login-username').waitFor();
    await waitFor(async () => (await api(h.server.httpUrl, 'GET', '/api/v1/blacklist', { token })).status === 401, 'the token ended on the server');
    expect(browser.errors).toEqual([]);
  });
});
