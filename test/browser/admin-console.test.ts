/**
 * The admin console in a real browser: a new skill, an agent given it, and a `parallel` route to it
 * added through the forms (a refused form shows the API's problem under its field) — and the next
 * call to that number reaches the route's skill with no restart. Then an IVR menu edit that the API
 * refuses, with its problem shown on the menu tree's node.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kpiTargets } from '../../softphone-bridge/reports/kpi-targets.js';
import { AgentDesktop } from '../support/agent-desktop.js';
import { registerPhones, useHarness } from '../support/harness.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';
import { builtPages, launchBrowser, screenshot, type BrowserSession } from './browser.js';

// The carrier delivers the new number into the same Stasis application, as a real centre's dialplan
// would (that is Asterisk's side; the CTI server's routing table decides the rest).
const configDir = mkdtempSync(join(tmpdir(), 'cti-asterisk-config-'));
cpSync(fileURLToPath(new URL('../../asterisk-config/', import.meta.url)), configDir, { recursive: true });
const dialplan = join(configDir, 'extensions.conf');
const original = readFileSync(dialplan, 'utf8');
if (!/^\[from-pstn\]/m.test(original)) throw new Error('asterisk-config/extensions.conf has no [from-pstn] context');
writeFileSync(dialplan, original.replace(/^\[from-pstn\][^\n]*\n/m, (context) => `${context}exten => 12319,1,Stasis(hotline12345,\${EXTEN})\n same => n,Hangup()\n`));

const h = useHarness({ pagesDir: builtPages() }, { configDir });
let browser: BrowserSession;
let page: Page;
const desks: AgentDesktop[] = [];

beforeAll(async () => {
  await registerPhones(h.sim, ['1002', '1005']);
  browser = await launchBrowser();
  page = await browser.page();
  page.on('dialog', (dialog) => void dialog.accept());
});
afterAll(async () => {
  for (const d of desks) d.close();
  await browser?.close();
  rmSync(configDir, { recursive: true, force: true });
});

const panel = (name: string) => page.getByTestId(`panel-${name}`);
const field = (name: string, key: string) => panel(name).getByTestId(`field-${key}`);

describe('admin console', () => {
  it('adds a parallel route to a new skill, and the next call to its number reaches that skill', async () => {
    await page.goto(`${h.server.httpUrl}/admin`);
    await page.getByTestId('login-username').fill('admin');
    await page.getByTestId('login-password').fill('demo');
    await page.getByTestId('login-submit').click();
    await panel('routes').locator('tr[data-row^="12345 "]').waitFor();

    await page.getByTestId('tab-skills').click();
    await field('skills', 'code').fill('city-12319');
    await field('skills', 'name').fill('12319 城建热线');
    await panel('skills').getByTestId('form-submit').click();
    await panel('skills').locator('tr[data-row="12319 城建热线（city-12319）"]').waitFor();

    await page.getByTestId('tab-agents').click();
    await panel('agents').locator('tr[data-row="1005 刘洋"]').getByRole('button', { name: '编辑' }).click();
    await panel('agents').locator('input[data-skill="city-12319"]').check();
    await panel('agents').locator('input[data-skill-level="city-12319"]').fill('9');
    await panel('agents').getByTestId('form-submit').click();
    await panel('agents').locator('tr[data-row="1005 刘洋"]').filter({ hasText: '12319 城建热线 9' }).waitFor();

    await page.getByTestId('tab-routes').click();
    await field('routes', 'number').fill('12319');
    await field('routes', 'name').fill('12319 城乡建设热线');
    await field('routes', 'mode').selectOption('parallel');
    await field('routes', 'skillId').selectOption({ label: '（无）' });
    await panel('routes').getByTestId('form-submit').click();
    // The API refuses a parallel route without its skill, and the form says so under the field.
    await panel('routes').locator('[data-problem=skillId]').filter({ hasText: '双号并行模式必须指定本热线的技能' }).waitFor();
    await field('routes', 'skillId').selectOption({ label: '12319 城建热线（city-12319）' });
    // Prompts are picked from the catalogue, never typed.
    await field('routes', 'prompt').selectOption('greeting-12345');
    await panel('routes').getByTestId('form-submit').click();
    await panel('routes').locator('tr[data-row="12319 城乡建设热线"]').waitFor();
    await screenshot(page, 'admin-1-routes');

    const general = await AgentDesktop.login(h.server.httpUrl, '1002');
    const city = await AgentDesktop.login(h.server.httpUrl, '1005');
    desks.push(general, city);
    expect(await general.command('agent.ready')).toMatchObject({ ok: true });
    expect(await city.command('agent.ready')).toMatchObject({ ok: true });
    const id = await placeCall(h.sim.httpUrl, '13900000001', '12319');
    const pop = await city.next('call.offered', (m) => m.callId === id);
    expect(pop).toMatchObject({ mode: 'parallel', hotline: '12319 城乡建设热线', dialledNumber: '12319' });
    await city.next('call.answered', (m) => m.callId === id);
    expect(general.received.some((m) => m.type === 'call.offered' && m.callId === id)).toBe(false);
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);
    await city.next('call.ended', (m) => m.callId === id);
  });

  it('builds an IVR menu with the form, from catalogued prompts, shows a refused edit on its nodes in words, and a call then walks it', async () => {
    // A new prompt for the menu, added to the catalogue.
    await page.getByTestId('tab-prompts').click();
    await panel('prompts').locator('tr[data-row="greeting-12345"]').waitFor();
    await page.getByTestId('prompt-new-id').fill('menu-eco');
    await page.getByTestId('prompt-new-text').fill('环保举报请按1，人工服务请按0。');
    await page.getByTestId('prompt-add').click();
    await panel('prompts').locator('tr[data-row="menu-eco"]').filter({ hasText: '未生成' }).waitFor();

    await page.getByTestId('tab-menus').click();
    await panel('menus').locator('tr[data-row="main"]').waitFor();
    await panel('menus').getByRole('button', { name: '新建菜单' }).click();
    const form = page.getByTestId('menu-form');
    await form.getByTestId('menu-code').fill('eco');
    await form.getByTestId('menu-name').fill('环保菜单');
    await form.getByTestId('menu-prompts-add').click();
    await form.getByTestId('menu-prompts-0').selectOption('menu-eco');
    // Key 1: the market-supervision skill; key 0 (the new menu's default): the general queue.
    await form.getByTestId('menu-add-option').click();
    const one = form.getByTestId('option-row-1');
    await one.getByTestId('action-skill').selectOption('market-12315');
    // A failure action that keeps the caller in the IVR is refused; the tree says where, in words.
    await form.getByTestId('menu-on-failure').getByTestId('action-type').selectOption('progress-query');
    const tree = page.getByTestId('menu-tree');
    await tree.locator('[data-node="option:1"]').filter({ hasText: '转人工' }).waitFor();
    await page.getByTestId('menu-save').click();
    const problem = tree.locator('[data-node="onFailure"] [data-testid=tree-problem]');
    await problem.waitFor();
    expect(await problem.textContent()).toMatch(/^失败后动作/);
    expect(await page.getByTestId('menu-error').textContent()).toContain('IVR 菜单校验未通过');
    expect(await tree.textContent()).not.toMatch(/undefined|null/);
    await screenshot(page, 'admin-2-ivr-problems');
    await form.getByTestId('menu-on-failure').getByTestId('action-type').selectOption('queue');
    await form.getByTestId('menu-on-failure').getByTestId('action-skill').selectOption('general');
    await page.getByTestId('menu-save').click();
    await panel('menus').locator('tr[data-row="eco"]').waitFor();
    await screenshot(page, 'admin-3-ivr-saved');

    // The menu on the route of 12319, then a call: it hears the menu, presses 1, and reaches the 12315 agent (1004).
    await page.getByTestId('tab-routes').click();
    await panel('routes').locator('tr[data-row="12319 城乡建设热线"]').getByRole('button', { name: '编辑' }).click();
    await field('routes', 'menuId').selectOption({ label: 'eco 环保菜单' });
    await panel('routes').getByTestId('form-submit').click();
    await panel('routes').locator('tr[data-row="12319 城乡建设热线"]').filter({ hasText: 'eco' }).waitFor();

    const played = new Map<string, string[]>();
    const unsubscribe = h.sim.core.subscribe((event) => {
      if (event.type !== 'playback.started' || !event.playback.targetUri.startsWith('channel:')) return;
      const id = event.playback.targetUri.slice('channel:'.length);
      played.set(id, [...(played.get(id) ?? []), event.playback.mediaUri]);
    });
    const market = await AgentDesktop.login(h.server.httpUrl, '1004');
    desks.push(market);
    try {
      expect(await market.command('agent.ready')).toMatchObject({ ok: true });
      const id = await placeCall(h.sim.httpUrl, '13900000002', '12319');
      await waitFor(() => played.get(id)?.includes('sound:menu-eco'), 'the menu prompt');
      await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/dtmf`, { digits: '1' });
      const pop = await market.next('call.offered', (m) => m.callId === id);
      expect(pop.ivrChoices).toEqual([expect.objectContaining({ menu: 'eco', digit: '1' })]);
      await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);
    } finally {
      unsubscribe();
    }
    expect(browser.errors).toEqual([]);
  });

  it('edits the centre settings in forms: a wrong window is refused under its field, a target change is in force at once', async () => {
    await page.getByTestId('tab-settings').click();
    const targets = page.getByTestId('settings-kpi-targets');
    await targets.getByTestId('setting-kpi-targets-answerRate').waitFor();
    expect(await targets.getByTestId('setting-kpi-targets-answerRate').inputValue()).toBe('95');
    await targets.getByTestId('setting-kpi-targets-answerRate').fill('90');
    await targets.getByTestId('save-kpi-targets').click();
    await waitFor(async () => (await kpiTargets(h.server.store.db)).answerRate === 0.9, 'the new target in force');

    const window = page.getByTestId('settings-callback-policy');
    await window.getByTestId('setting-callback-policy-to').fill('07:00');
    await window.getByTestId('save-callback-policy').click();
    await window.locator('[data-problem=to]').filter({ hasText: '结束时间须晚于开始时间 08:30' }).waitFor();
    for (const [width, height] of [[1440, 900], [1280, 720]] as const) {
      await page.setViewportSize({ width, height });
      await screenshot(page, `admin-4-settings-${width}`);
    }
    expect(browser.errors).toEqual([]);
  });
});
