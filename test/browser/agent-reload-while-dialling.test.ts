/**
 * An agent reloads the desk (or its link drops and comes back) while their 外呼 still rings the
 * citizen. The server's `hello` names that call (`outbound: true`, PROTOCOL.md), and the page must
 * show it as the agent's own call again: 外呼 before the number, 挂断 (not 拒接, a queue ring's
 * refusal), the 外呼 pop, and the call's ticket open in the form, as its pop showed it before the
 * reload. 挂断 then ends the attempt.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerPhones, useHarness } from '../support/harness.js';
import { simRequest } from '../support/sim-client.js';
import { builtPages, launchBrowser, type BrowserSession } from './browser.js';

const h = useHarness({ pagesDir: builtPages() });
let browser: BrowserSession;
let page: Page;
const NUMBER = '13911116666';

beforeAll(async () => {
  await registerPhones(h.sim, ['1002']);
  // The agent's phone answers; the citizen's keeps ringing.
  await simRequest(h.sim.httpUrl, 'PUT', '/sim/endpoints/PJSIP/1002', { online: true, answer: 'auto', answerDelayMs: 50 });
  await simRequest(h.sim.httpUrl, 'PUT', '/sim/endpoints/PJSIP/trunk', { online: true, answer: 'manual' });
  browser = await launchBrowser();
  page = await browser.page();
});
afterAll(async () => {
  await simRequest(h.sim.httpUrl, 'PUT', '/sim/endpoints/PJSIP/trunk', { online: true, answer: 'auto', answerDelayMs: 50 });
  await browser?.close();
});

describe('the desk reloaded while its 外呼 rings the citizen', () => {
  it('shows the call as the agent’s own outgoing call, with 挂断 and its ticket, and 挂断 ends it', async () => {
    await page.goto(`${h.server.httpUrl}/`);
    await page.getByTestId('login-username').fill('1002');
    await page.getByTestId('login-password').fill('demo');
    await page.getByTestId('login-submit').click();
    await page.locator('[data-testid=agent-state][data-state=not_ready]').waitFor();
    await page.getByTestId('btn-ready').click();
    await page.locator('[data-testid=agent-state][data-state=ready]').waitFor();

    await page.getByTestId('dial-number').fill(NUMBER);
    await page.getByTestId('btn-dial').click();
    await page.getByTestId('bar-caller').filter({ hasText: `外呼 ${NUMBER}` }).waitFor();
    const ticketNumber = (await page.getByTestId('pop-ticket').textContent())?.trim() ?? '';
    expect(ticketNumber).not.toBe('');
    await page.getByTestId('ticket-form-number').filter({ hasText: ticketNumber }).waitFor();

    await page.reload();
    await page.locator('[data-testid=call-state][data-state=offered]').waitFor();
    expect(await page.getByTestId('bar-caller').textContent(), 'the number, as the agent’s own call').toBe(`外呼 ${NUMBER}`);
    expect(await page.getByTestId('btn-hangup').textContent(), 'hang up the attempt, not refuse a ring').toBe('挂断');
    expect(await page.getByTestId('screen-pop').textContent()).toContain('外呼弹屏');
    await page.getByTestId('ticket-form-number').filter({ hasText: ticketNumber }).waitFor({ timeout: 5_000 });

    await page.getByTestId('btn-hangup').click();
    await page.getByTestId('call-note').filter({ hasText: '外呼未接通' }).waitFor();
    expect(browser.errors).toEqual([]);
  });
});
