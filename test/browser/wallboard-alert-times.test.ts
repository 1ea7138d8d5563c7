/**
 * The wallboard tells the centre's time (Beijing time) whatever the wall PC's own zone: its clock, the
 * chart's hours and the figures are the server's, and so are the alert list's times. On a PC set to
 * UTC an alert raised at 10:01 Beijing time used to show 02:01, eight hours away from the clock above it.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useHarness } from '../support/harness.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';
import { builtPages, launchBrowser, type BrowserSession } from './browser.js';

const h = useHarness({ pagesDir: builtPages() });
let browser: BrowserSession;
let page: Page;

beforeAll(async () => {
  // The wall PC's zone is UTC, not the centre's.
  browser = await launchBrowser({ timezoneId: 'UTC' });
  page = await browser.page();
});
afterAll(async () => {
  await browser?.close();
});

/** `HH:MM:SS` of an instant in Beijing time (UTC+8, no daylight saving). */
const beijingTime = (iso: string) => new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(11, 19);

describe('wallboard alert times on a wall PC in another time zone', () => {
  it('shows an alert at the centre time, as the wall clock does', async () => {
    await page.goto(`${h.server.httpUrl}/wallboard?wall=1`);
    await page.getByTestId('login-username').fill('super');
    await page.getByTestId('login-password').fill('demo');
    await page.getByTestId('login-submit').click();
    await page.getByTestId('kpi-offered').waitFor();

    // Nobody ready: the caller waits past the long-wait threshold, which raises an alert.
    const id = await placeCall(h.sim.httpUrl, '13800006401', '12345');
    await waitFor(() => h.server.calls.queue.queuedAt(id) !== undefined, 'the caller in line', 10_000);
    h.clock.set(new Date(h.clock.now().getTime() + 90_000).toISOString());
    const alert = page.getByTestId('alert').filter({ hasText: '等待超过' }).first();
    await alert.waitFor({ timeout: 20_000 });

    const at = (await alert.getAttribute('data-at')) ?? '';
    const shown = (await alert.locator('.timer').textContent()) ?? '';
    const wallClock = (await page.locator('#clock').textContent()) ?? '';
    // The wall clock is in Beijing time (2026/6/10 10:0x:xx) …
    expect(wallClock).toMatch(/^2026\/6\/10 10:/);
    // … and so is the alert's time.
    expect(shown, `alert raised at ${at}; wall clock ${wallClock}`).toBe(beijingTime(at));

    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);
    await waitFor(() => !h.server.calls.call(id), 'the call over');
    expect(browser.errors).toEqual([]);
  });
});
