/**
 * A supervisor's 强制签出 of an agent whose desk is open in a browser: the desk says, in Chinese, that
 * the supervisor signed them out, stops reconnecting (its login is over: PROTOCOL.md, `session.ended`
 * `forced-logout` then 4401) and offers 重新登录; the agent stays signed out of the phone until they
 * log in again, which brings the desk back.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerPhones, useHarness } from '../support/harness.js';
import { SupervisorDesk } from '../support/supervisor-desk.js';
import { builtPages, launchBrowser, type BrowserSession } from './browser.js';

const h = useHarness({ pagesDir: builtPages() });
let browser: BrowserSession;
let page: Page;
let sup: SupervisorDesk | undefined;

beforeAll(async () => {
  await registerPhones(h.sim, ['1001']);
  browser = await launchBrowser();
  page = await browser.page();
});
afterAll(async () => {
  sup?.close();
  await browser?.close();
});

const agent = () => h.server.calls.agents.list().find((a) => a.login === '1001');

async function logIn(): Promise<void> {
  await page.getByTestId('login-username').fill('1001');
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
});
