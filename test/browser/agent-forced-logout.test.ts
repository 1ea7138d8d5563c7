/**
 * A supervisor's 强制签出 of an agent whose desk is open in a browser: the desk says, in Chinese, that
 * the supervisor signed them out, stops reconnecting (its login is over: PROTOCOL.md, `session.ended`
 * `forced-logout` then 4401) and offers 重新登录; the agent stays signed out of the phone until they
 * log in again, which brings the desk back. The same when the desk's socket happened to be down (a
 * network blip) when the supervisor signed them out: its refused reconnect asks the server why, and the
 * desk says the supervisor signed them out, not that the login expired.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerPhones, useHarness } from '../support/harness.js';
import { SupervisorDesk } from '../support/supervisor-desk.js';
import { builtPages, launchBrowser, type BrowserSession } from './browser.js';
import { startLinkProxy, type LinkProxy } from './link-proxy.js';

const h = useHarness({ pagesDir: builtPages() });
let browser: BrowserSession;
let page: Page;
let sup: SupervisorDesk | undefined;
/** Between the browser and the server, for the desk whose network drops. */
let proxy: LinkProxy;

beforeAll(async () => {
  await registerPhones(h.sim, ['1001', '1002']);
  browser = await launchBrowser();
  page = await browser.page();
  proxy = await startLinkProxy(h.server.httpUrl);
});
afterAll(async () => {
  sup?.close();
  await proxy?.close();
  await browser?.close();
});

const agent = (login = '1001') => h.server.calls.agents.list().find((a) => a.login === login);

async function logIn(login = '1001'): Promise<void> {
  await page.getByTestId('login-username').fill(login);
  await page.getByTestId('login-password').fill('demo');
  await page.getByTestId('login-submit').click();
  await page.locator('[data-testid=agent-state][data-state=not_ready]').waitFor();
}

describe("the desk of an agent a supervisor signs out (强制签出)", () => {
  it('says who signed them out, stops reconnecting, and comes back only by logging in again', async () => {
    await page.goto(`${h.server.httpUrl}/`);
    await logIn();
    await page.getByTestId('btn-ready').click();
    await page.locator('[data-testid=agent-state][data-state=ready]').waitFor();

    sup = await SupervisorDesk.login(h.server.httpUrl, 'super');
    expect(await sup.command('agent.forceLogout', { agentId: agent()?.agentId })).toMatchObject({ ok: true });

    const banner = page.getByTestId('link-banner');
    await banner.filter({ hasText: '您已被班长强制签出，如需继续接听请重新登录' }).waitFor();
    expect(await page.locator('#link').getAttribute('class'), 'the link stopped, not retrying').toContain('link-stopped');
    expect(agent()).toMatchObject({ state: 'offline', endpoint: null });

    await banner.getByRole('button', { name: '重新登录' }).click();
    await logIn();
    expect(agent()).toMatchObject({ state: 'not_ready', endpoint: 'PJSIP/1001' });
    expect(browser.errors).toEqual([]);
  });

  it('says the same when the desk was cut off at the time: its refused reconnect learns why', async () => {
    page = await browser.page();
    await page.goto(`${proxy.url}/`);
    await logIn('1002');

    // The office network goes down: the desk's socket drops and its reconnects fail.
    proxy.block(true);
    proxy.drop();
    const banner = page.getByTestId('link-banner');
    await banner.filter({ hasText: '与服务器的连接已断开' }).waitFor();

    sup ??= await SupervisorDesk.login(h.server.httpUrl, 'super');
    expect(await sup.command('agent.forceLogout', { agentId: agent('1002')?.agentId })).toMatchObject({ ok: true });
    expect(agent('1002')).toMatchObject({ state: 'offline' });

    // The network is back: the reconnect is refused, and the desk says who signed the agent out.
    proxy.block(false);
    await page.locator('#link.link-stopped').waitFor();
    expect(await banner.textContent()).toContain('您已被班长强制签出，如需继续接听请重新登录');
    expect(agent('1002'), 'the refused reconnect did not sign them back in').toMatchObject({ state: 'offline' });

    await banner.getByRole('button', { name: '重新登录' }).click();
    await logIn('1002');
    expect(agent('1002')).toMatchObject({ state: 'not_ready', endpoint: 'PJSIP/1002' });
    expect(browser.errors).toEqual([]);
  });
});
