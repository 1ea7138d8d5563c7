/**
 * The reports page in a real browser: a supervisor logs in and reads a date range per day (the 合计
 * row equals the sum of the days, its rates recomputed from the sums), a day per half hour, the
 * GB/T 33358 figures against their targets, "—" for a rate without data, and downloads the CSV with
 * Chinese headers (or the English keys). Refused queries (400, 401) are explained in Chinese.
 */
import { readFileSync } from 'node:fs';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAgents, recordAgentState, type Db } from '../../store/index.js';
import { useHarness } from '../support/harness.js';
import { seedCall, type SeedCall } from '../support/seed-calls.js';
import { builtPages, launchBrowser, screenshot, type BrowserSession } from './browser.js';
import { registeredTicket, WATER_IN_JIANWAI } from '../support/registered-tickets.js';

const h = useHarness({ pagesDir: builtPages() });
let browser: BrowserSession;
let page: Page;

const DAY1 = '2026-11-17';
const DAY2 = '2026-11-18';
const DAY3 = '2026-11-19';
const MAIN = '12345 政务服务便民热线';
const MARKET = '12315 市场监管投诉举报热线';
const SOCIAL = '12333 人社服务热线';

const seed = (db: Db, day: string, c: SeedCall) => seedCall(db, day, c);

/** An attribute of every element a locator finds. */
const attrs = async (locator: Locator, name: string) => Promise.all((await locator.all()).map((l) => l.getAttribute(name)));
const cellOf = (row: Locator, column: string) => row.locator(`[data-column="${column}"]`);
const numberIn = async (row: Locator, column: string) => Number(await cellOf(row, column).textContent());

let token = '';
const kpis = (query: string) => fetch(`${h.server.httpUrl}/api/v1/kpis?${query}`, { headers: { authorization: `Bearer ${token}` } });

beforeAll(async () => {
  const db = h.server.store.db;
  // Day 1: two calls, no evaluation (no satisfaction rate that day).
  await seed(db, DAY1, { id: 'r-0a', caller: '13800000010', dialled: '12345', hotline: MAIN, at: '09:10', skill: 'general', waitS: 6, handleS: 80, agent: '1001', outcome: 'answered' });
  await seed(db, DAY1, { id: 'r-0b', caller: '13800000011', dialled: '12345', hotline: MAIN, at: '09:40', skill: 'general', waitS: 30, outcome: 'abandoned' });
  // Day 2: six calls over the day.
  await seed(db, DAY2, { id: 'r-1', caller: '13800000001', dialled: '12345', hotline: MAIN, at: '08:40', skill: 'general', waitS: 8, handleS: 150, agent: '1001', outcome: 'answered', satisfaction: 'satisfied' });
  await seed(db, DAY2, { id: 'r-2', caller: '13800000002', dialled: '12345', hotline: MAIN, at: '09:10', skill: 'general', waitS: 25, handleS: 95, agent: '1002', outcome: 'answered', transfers: 1 });
  await seed(db, DAY2, { id: 'r-3', caller: '13800000001', dialled: '12345', hotline: MAIN, at: '09:30', skill: 'general', waitS: 40, outcome: 'abandoned' });
  await seed(db, DAY2, { id: 'r-4', caller: '13800000004', dialled: '12315', hotline: MARKET, at: '10:05', skill: 'market-12315', waitS: 12, handleS: 200, agent: '1004', outcome: 'answered', satisfaction: 'dissatisfied' });
  await seed(db, DAY2, { id: 'r-5', caller: '13800000005', dialled: '12333', hotline: SOCIAL, at: '11:20', skill: 'general', waitS: 5, handleS: 61, agent: '1003', outcome: 'answered', satisfaction: 'satisfied' });
  await seed(db, DAY2, { id: 'r-6', caller: '13800000006', dialled: '12333', hotline: SOCIAL, at: '14:45', skill: 'general', waitS: 18, outcome: 'abandoned' });
  // Day 3: no calls.
  // Day 2's agent states (what the activity recorder keeps from the agent.state events), Shanghai times.
  const agentId = async (login: string) => (await listAgents(db)).find((a) => a.login === login)?.id ?? 0;
  const states: [string, string, string, string | null][] = [
    ['1001', '08:30:00', 'ready', null],
    ['1001', '08:40:08', 'on_call', null],
    ['1001', '08:42:38', 'wrap_up', null],
    ['1001', '08:43:08', 'ready', null],
    ['1001', '12:00:00', 'not_ready', '午休'],
    ['1001', '13:00:00', 'ready', null],
    ['1001', '17:00:00', 'offline', null],
    ['1002', '09:00:00', 'ready', null],
    ['1002', '09:10:25', 'on_call', null],
    ['1002', '09:10:40', 'held', null],
    ['1002', '09:11:40', 'on_call', null],
    ['1002', '09:12:00', 'wrap_up', null],
    ['1002', '09:12:30', 'not_ready', '培训'],
    ['1002', '10:00:00', 'offline', null],
  ];
  for (const [login, time, state, reason] of states) await recordAgentState(db, { agentId: await agentId(login), at: new Date(`${DAY2}T${time}+08:00`).toISOString(), state, reason });
  // Looked at on the 20th, after these days.
  h.clock.set('2026-11-20T02:00:00.000Z');

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

async function shoot(name: string): Promise<void> {
  for (const [width, height] of [
    [1440, 900],
    [1280, 720],
  ] as const) {
    await page.setViewportSize({ width, height });
    // Two frames: the page laid out and painted at the new size before the full-page capture.
    await page.evaluate('new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))');
    await screenshot(page, `${name}-${width}x${height}`);
  }
}

describe('reports page', () => {
  it('a date range per day: the 合计 row is the sum of the days, its rates recomputed from the sums', async () => {
    await page.goto(`${h.server.httpUrl}/reports`);
    await page.getByTestId('login-username').fill('super');
    await page.getByTestId('login-password').fill('demo');
    await page.getByTestId('login-submit').click();
    // Today (Shanghai) by default.
    await page.getByTestId('report-status').filter({ hasText: '共' }).waitFor();
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(h.clock.now());
    expect(await page.getByTestId('report-from').inputValue()).toBe(today);
    expect(await page.getByTestId('report-to').inputValue()).toBe(today);

    await page.getByTestId('report-from').fill(DAY1);
    await page.getByTestId('report-to').fill(DAY3);
    await page.getByTestId('report-interval').selectOption({ label: '按日' });
    await page.getByTestId('report-status').filter({ hasText: `${DAY1} 至 ${DAY3} · 总计 · 按日 · 共 2 行` }).waitFor();

    const table = page.getByTestId('kpi-table');
    const headers = await table.locator('thead th').allTextContents();
    expect(headers.slice(0, 8)).toEqual(['时段', '呼入量', '接通量', '放弃量', '其他未接通', '进行中', '接通率', '接通率差距']);
    const rows = table.locator('tbody tr');
    expect(await attrs(rows, 'data-period')).toEqual([DAY1, DAY2]);
    const totals = page.getByTestId('kpi-totals');
    expect(await totals.locator('th').first().textContent()).toBe('合计');
    // Additive figures: the days add up to the 合计 row.
    for (const column of ['offered', 'answered', 'abandoned', 'unansweredOther', 'inProgress', 'answeredWithin15s', 'transfers', 'evaluated']) {
      expect((await numberIn(rows.nth(0), column)) + (await numberIn(rows.nth(1), column))).toBe(await numberIn(totals, column));
    }
    expect(await numberIn(totals, 'offered')).toBe(8);
    expect(await numberIn(totals, 'answered')).toBe(5);
    // Rates from the sums (5 of 8), not the mean of the days' rates (50 % and 66.7 %).
    expect(await cellOf(totals, 'answerRate').textContent()).toBe('62.5%');
    expect(await cellOf(rows.nth(0), 'answerRate').textContent()).toBe('50.0%');
    expect(await cellOf(rows.nth(1), 'answerRate').textContent()).toBe('66.7%');
    // Day 1 has no evaluation: its satisfaction rate is "—", not 0 %; the range's is 2 of 3.
    expect(await cellOf(rows.nth(0), 'satisfactionRate').textContent()).toBe('—');
    expect(await cellOf(totals, 'satisfactionRate').textContent()).toBe('66.7%');
    // Against the 95 % target: 62.5 % is 32.5 points short.
    expect(await page.getByTestId('target-answer-rate-value').textContent()).toBe('62.5%');
    expect(await page.getByTestId('target-answer-rate-gap').textContent()).toBe('差距 −32.5 个百分点');
    expect(await cellOf(totals, 'answerRateGap').textContent()).toBe('−32.5 个百分点');
    // One bar group per day in both charts.
    for (const chart of ['chart-volume', 'chart-rates']) {
      expect(await attrs(page.getByTestId(chart).locator('svg [data-testid=bar-group]'), 'data-slot')).toEqual([DAY1, DAY2]);
    }
    await shoot('reports-1-range-by-day');
    expect(browser.errors).toEqual([]);
  });

  it('a day per half hour, and per hotline', async () => {
    await page.setViewportSize({ width: 1440, height: 960 });
    await page.getByTestId('report-from').fill(DAY2);
    await page.getByTestId('report-to').fill(DAY2);
    await page.getByTestId('report-interval').selectOption({ label: '按半小时' });
    // A row for every half hour with calls or agents signed in (1001 from 08:30 to 17:00).
    await page.getByTestId('report-status').filter({ hasText: `${DAY2} · 总计 · 按半小时 · 共 17 行` }).waitFor();
    const rows = page.getByTestId('kpi-table').locator('tbody tr');
    const withCalls: string[] = [];
    let offered = 0;
    for (const row of await rows.all()) {
      const n = await numberIn(row, 'offered');
      offered += n;
      if (n > 0) withCalls.push((await cellOf(row, 'period').textContent()) ?? '');
    }
    expect(withCalls).toEqual(['08:30–09:00', '09:00–09:30', '09:30–10:00', '10:00–10:30', '11:00–11:30', '14:30–15:00']);
    expect(await numberIn(page.getByTestId('kpi-totals'), 'offered')).toBe(offered);
    expect(offered).toBe(6);
    await shoot('reports-2-half-hour');

    await page.getByTestId('report-interval').selectOption({ label: '整段' });
    await page.getByTestId('report-by').selectOption({ label: '按热线' });
    await page.getByTestId('report-status').filter({ hasText: `${DAY2} · 按热线 · 共 3 行` }).waitFor();
    expect(await attrs(page.getByTestId('kpi-table').locator('tbody tr'), 'data-key')).toEqual([MARKET, SOCIAL, MAIN]);
    // Agent time is kept for the agent and total reports only: seeded calls have no agent states, so no occupancy.
    await page.getByTestId('report-columns').selectOption({ label: '坐席时长' });
    expect(await cellOf(page.getByTestId('kpi-totals'), 'occupancy').textContent()).toBe('—');
    await page.getByTestId('report-columns').selectOption({ label: '来电指标' });
    expect(browser.errors).toEqual([]);
  });

  it('per agent: talk, hold and wrap-up time, 示忙 by reason and occupancy', async () => {
    await page.getByTestId('report-by').selectOption({ label: '按坐席' });
    await page.getByTestId('report-status').filter({ hasText: `${DAY2} · 按坐席 · 共` }).waitFor();
    await page.getByTestId('report-columns').selectOption({ label: '坐席时长' });
    const headers = await page.getByTestId('kpi-table').locator('thead th').allTextContents();
    expect(headers).toEqual(['坐席', '通话时长', '保持时长', '话后整理时长', '示闲时长', '示忙时长', '占用率', '示忙·午休', '示忙·培训']);
    const row = (login: string) => page.getByTestId('kpi-table').locator(`tbody tr[data-key="${login}"]`);
    expect(await cellOf(row('1001'), 'key').textContent()).toBe('1001 王芳');
    expect(await cellOf(row('1001'), 'talkSeconds').textContent()).toBe('02:30');
    expect(await cellOf(row('1001'), 'wrapUpSeconds').textContent()).toBe('00:30');
    expect(await cellOf(row('1001'), 'notReady:午休').textContent()).toBe('1:00:00');
    expect(await cellOf(row('1002'), 'holdSeconds').textContent()).toBe('01:00');
    expect(await cellOf(row('1002'), 'talkSeconds').textContent()).toBe('00:35');
    expect(await cellOf(row('1002'), 'notReady:培训').textContent()).toBe('47:30');
    // 1002: busy 15 + 60 + 20 + 30 = 125 s of 125 + 625 s signed in and not 示忙.
    expect(await cellOf(row('1002'), 'occupancy').textContent()).toBe('16.7%');
    const totals = page.getByTestId('kpi-totals');
    expect(await cellOf(totals, 'notReadySeconds').textContent()).toBe('1:47:30');
    await shoot('reports-3-agent-time');
  });

  it('a day with no calls shows "—" for every rate and against the targets', async () => {
    await page.getByTestId('report-by').selectOption({ label: '总计' });
    await page.getByTestId('report-columns').selectOption({ label: '来电指标' });
    await page.getByTestId('report-from').fill(DAY3);
    await page.getByTestId('report-to').fill(DAY3);
    await page.getByTestId('report-status').filter({ hasText: `${DAY3} · 总计 · 共 0 行` }).waitFor();
    expect(await page.getByTestId('target-answer-rate-value').textContent()).toBe('—');
    expect(await page.getByTestId('target-15s-gap').textContent()).toBe('差距 —');
    const totals = page.getByTestId('kpi-totals');
    for (const column of ['answerRate', 'answeredWithin15sRate', 'satisfactionRate', 'averageWaitSeconds']) expect(await cellOf(totals, column).textContent()).toBe('—');
    expect(await cellOf(totals, 'offered').textContent()).toBe('0');
    await shoot('reports-4-no-calls');
    expect(browser.errors).toEqual([]);
  });

  it('downloads the CSV with Chinese headers and the BOM, or with the English keys', async () => {
    await page.getByTestId('report-from').fill(DAY1);
    await page.getByTestId('report-to').fill(DAY2);
    await page.getByTestId('report-interval').selectOption({ label: '按日' });
    await page.getByTestId('report-status').filter({ hasText: `${DAY1} 至 ${DAY2} · 总计 · 按日 · 共 2 行` }).waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('btn-csv').click()]);
    expect(download.suggestedFilename()).toBe(`kpis-${DAY1}_${DAY2}-total-day.csv`);
    const saved = readFileSync(await download.path());
    expect([...saved.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = saved.toString('utf8').slice(1).trim().split('\r\n');
    const header = lines[0]?.split(',') ?? [];
    expect(header.slice(0, 5)).toEqual(['时段', '范围', '呼入量', '接通量', '放弃量']);
    expect(lines.map((l) => l.split(',')[0])).toEqual(['时段', DAY1, DAY2, '合计']);
    // Day 1's satisfaction rate has no data: an empty cell, not 0.
    const day1 = lines[1]?.split(',') ?? [];
    expect(day1[header.indexOf('满意率')]).toBe('');
    expect(lines[3]?.split(',')[header.indexOf('呼入量')]).toBe('8');
    // The same file the endpoint gives, byte for byte.
    const direct = Buffer.from(await (await kpis(`from=${DAY1}&to=${DAY2}&by=total&interval=day&format=csv`)).arrayBuffer());
    expect(saved.equals(direct)).toBe(true);

    await page.getByTestId('csv-english').check();
    const [english] = await Promise.all([page.waitForEvent('download'), page.getByTestId('btn-csv').click()]);
    const en = readFileSync(await english.path()).toString('utf8').slice(1).split('\r\n');
    expect(en[0]?.split(',').slice(0, 4)).toEqual(['period', 'key', 'offered', 'answered']);
    expect(en[3]?.split(',')[0]).toBe('total');
    expect(browser.errors).toEqual([]);
  });

  it('shows the week\'s hot topics, classifications and streets, against the week before', async () => {
    const db = h.server.store.db;
    const now = h.clock.now().getTime(); // Friday 2026-11-20
    for (let i = 0; i < 3; i++) await registeredTicket(db, now - i * 3_600_000, WATER_IN_JIANWAI);
    await registeredTicket(db, now - 7 * 86_400_000, WATER_IN_JIANWAI);
    await page.reload();
    const categories = page.getByTestId('hot-categories');
    await categories.locator('tr').filter({ hasText: '城乡建设 > 供水' }).filter({ hasText: '+200%' }).waitFor();
    expect(await page.getByTestId('hot-areas').locator('tbody tr').first().textContent()).toBe('建外街道31+200%');
    expect(await page.getByTestId('hot-topics').textContent()).toContain('2026-11-16 起的一周');
    await page.getByTestId('hot-topics').scrollIntoViewIfNeeded();
    await shoot('reports-5-hot-topics');
    expect(browser.errors).toEqual([]);
  });

  it('is linked from the wallboard, and explains a refused query in Chinese', async () => {
    await page.goto(`${h.server.httpUrl}/wallboard`);
    await page.getByTestId('nav-reports').click();
    await page.waitForURL(/\/reports/);
    // The login made in this tab holds.
    await page.getByTestId('report-status').filter({ hasText: '总计 · 共' }).waitFor();

    await page.getByTestId('report-from').fill('');
    await page.getByTestId('report-error').filter({ hasText: '查询条件不正确（起始日期：' }).waitFor();
    expect(await page.getByTestId('report-table').isHidden()).toBe(true);
    expect(await page.getByTestId('chart-volume').isHidden()).toBe(true);

    // An end before the start is refused, naming the field.
    await page.getByTestId('report-from').fill(DAY2);
    await page.getByTestId('report-to').fill(DAY1);
    await page.getByTestId('report-error').filter({ hasText: '结束日期：结束日期不能早于起始日期' }).waitFor();

    // A login that is no longer valid (401): said so, with a way back to the login form.
    await page.evaluate(`{
      const s = JSON.parse(sessionStorage.getItem('cti.reports.session'));
      sessionStorage.setItem('cti.reports.session', JSON.stringify({ ...s, token: 'expired' }));
    }`);
    await page.reload();
    await page.getByTestId('report-error').filter({ hasText: '登录已失效，请重新登录' }).waitFor();
    await page.getByTestId('btn-relogin').click();
    await page.getByTestId('login-username').waitFor();
    expect(browser.errors).toEqual([]);
  });
});
