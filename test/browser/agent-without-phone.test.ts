/**
 * An agent account without a usual phone (the admin console makes 分机 optional; a hot-desking centre
 * gives agents none) logging in at the desk must name the phone they sit at: a login that leaves 分机
 * empty is refused with 400 `请填写分机…`, which the login form shows — not accepted and then left
 * reconnecting for ever, every socket upgrade refused, with the page only saying the link is down.
 * With the phone named, the desk opens and the agent is at it. Supervisors and admins, who take no
 * calls at the desk, still log in without one.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, login } from '../admin-api/admin-client.js';
import { registerPhones, useHarness } from '../support/harness.js';
import { builtPages, launchBrowser, type BrowserSession } from './browser.js';

const h = useHarness({ pagesDir: builtPages() });
let browser: BrowserSession;
let page: Page;

beforeAll(async () => {
  await registerPhones(h.sim, ['1003']);
  browser = await launchBrowser();
  page = await browser.page();
});
afterAll(async () => {
  await browser?.close();
});

describe('an agent with no phone of their own', () => {
  it('who leaves 分机 empty is told to name the phone; with it named, the desk opens at that phone', async () => {
    const admin = await login(h.server.httpUrl, 'admin');
    const made = await api(h.server.httpUrl, 'POST', '/api/v1/agents', { token: admin, body: { login: '2001', name: '赵敏', role: 'agent', password: 'demo-password' } });
    expect(made.status, JSON.stringify(made.body)).toBe(201);

    await page.goto(`${h.server.httpUrl}/`);
    await page.getByTestId('login-username').fill('2001');
    await page.getByTestId('login-password').fill('demo-password');
    await page.getByTestId('login-submit').click();
    const refusal = page.getByTestId('login-error').filter({ hasText: '分机' });
    await refusal.waitFor();
    expect(await refusal.textContent()).toMatch(/^请填写分机/);

    await page.getByTestId('login-endpoint').fill('1003');
    await page.getByTestId('login-submit').click();
    await page.locator('[data-testid=agent-state][data-state=not_ready]').waitFor();
    expect(h.server.calls.agents.byEndpoint('PJSIP/1003')?.login).toBe('2001');
  });

  it('(control) a supervisor and an admin with no phone log in without one', async () => {
    for (const username of ['super', 'admin']) {
      const res = await api<{ endpoint: string | null }>(h.server.httpUrl, 'POST', '/api/v1/auth/login', { body: { username, password: 'demo' } });
      expect(res.status, username).toBe(200);
      expect(res.body.endpoint, username).toBeNull();
    }
  });
});
