/**
 * An agent reloads the desk while talking to a repeat caller. The pop after the reload shows what it
 * showed before: the 重复来电 mark, the waited seconds and the caller's earlier tickets — `hello`
 * brings them back (PROTOCOL.md) — not "重新连接后不含历史".
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerPhones, useHarness } from '../support/harness.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';
import { builtPages, launchBrowser, type BrowserSession } from './browser.js';

const h = useHarness({ pagesDir: builtPages(), wrapUpSeconds: 600 });
let browser: BrowserSession;
let page: Page;
const CALLER = '13900008501';

beforeAll(async () => {
  await registerPhones(h.sim, ['1001'], 'manual');
  browser = await launchBrowser();
  page = await browser.page();
});
afterAll(async () => {
  await browser?.close();
});

/** What the pop shows that a reload could lose. */
async function popFacts(): Promise<{ repeat: boolean; history: string; facts: string }> {
  return {
    repeat: (await page.getByTestId('pop-repeat').count()) > 0,
    history: (await page.getByTestId('pop-history').textContent()) ?? '',
    facts: (await page.locator('#pop dl.facts').textContent()) ?? '',
  };
}

describe('the desk reloaded while the agent talks to a repeat caller', () => {
  it('shows the same pop as before the reload', async () => {
    const earlier = await placeCall(h.sim.httpUrl, CALLER, '12345');
    const earlierTicket = await waitFor(() => h.server.calls.call(earlier)?.summary.ticketNumber, 'the earlier ticket');
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${earlier}/hangup`);
    await waitFor(() => h.server.calls.calls().length === 0, 'the earlier call over');

    await page.goto(`${h.server.httpUrl}/`);
    await page.getByTestId('login-username').fill('1001');
    await page.getByTestId('login-password').fill('demo');
    await page.getByTestId('login-submit').click();
    await page.locator('[data-testid=agent-state][data-state=not_ready]').waitFor();
    const callId = await placeCall(h.sim.httpUrl, CALLER, '12345');
    await waitFor(() => h.server.calls.call(callId)?.state === 'queued', 'the caller in line');
    h.clock.set(new Date(h.clock.now().getTime() + 40_000).toISOString());
    await page.getByTestId('btn-ready').click();
    await page.locator('[data-testid=call-state][data-state=offered]').waitFor();
    await simRequest(h.sim.httpUrl, 'POST', '/sim/endpoints/PJSIP/1001/answer');
    await page.locator('[data-testid=call-state][data-state=connected]').waitFor();
    const before = await popFacts();
    expect(before.repeat).toBe(true);
    expect(before.history).toContain(earlierTicket);
    // The clock moved 40 s while the caller waited, and moves on with real time (the page's steps take
    // some): at least 40 s, and after the reload exactly what the pop said before it.
    const waited = /排队等待(\d+) 秒/.exec(before.facts)?.[1];
    expect(Number(waited)).toBeGreaterThanOrEqual(40);

    await page.reload();
    await page.locator('[data-testid=call-state][data-state=connected]').waitFor();
    const after = await popFacts();
    expect(after.repeat).toBe(true);
    expect(after.history).toContain(earlierTicket);
    expect(after.facts).toContain(`排队等待${waited} 秒`);
    expect(browser.errors).toEqual([]);
  });
});
