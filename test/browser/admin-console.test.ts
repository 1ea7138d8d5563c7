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
import { AgentDesktop } from '../support/agent-desktop.js';
import { registerPhones, useHarness } from '../support/harness.js';
import { placeCall, simRequest } from '../support/sim-client.js';
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
    await field('routes', 'prompt').fill('greeting-12345');
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

  it('shows the IVR menu as a tree, with the problems of a refused edit on their nodes', async () => {
    await page.getByTestId('tab-menus').click();
    await panel('menus').locator('tr[data-row="main"]').getByRole('button', { name: '编辑' }).click();
    const tree = page.getByTestId('menu-tree');
    await tree.locator('[data-node="option:3"]').filter({ hasText: '进度查询' }).waitFor();
    const editor = page.getByTestId('menu-json');
    const definition = JSON.parse(await editor.inputValue()) as { options: Record<string, unknown>; onFailure: unknown };
    definition.options['2'] = { type: 'queue', skill: 'no-such-skill' };
    definition.onFailure = { type: 'progress-query' };
    await editor.fill(JSON.stringify(definition, null, 2));
    await page.getByTestId('menu-save').click();
    await tree.locator('[data-node="option:2"] [data-testid=tree-problem]').filter({ hasText: '技能不存在: no-such-skill' }).waitFor();
    await tree.locator('[data-node="onFailure"] [data-testid=tree-problem]').waitFor();
    expect(await page.getByTestId('menu-error').textContent()).toContain('IVR 菜单校验未通过');
    await screenshot(page, 'admin-2-ivr-problems');
    expect(browser.errors).toEqual([]);
  });
});
