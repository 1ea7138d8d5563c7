/**
 * A caller the agent put back in line comes back to the same agent while one of their desks has lost
 * its link. The agent has the desk open twice (a second screen): the one in the browser drops, the
 * other keeps them at their phone, so the queue offers them the same call again and they answer. When
 * the dropped desk reconnects, `hello` brings the live call (same call id) and the desk shows it live:
 * the talk clock runs from the new answer, not stopped at the old view's end, and the old note
 * (已转接至 …) is gone.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentDesktop } from '../support/agent-desktop.js';
import { registerPhones, useHarness } from '../support/harness.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';
import { builtPages, launchBrowser, type BrowserSession } from './browser.js';
import { startLinkProxy, type LinkProxy } from './link-proxy.js';

const h = useHarness({ pagesDir: builtPages(), wrapUpSeconds: 600 });
let browser: BrowserSession;
let proxy: LinkProxy;
let page: Page;
let other: AgentDesktop | undefined;

beforeAll(async () => {
  await registerPhones(h.sim, ['1001'], 'manual');
  proxy = await startLinkProxy(h.server.httpUrl);
  browser = await launchBrowser();
  page = await browser.page();
});
afterAll(async () => {
  other?.close();
  await browser?.close();
  await proxy?.close();
});

const pickUp = () => simRequest(h.sim.httpUrl, 'POST', '/sim/endpoints/PJSIP/1001/answer');
/** Moves the server's clock on: the seconds a conversation lasts. */
const pass = (seconds: number) => h.clock.set(new Date(h.clock.now().getTime() + seconds * 1000).toISOString());
const callState = (state: string) => page.locator(`[data-testid=call-state][data-state=${state}]`).waitFor();

describe('a call that comes back to the agent while their desk is away', () => {
  it('shows the live call after the reconnect, its talk clock running from the new answer', async () => {
    await page.goto(`${proxy.url}/`);
    await page.getByTestId('login-username').fill('1001');
    await page.getByTestId('login-password').fill('demo');
    await page.getByTestId('login-submit').click();
    await page.locator('[data-testid=agent-state][data-state=not_ready]').waitFor();
    // The same agent's desk on a second screen: it keeps them at the phone while the browser's is away.
    other = await AgentDesktop.login(h.server.httpUrl, '1001');
    await page.getByTestId('btn-ready').click();
    await page.locator('[data-testid=agent-state][data-state=ready]').waitFor();

    const callId = await placeCall(h.sim.httpUrl, '13800009101', '12345');
    await callState('offered');
    await pickUp();
    await callState('connected');
    pass(300);
    // Back in line: a blind transfer to the agent's own skill. The pop stays, ended, its clock stopped.
    await page.getByTestId('target-kind').selectOption('skill');
    await page.getByTestId('target').selectOption({ label: '综合受理' });
    await page.getByTestId('btn-transfer-blind').click();
    await page.getByTestId('call-note').filter({ hasText: '已转接至' }).waitFor();
    await callState('ended');
    expect(await page.getByTestId('pop-talk-time').getAttribute('data-stop')).not.toBeNull();

    proxy.block(true);
    proxy.drop();
    await page.getByTestId('link-banner').filter({ hasText: '连接已断开' }).waitFor();
    // Calls go on being offered to the agent through the other desk: the banner says only this page misses them.
    const banner = await page.getByTestId('link-banner').textContent();
    expect(banner).toContain('断线期间本页不显示来电；若您没有其他工作台在线，暂不为您分配来电');
    expect(banner).not.toContain('断线期间不会分配来电');

    // Meanwhile the agent goes ready on the other desk, the caller is offered to them again, and they answer.
    const before = other.received.length;
    const after = (type: string) => waitFor(() => other?.received.slice(before).find((m) => m.type === type && m.callId === callId), `${type} again`);
    expect(await other.command('agent.ready')).toMatchObject({ ok: true });
    await after('call.offered');
    await pickUp();
    await after('call.answered');
    pass(120);

    proxy.block(false);
    await page.getByTestId('link-banner').filter({ hasText: '已重新连接' }).waitFor();
    await callState('connected');
    await page.locator('[data-testid=bar-call-state][data-state=connected]').waitFor();
    const talk = page.getByTestId('pop-talk-time');
    // Running (no stop), and from the second answer: two minutes on the server's clock, plus the page's few real seconds.
    expect(await talk.getAttribute('data-stop'), 'the talk clock is not stopped at the old end').toBeNull();
    expect(await page.getByTestId('talk-time').getAttribute('data-stop')).toBeNull();
    expect(await talk.textContent()).toMatch(/^02:\d\d$/);
    expect(await page.getByTestId('call-note').filter({ hasText: '已转接至' }).count(), 'the old note is gone').toBe(0);
    expect(await page.getByTestId('btn-close-pop').count()).toBe(0);
    expect(browser.errors).toEqual([]);

    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${callId}/hangup`);
  });
});
