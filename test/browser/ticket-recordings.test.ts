/**
 * A ticket's every recording in a real browser: a caller answered by one agent, put back in the queue
 * and answered by the agent at this desk shows both conversations under 通话录音 on the ticket form,
 * each with its agent; a supervisor doing quality inspection (质检) finds the same two under 工单录音 on
 * the reports page, and after the retention job both are marked deleted there.
 */
import { asc, eq } from 'drizzle-orm';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callRecordings, calls } from '../../store/index.js';
import { AgentDesktop } from '../support/agent-desktop.js';
import { registerPhones, useHarness } from '../support/harness.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';
import { builtPages, launchBrowser, screenshot, type BrowserSession } from './browser.js';

const h = useHarness({ wrapUpSeconds: 1, pagesDir: builtPages() });
let browser: BrowserSession;
let page: Page;
let first: AgentDesktop | undefined;

const agentState = (state: string) => page.locator(`[data-testid=agent-state][data-state=${state}]`).waitFor();
/** An attribute of every element a locator finds. */
const attrs = async (locator: Locator, name: string) => Promise.all((await locator.all()).map((l) => l.getAttribute(name)));

async function recordingsOfCall(linkedId: string): Promise<string[]> {
  const db = h.server.store.db;
  const row = (await db.select().from(calls).where(eq(calls.linkedId, linkedId)).limit(1))[0];
  return (await db.select().from(callRecordings).where(eq(callRecordings.callId, row?.id ?? -1)).orderBy(asc(callRecordings.id))).map((r) => r.name);
}

beforeAll(async () => {
  await registerPhones(h.sim, ['1001', '1002']);
  browser = await launchBrowser();
  page = await browser.page();
});
afterAll(async () => {
  first?.close();
  await browser?.close();
});

let ticketNumber = '';
let names: string[] = [];

describe("a ticket's recordings on the pages", () => {
  it('the ticket form lists both conversations of a caller answered again after going back to the queue', async () => {
    await page.goto(`${h.server.httpUrl}/`);
    await page.getByTestId('login-username').fill('1002');
    await page.getByTestId('login-password').fill('demo');
    await page.getByTestId('login-submit').click();
    await agentState('not_ready');

    // Agent 1001 (a scripted desk) answers first and puts the caller back in the queue.
    first = await AgentDesktop.login(h.server.httpUrl, '1001');
    expect(await first.command('agent.ready')).toMatchObject({ ok: true });
    const caller = await placeCall(h.sim.httpUrl, '13800007644', '12345');
    const pop = await first.next('call.offered', (m) => m.callId === caller);
    ticketNumber = String(pop.ticketNumber);
    await first.next('call.answered', (m) => m.callId === caller);
    expect(await first.command('call.transfer', { callId: caller, target: { kind: 'skill', skill: 'general' }, mode: 'blind' })).toMatchObject({ ok: true });
    await first.next('agent.state', (m) => m.state === 'wrap_up');
    expect(await first.command('agent.notReady', { reason: '休息' })).toMatchObject({ ok: true });

    // The agent at this desk takes it.
    await page.getByTestId('btn-ready').click();
    await page.locator('[data-testid=call-state][data-state=connected]').waitFor();
    await page.getByTestId('ticket-form-number').filter({ hasText: ticketNumber }).waitFor();
    names = await waitFor(async () => {
      const listed = await recordingsOfCall(caller);
      return listed.length === 2 ? listed : undefined;
    }, 'both recordings kept');
    const rows = page.getByTestId('ticket-recordings').getByTestId('recording-row');
    await rows.nth(1).waitFor();
    expect(await attrs(rows, 'data-name')).toEqual(names);
    expect(await rows.getByTestId('recording-agent').allTextContents()).toEqual(['王芳（1001）', '李强（1002）']);
    expect(await rows.getByTestId('recording-origin').allTextContents()).toEqual([`来电${caller}`, `来电${caller}`]);
    await screenshot(page, 'ticket-recordings-1-form');

    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${caller}/hangup`);
    await page.locator('[data-testid=call-state][data-state=ended]').waitFor();
  });

  it('the reports page shows a supervisor the same list under 工单录音, marked deleted after the retention job', async () => {
    const office = await browser.page();
    await office.goto(`${h.server.httpUrl}/reports`);
    await office.getByTestId('login-username').fill('super');
    await office.getByTestId('login-password').fill('demo');
    await office.getByTestId('login-submit').click();
    await office.getByTestId('recordings-ticket').fill(ticketNumber);
    await office.getByTestId('recordings-submit').click();
    const rows = office.getByTestId('recordings-result').getByTestId('recording-row');
    await rows.nth(1).waitFor();
    expect(await office.getByTestId('recordings-ticket-head').textContent()).toContain(`工单 ${ticketNumber}`);
    expect(await rows.getByTestId('recording-name').allTextContents()).toEqual(names);
    expect(await rows.getByTestId('recording-agent').allTextContents()).toEqual(['王芳（1001）', '李强（1002）']);
    await screenshot(office, 'ticket-recordings-2-reports');

    await h.server.retention.runOnce(new Date(h.clock.now().getTime() + 200 * 86_400_000));
    await office.getByTestId('recordings-submit').click();
    await office.locator('[data-testid=recording-row][data-deleted=true]').nth(1).waitFor();
    expect(await attrs(rows, 'data-deleted')).toEqual(['true', 'true']);

    // A number that is no ticket is said so.
    await office.getByTestId('recordings-ticket').fill('2099123199');
    await office.getByTestId('recordings-submit').click();
    await office.getByTestId('recordings-result').filter({ hasText: '查询失败：工单不存在' }).waitFor();
    expect(browser.errors.filter((e) => !e.includes('404'))).toEqual([]);
  });
});
