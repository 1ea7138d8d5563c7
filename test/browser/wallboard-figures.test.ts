/**
 * The wallboard's figures follow the reports' definitions: a caller still waiting is not counted
 * as unanswered (the answer rate shows "—" while nobody has been answered or given up), and a call
 * rung twice (a missed ring, then another agent) is one call offered and one answered.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentDesktop } from '../support/agent-desktop.js';
import { registerPhones, useHarness } from '../support/harness.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';
import { builtPages, launchBrowser, openWallboard, type BrowserSession } from './browser.js';

// Rings time out after 5 s of PBX time, which the simulator runs five times faster.
const h = useHarness({ pagesDir: builtPages(), ringTimeoutSeconds: 5 }, { timeScale: 0.2 });
let browser: BrowserSession;
let page: Page;
const desks: AgentDesktop[] = [];

beforeAll(async () => {
  await registerPhones(h.sim, ['1001', '1003', '1005']);
  await simRequest(h.sim.httpUrl, 'PUT', '/sim/endpoints/PJSIP/1001', { online: true, answer: 'noanswer' });
  browser = await launchBrowser();
  page = await browser.page();
});
afterAll(async () => {
  for (const d of desks) d.close();
  await browser?.close();
});

const value = (testId: string) => page.getByTestId(testId).locator('.value');

describe('wallboard figures', () => {
  it('shows "—" for the rates while the only caller still waits, and counts a call rung twice once', async () => {
    await openWallboard(page, h.server.httpUrl);

    // Nobody ready: the caller waits. Offered 1, but no rate yet (not 0 %).
    const id = await placeCall(h.sim.httpUrl, '13800000401', '12345');
    await value('kpi-offered').filter({ hasText: /^1$/ }).waitFor();
    expect(await value('kpi-answer-rate').textContent()).toBe('—');
    expect(await value('kpi-15s').textContent()).toBe('—');
    expect(await value('kpi-wait').textContent()).toBe('—');

    // 1001 misses the ring, 1003 answers: one call offered, one answered, 100 %.
    const first = await AgentDesktop.login(h.server.httpUrl, '1001');
    desks.push(first);
    await first.command('agent.ready');
    await first.next('call.offer.withdrawn', (m) => m.callId === id, 30_000);
    const second = await AgentDesktop.login(h.server.httpUrl, '1003');
    desks.push(second);
    await second.command('agent.ready');
    await second.next('call.answered', (m) => m.callId === id, 30_000);
    await value('kpi-answered').filter({ hasText: /^1$/ }).waitFor();
    await value('kpi-answer-rate').filter({ hasText: '100.0%' }).waitFor();
    expect(await value('kpi-offered').textContent()).toBe('1');
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);
    await waitFor(() => h.server.calls.queue.size() === 0, 'the queue empty');
    expect(browser.errors).toEqual([]);
  });
});
