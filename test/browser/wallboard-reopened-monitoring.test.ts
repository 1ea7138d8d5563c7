/**
 * Monitoring outlives the wallboard page (SUPERVISOR.md: "closing the wallboard alone does not end
 * it"), and a wallboard opened again — a reload, the page reopened in the same session — still shows
 * it: the server tells the page on connect what its supervisor monitors (`monitoring`), so the
 * supervisor, still hearing the citizen's call on their phone, sees the 监听中 tag on the agent and
 * the 停止 button to end it from the board. (It used to be kept only in the page's memory.)
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentDesktop } from '../support/agent-desktop.js';
import { registerPhones, useHarness } from '../support/harness.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';
import { builtPages, launchBrowser, openWallboard, type BrowserSession } from './browser.js';

const h = useHarness({ pagesDir: builtPages() });
let browser: BrowserSession;
let page: Page;

beforeAll(async () => {
  // 1001 is the agent's phone, 1005 the supervisor's.
  await registerPhones(h.sim, ['1001', '1005']);
  browser = await launchBrowser();
  page = await browser.page();
});
afterAll(async () => {
  await browser?.close();
});

interface SimChannel {
  id: string;
  name: string;
}

describe('a wallboard reopened while its supervisor monitors a call', () => {
  it('still shows the monitoring and offers 停止', async () => {
    const channels = async () => (await simRequest<SimChannel[]>(h.sim.httpUrl, 'GET', '/sim/channels')).body;
    await openWallboard(page, h.server.httpUrl);

    const agent = await AgentDesktop.login(h.server.httpUrl, '1001');
    try {
      await agent.command('agent.ready');
      const id = await placeCall(h.sim.httpUrl, '13800006501', '12345');
      await agent.next('call.answered', (m) => m.callId === id);
      await page.locator('[data-testid=agent-1001][data-state=on_call]').waitFor();

      await page.locator('[data-testid=agent-1001] [data-testid=btn-listen]').click();
      await page.locator('[data-testid=agent-1001] [data-testid=monitoring]').filter({ hasText: '监听中' }).waitFor();
      const supervisorLeg = await waitFor(async () => (await channels()).find((c) => c.name.startsWith('PJSIP/1005'))?.id, "the supervisor's phone in the call");

      // The page is opened again (same session): the supervisor's phone still hears the call.
      await page.reload();
      await page.locator('[data-testid=agent-1001][data-state=on_call]').waitFor();
      expect((await channels()).some((c) => c.id === supervisorLeg), 'still monitoring on the phone').toBe(true);

      await expect
        .poll(() => page.locator('[data-testid=agent-1001] [data-testid=monitoring]').filter({ hasText: '监听中' }).count(), {
          message: 'the 监听中 tag after reopening the board',
          timeout: 8_000,
        })
        .toBe(1);
      expect(await page.locator('[data-testid=agent-1001] [data-testid=btn-stop]').isDisabled(), '停止 offered').toBe(false);

      // 停止 from the reopened board ends it: the supervisor's phone is hung up, the tag goes.
      await page.locator('[data-testid=agent-1001] [data-testid=btn-stop]').click();
      await waitFor(async () => !(await channels()).some((c) => c.id === supervisorLeg), "the supervisor's phone hung up");
      await page.locator('[data-testid=agent-1001] [data-testid=monitoring]').waitFor({ state: 'detached' });

      await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);
      await agent.next('call.ended', (m) => m.callId === id);
    } finally {
      agent.close();
    }
    expect(browser.errors).toEqual([]);
  });
});
