/**
 * The reports page in a real browser: a supervisor logs in, picks a seeded day and 按热线, and sees
 * the figures `GET /api/v1/kpis` gives for it — every cell of the table, a bar group per row in both
 * charts — and downloads the same CSV. Refused queries (400, 401) are explained in Chinese.
 */
import { readFileSync } from 'node:fs';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../store/index.js';
import { useHarness } from '../support/harness.js';
import { seedCall, type SeedCall } from '../support/seed-calls.js';
import { builtPages, launchBrowser, screenshot, type BrowserSession } from './browser.js';

const h = useHarness({ pagesDir: builtPages() });
let browser: BrowserSession;
let page: Page;

const DAY = '2026-11-18';
const MAIN = '12345 政务服务便民热线';
const MARKET = '12315 市场监管投诉举报热线';
const SOCIAL = '12333 人社服务热线';

const seed = (db: Db, c: SeedCall) => seedCall(db, DAY, c);

/** What the page shows for a figure (reports/main.ts): rates as percentages, times in seconds. */
function shown(column: string, value: number): string {
  if (/Rate$/.test(column)) return `${(value * 100).toFixed(1)}%`;
  if (/Seconds$/.test(column)) return `${value.toFixed(1)} 秒`;
  return String(value);
}

/** An attribute of every element a locator finds. */
const attrs = async (locator: Locator, name: string) => Promise.all((await locator.all()).map((l) => l.getAttribute(name)));

let token = '';
const kpis = (query: string) => fetch(`${h.server.httpUrl}/api/v1/kpis?${query}`, { headers: { authorization: `Bearer ${token}` } });

beforeAll(async () => {
  const db = h.server.store.db;
  seed(db, { id: 'r-1', caller: '13800000001', dialled: '12345', hotline: MAIN, at: '08:40', skill: 'general', waitS: 8, handleS: 150, agent: '1001', outcome: 'answered', satisfaction: 'satisfied' });
  seed(db, { id: 'r-2', caller: '13800000002', dialled: '12345', hotline: MAIN, at: '09:10', skill: 'general', waitS: 25, handleS: 95, agent: '1002', outcome: 'answered', transfers: 1 });
  seed(db, { id: 'r-3', caller: '13800000001', dialled: '12345', hotline: MAIN, at: '09:30', skill: 'general', waitS: 40, outcome: 'abandoned' });
  seed(db, { id: 'r-4', caller: '13800000004', dialled: '12315', hotline: MARKET, at: '10:05', skill: 'market-12315', waitS: 12, handleS: 200, agent: '1004', outcome: 'answered', satisfaction: 'dissatisfied' });
  seed(db, { id: 'r-5', caller: '13800000005', dialled: '12333', hotline: SOCIAL, at: '11:20', skill: 'general', waitS: 5, handleS: 61, agent: '1003', outcome: 'answered', satisfaction: 'satisfied' });
  seed(db, { id: 'r-6', caller: '13800000006', dialled: '12333', hotline: SOCIAL, at: '14:45', skill: 'general', waitS: 18, outcome: 'abandoned' });

  const login = await fetch(`${h.server.httpUrl}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'super', password: 'demo' }) });
  token = ((await login.json()) as { token: string }).token;
  browser = await launchBrowser();
  page = await browser.page();
  // The page's "today" is the browser's: run it on the server's test clock, not the machine's date.
  await page.clock.install({ time: h.clock.now() });
});
afterAll(async () => {
  await browser?.close();
});

describe('reports page', () => {
  it("shows a day's KPIs per hotline as the endpoint gives them, charted, and downloads the same CSV", async () => {
    const expected = (await (await kpis(`date=${DAY}&by=hotline`)).json()) as { rows: Record<string, string | number>[] };
    expect(expected.rows.map((r) => r.key)).toEqual([MARKET, SOCIAL, MAIN]);

    await page.goto(`${h.server.httpUrl}/reports`);
    await page.getByTestId('login-username').fill('super');
    await page.getByTestId('login-password').fill('demo');
    await page.getByTestId('login-submit').click();
    // Today (Shanghai) by default.
    await page.getByTestId('report-status').filter({ hasText: '共' }).waitFor();
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(h.clock.now());
    expect(await page.getByTestId('report-date').inputValue()).toBe(today);

    await page.getByTestId('report-date').fill(DAY);
    await page.getByTestId('report-by').selectOption({ label: '按热线' });
    await page.getByTestId('report-status').filter({ hasText: `${DAY} · 按热线 · 共 3 行` }).waitFor();

    const table = page.getByTestId('kpi-table');
    expect(await table.locator('thead th').allTextContents()).toEqual([
      '热线',
      '呼入量',
      '接通量',
      '接通率',
      '15秒接通率',
      '平均等待',
      'P90等待',
      '放弃量',
      '放弃平均等待',
      '平均处理时长',
      '转接',
      '三方通话',
      '满意率',
      '重复来电率',
      '超期工单',
      '外呼量',
      '外呼接通',
    ]);
    const rows = table.locator('tbody tr');
    expect(await rows.count()).toBe(expected.rows.length);
    for (const [i, row] of expected.rows.entries()) {
      const cells = rows.nth(i).locator('td');
      const columns = await attrs(cells, 'data-column');
      expect(columns).toEqual(Object.keys(row));
      const texts = await cells.allTextContents();
      expect(texts).toEqual(Object.entries(row).map(([column, value]) => (typeof value === 'number' ? shown(column, value) : value)));
    }

    // Both charts: one group of two bars per row, in the table's order.
    for (const chart of ['chart-volume', 'chart-rates']) {
      const groups = page.getByTestId(chart).locator('svg [data-testid=bar-group]');
      expect(await groups.count()).toBe(expected.rows.length);
      expect(await attrs(groups, 'data-slot')).toEqual(expected.rows.map((r) => r.key));
      for (let i = 0; i < expected.rows.length; i++) expect(await groups.nth(i).locator('rect').count()).toBe(2);
    }
    await screenshot(page, 'reports-1-by-hotline');

    // Byte for byte, the BOM that spreadsheet programs need included.
    const csv = Buffer.from(await (await kpis(`date=${DAY}&by=hotline&format=csv`)).arrayBuffer());
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('btn-csv').click()]);
    expect(download.suggestedFilename()).toBe(`kpis-${DAY}-hotline.csv`);
    const saved = readFileSync(await download.path());
    const secondLine = (b: Buffer) => b.toString('utf8').split('\r\n')[1];
    expect(secondLine(saved)).toBe(secondLine(csv));
    expect(secondLine(saved)).toMatch(/^12315 市场监管投诉举报热线,1,1,/);
    expect(saved.equals(csv)).toBe(true);
    expect(browser.errors).toEqual([]);
  });

  it('is linked from the wallboard, and explains a refused query in Chinese', async () => {
    await page.goto(`${h.server.httpUrl}/wallboard`);
    await page.getByTestId('nav-reports').click();
    await page.waitForURL(/\/reports/);
    // The login made in this tab holds.
    await page.getByTestId('report-status').filter({ hasText: '总计 · 共 1 行' }).waitFor();
    await page.getByTestId('report-date').fill(DAY);

    await page.getByTestId('report-date').fill('');
    await page.getByTestId('report-error').filter({ hasText: '查询条件不正确（日期：' }).waitFor();
    expect(await page.getByTestId('report-table').isHidden()).toBe(true);
    expect(await page.getByTestId('chart-volume').isHidden()).toBe(true);

    // A login that is no longer valid (401): said so, with a way back to the login form.
    await page.evaluate(`{
      const s = JSON.parse(sessionStorage.getItem('cti.reports.session'));
      sessionStorage.setItem('cti.reports.session', JSON.stringify({ ...s, token: 'expired' }));
    }`);
    await page.reload();
    await page.getByTestId('report-error').filter({ hasText: '登录已失效，请重新登录' }).waitFor();
    await screenshot(page, 'reports-2-login-expired');
    await page.getByTestId('btn-relogin').click();
    await page.getByTestId('login-username').waitFor();
    expect(browser.errors).toEqual([]);
  });
});
