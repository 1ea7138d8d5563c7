/**
 * The agent desk autosaves the ticket form while an admin corrects the same ticket. The desk's next
 * save must not put back what the agent's screen still showed: a field the admin corrected and the
 * agent did not touch keeps the correction (and the form shows it); a field both changed is refused
 * by the server (409), the desk says so and shows the ticket read again — with the agent's own text
 * of that field under it (您的修改（未保存）), which 使用我的修改 puts back and saves.
 */
import type { Page, Response } from 'playwright-core';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tickets } from '../../store/index.js';
import { api, login } from '../admin-api/admin-client.js';
import { registerPhones, useHarness } from '../support/harness.js';
import { placeCall, waitFor } from '../support/sim-client.js';
import { builtPages, launchBrowser, screenshot, type BrowserSession } from './browser.js';

const h = useHarness({ pagesDir: builtPages() });
let browser: BrowserSession;
let page: Page;

const ticketOf = async (callId: string) => (await h.server.store.db.select().from(tickets).where(eq(tickets.callKey, callId)).limit(1))[0];

beforeAll(async () => {
  await registerPhones(h.sim, ['1001']);
  browser = await launchBrowser();
  page = await browser.page();
});
afterAll(async () => {
  await browser?.close();
});

describe('the ticket form saved from a copy someone else has changed since', () => {
  it('keeps the admin’s corrections and tells the agent', async () => {
    await page.goto(`${h.server.httpUrl}/`);
    await page.getByTestId('login-username').fill('1001');
    await page.getByTestId('login-password').fill('demo');
    await page.getByTestId('login-submit').click();
    await page.locator('[data-testid=agent-state][data-state=not_ready]').waitFor();
    await page.getByTestId('btn-ready').click();
    await page.locator('[data-testid=agent-state][data-state=ready]').waitFor();
    const callId = await placeCall(h.sim.httpUrl, '13800138601', '12345');
    const { number } = await waitFor(() => ticketOf(callId), 'the ticket of the call');
    await page.locator('[data-testid=call-state][data-state=connected]').waitFor();
    await page.getByTestId('ticket-form-number').filter({ hasText: number }).waitFor();
    await page.locator('[data-testid=ticket-content]:enabled').waitFor();
    const path = `/api/v1/tickets/${number}`;
    /** The desk's next save of this ticket, once the agent pauses typing. */
    const nextSave = (): Promise<Response> => page.waitForResponse((r) => r.request().method() === 'PATCH' && new URL(r.url()).pathname === path);
    const admin = await login(h.server.httpUrl, 'admin');
    const read = async () => (await api<{ ticket: { address: string | null; content: string; callerName: string | null } }>(h.server.httpUrl, 'GET', path, { token: admin })).body.ticket;

    let saved = nextSave();
    await page.getByTestId('ticket-content').fill('楼下商铺夜间噪音扰民');
    expect((await saved).status()).toBe(200);

    // The admin corrects the address the agent left empty; the agent, unaware, goes on with the name.
    expect((await api(h.server.httpUrl, 'PATCH', path, { token: admin, body: { address: '民族路 188 号' } })).status).toBe(200);
    saved = nextSave();
    await page.getByTestId('ticket-caller-name').fill('王女士');
    expect((await saved).status()).toBe(200);
    expect(await read()).toMatchObject({ address: '民族路 188 号', callerName: '王女士' });
    await expect.poll(() => page.getByTestId('ticket-address').inputValue()).toBe('民族路 188 号');
    await page.getByTestId('ticket-form-status').filter({ hasText: '详细地址已由他人修改' }).waitFor();

    // Both change the content: the agent's save is refused, and the form shows the admin's.
    expect((await api(h.server.httpUrl, 'PATCH', path, { token: admin, body: { content: '商铺夜间施工噪音扰民' } })).status).toBe(200);
    saved = nextSave();
    await page.getByTestId('ticket-content').fill('楼下商铺夜间噪音扰民，已持续一周');
    expect((await saved).status()).toBe(409);
    await page.getByTestId('ticket-form-status').filter({ hasText: '工单已被他人修改，请刷新后重试' }).waitFor();
    await expect.poll(() => page.getByTestId('ticket-content').inputValue()).toBe('商铺夜间施工噪音扰民');
    expect(await page.getByTestId('ticket-form-status').textContent()).toContain('诉求内容');
    expect(await read()).toMatchObject({ content: '商铺夜间施工噪音扰民', address: '民族路 188 号', callerName: '王女士' });

    // What the agent typed is not lost: it is shown under the field, and 使用我的修改 puts it back
    // (saved against the admin's version now, so it goes through).
    const mine = page.getByTestId('ticket-unsaved-edit');
    await mine.waitFor();
    expect(await mine.count()).toBe(1);
    expect(await mine.textContent()).toContain('您的修改（未保存）：楼下商铺夜间噪音扰民，已持续一周');
    // Right after the field, outside its <label>: the control's name stays the field's.
    expect(await page.locator('[data-field=诉求内容] + [data-testid=ticket-unsaved-edit]').count()).toBe(1);
    expect(await page.getByRole('textbox', { name: '诉求内容', exact: true }).count()).toBe(1);
    await screenshot(page, 'ticket-form-stale-save');
    saved = nextSave();
    await mine.getByTestId('ticket-unsaved-use').click();
    expect(await page.getByTestId('ticket-content').inputValue()).toBe('楼下商铺夜间噪音扰民，已持续一周');
    expect((await saved).status()).toBe(200);
    expect(await read()).toMatchObject({ content: '楼下商铺夜间噪音扰民，已持续一周', address: '民族路 188 号', callerName: '王女士' });
    expect(await mine.count()).toBe(0);

    // Refused again; this time the agent types the field anew instead: the note goes, the new text is saved.
    expect((await api(h.server.httpUrl, 'PATCH', path, { token: admin, body: { content: '商铺夜间装修噪音' } })).status).toBe(200);
    saved = nextSave();
    await page.getByTestId('ticket-content').fill('楼下商铺夜间噪音扰民，已持续两周');
    expect((await saved).status()).toBe(409);
    await mine.waitFor();
    await expect.poll(() => page.getByTestId('ticket-content').inputValue()).toBe('商铺夜间装修噪音');
    saved = nextSave();
    await page.getByTestId('ticket-content').fill('楼下商铺夜间装修噪音，已持续两周');
    expect(await mine.count()).toBe(0);
    expect((await saved).status()).toBe(200);
    expect(await read()).toMatchObject({ content: '楼下商铺夜间装修噪音，已持续两周' });
    expect(browser.errors).toEqual([]);
  });
});
