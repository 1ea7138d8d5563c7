/**
 * The knowledge base in a real browser: a department editor writes an entry on /knowledge and
 * submits it, a supervisor publishes it; on the agent desk a call to 12333 pops with that hotline's
 * entries suggested before anything is typed, the ticket's content brings the new entry up, a
 * Chinese query finds it, one click links it to the ticket (a row, the ticket's history, the
 * `knowledge-linked` event), and once its valid-until day has passed it is found no more.
 */
import { and, eq } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { knowledgeEntries, knowledgeLinks, ticketEvents, tickets } from '../../store/index.js';
import { registerPhones, useHarness } from '../support/harness.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';
import { builtPages, launchBrowser, screenshot, type BrowserSession } from './browser.js';

const h = useHarness({ wrapUpSeconds: 1, pagesDir: builtPages() });
let browser: BrowserSession;
let office: Page;
let desk: Page;

const TITLE = '医保电子凭证激活使用';
/** 22:00 in Shanghai: the entry's last day in force ends two hours later. */
const EVENING = '2026-06-10T14:00:00.000Z';
const NEXT_DAY = '2026-06-10T16:30:00.000Z';

/** Both sizes the centre's screens have. */
async function shots(page: Page, name: string): Promise<void> {
  for (const [width, height] of [
    [1440, 900],
    [1280, 720],
  ] as const) {
    await page.setViewportSize({ width, height });
    await screenshot(page, `${name}-${width}x${height}`);
  }
  await page.setViewportSize({ width: 1440, height: 960 });
}

async function logIn(page: Page, login: string): Promise<void> {
  await page.getByTestId('login-username').fill(login);
  await page.getByTestId('login-password').fill('demo');
  await page.getByTestId('login-submit').click();
}

beforeAll(async () => {
  h.clock.set(EVENING);
  await registerPhones(h.sim, ['1001']);
  browser = await launchBrowser();
  office = await browser.page();
  desk = await browser.page();
});
afterAll(async () => {
  await browser?.close();
});

describe('knowledge base', () => {
  it('an editor writes an entry on /knowledge and a supervisor reviews and publishes it', async () => {
    await office.goto(`${h.server.httpUrl}/knowledge`);
    await logIn(office, '1001');
    await office.getByTestId('login-error').filter({ hasText: '该账号不能管理知识库' }).waitFor();
    await logIn(office, 'kb-ybj');
    await office.getByTestId('kb-new').click();
    // An editor's department is theirs: filled in and fixed.
    expect(await office.getByTestId('kb-department').inputValue()).toBe('市医疗保障局');
    await office.getByTestId('kb-title').fill(TITLE);
    await office.getByTestId('kb-answer').fill('在微信或支付宝中搜索“医保电子凭证”，按提示完成实名认证即可激活；激活后在定点医院和药店出示医保码即可结算。');
    await office.getByTestId('kb-categories').fill('医疗保障、电子凭证');
    await office.getByTestId('kb-keywords').fill('电子医保卡 医保码');
    await office.getByTestId('kb-valid-until').fill('2026-06-10');
    await office.getByTestId('kb-save-submit').click();
    await office.locator('[data-testid=kb-status][data-status=review]').waitFor();
    await office.locator('[data-testid=kb-entry]', { hasText: TITLE }).waitFor();

    // The initial load from a spreadsheet saved by Excel as “CSV UTF-8”: a BOM and CRLF line ends.
    const csv = '\uFEFF标题,答复内容,部门,分类,热线,关键词,生效日期,失效日期\r\n药品追溯码查询,用微信扫描药盒上的追溯码即可查询药品来源。,市医疗保障局,医疗保障,,追溯码,,\r\n,没有标题的行,市医疗保障局,,,,,\r\n';
    await office.getByTestId('kb-import-file').setInputFiles({ name: '医保知识.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
    await office.getByTestId('kb-import-go').click();
    await office.getByTestId('kb-import-summary').filter({ hasText: '已导入 1 条（草稿），1 处问题' }).waitFor();
    expect(await office.getByTestId('kb-import-errors').locator('tbody tr').allTextContents()).toEqual(['3标题必填']);
    await office.locator('[data-testid=kb-entry]', { hasText: '药品追溯码查询' }).locator('[data-status=draft]').waitFor();
    await office.locator('[data-testid=kb-entry]', { hasText: TITLE }).click();
    await office.locator('[data-testid=kb-status][data-status=review]').waitFor();
    await shots(office, 'knowledge-1-editor-submitted');

    await office.locator('#logout').click();
    await logIn(office, 'super');
    // Supervisors start on what waits for review.
    await office.locator('[data-testid=kb-entry]', { hasText: TITLE }).click();
    await office.getByTestId('kb-approve').click();
    await office.locator('[data-testid=kb-status][data-status=published]').waitFor();
    await office.getByTestId('kb-versions').filter({ hasText: '第 1 版' }).waitFor();
    const row = (await h.server.store.db.select().from(knowledgeEntries).where(eq(knowledgeEntries.title, TITLE)).limit(1))[0];
    expect(row).toMatchObject({ status: 'published', publishedVersion: 1, department: '市医疗保障局', createdBy: 'kb-ybj' });
    await shots(office, 'knowledge-2-supervisor-published');
    expect(browser.errors).toEqual([]);
  });

  it('suggests at the pop without typing, follows the ticket content, finds the entry by a Chinese query and links it to the ticket', async () => {
    await desk.goto(`${h.server.httpUrl}/`);
    await logIn(desk, '1001');
    await desk.locator('[data-testid=agent-state][data-state=not_ready]').waitFor();
    await desk.getByTestId('btn-ready').click();
    await desk.locator('[data-testid=agent-state][data-state=ready]').waitFor();
    // Caught when the panel announces a link (the ticket form's contract).
    await desk.evaluate(`(() => {
      window.linked = [];
      document.addEventListener('knowledge-linked', (e) => window.linked.push(e.detail));
    })()`);

    const id = await placeCall(h.sim.httpUrl, '13900139000', '12333');
    const ticket = await waitFor(async () => (await h.server.store.db.select().from(tickets).where(eq(tickets.callKey, id)).limit(1))[0], 'the ticket of the call');
    await desk.locator('[data-testid=call-state][data-state=connected]').waitFor();

    // Nothing typed: 12333's own entries are suggested.
    await desk.getByTestId('tab-knowledge').click();
    const suggestions = desk.getByTestId('kb-suggestions');
    await suggestions.getByTestId('kb-hit').filter({ hasText: '社会保险缴费记录查询' }).waitFor();
    expect(await desk.getByTestId('kb-basis').textContent()).toContain('热线 12333');

    // What the agent types into the ticket brings the matching entry up.
    await desk.getByTestId('tab-ticket').click();
    await desk.getByTestId('ticket-content').fill('来电人咨询电子医保卡怎么激活');
    await desk.getByTestId('tab-knowledge').click();
    await suggestions.getByTestId('kb-hit').filter({ hasText: TITLE }).waitFor();

    await desk.getByTestId('kb-search-input').fill('医保码怎么激活');
    await desk.getByTestId('kb-search-submit').click();
    const hit = desk.getByTestId('kb-results').getByTestId('kb-hit').filter({ hasText: TITLE });
    await hit.waitFor();
    expect(await hit.getByTestId('kb-hit-title').locator('mark').count()).toBeGreaterThan(0);
    await shots(desk, 'knowledge-3-desk-panel');

    await hit.getByTestId('kb-link').click();
    await hit.getByTestId('kb-link').filter({ hasText: '已关联工单' }).waitFor();
    const entry = (await h.server.store.db.select().from(knowledgeEntries).where(eq(knowledgeEntries.title, TITLE)).limit(1))[0];
    const link = await waitFor(async () => (await h.server.store.db.select().from(knowledgeLinks).where(eq(knowledgeLinks.ticketId, ticket.id)).limit(1))[0], 'the link row');
    expect(link).toMatchObject({ entryId: entry?.id, version: 1, linkedBy: '1001' });
    const history = await h.server.store.db.select().from(ticketEvents).where(and(eq(ticketEvents.ticketId, ticket.id), eq(ticketEvents.kind, 'knowledge-linked')));
    expect(history).toHaveLength(1);
    expect(await desk.evaluate('window.linked')).toEqual([{ ticketNumber: ticket.number, entryId: entry?.id, title: TITLE }]);
    await shots(desk, 'knowledge-4-desk-linked');

    await desk.getByTestId('btn-hangup').click();
    await desk.locator('[data-testid=call-state][data-state=ended]').waitFor();
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);
  });

  it('hides the entry from agents once its valid-until day has passed', async () => {
    h.clock.set(NEXT_DAY);
    await desk.getByTestId('tab-knowledge').click();
    await desk.getByTestId('kb-search-input').fill('医保码怎么激活');
    await desk.getByTestId('kb-search-submit').click();
    await desk.getByTestId('kb-results').filter({ hasText: '检索结果' }).waitFor();
    await waitFor(async () => !(await desk.getByTestId('kb-results').textContent())?.includes(TITLE) && !(await desk.getByTestId('kb-results').textContent())?.includes('检索中'), 'the expired entry gone from the results');
    // Editors see it as 已失效.
    await office.reload();
    await office.getByTestId('kb-filter-status').selectOption('');
    await office.locator('[data-testid=kb-entry]', { hasText: TITLE }).locator('[data-status=expired]').waitFor();
    expect(browser.errors).toEqual([]);
  });
});
