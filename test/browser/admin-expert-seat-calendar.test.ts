/**
 * The admin console's expert seat form takes duty windows on China's working-day calendar: `工作日`
 * (working days, 调休 weekends included, statutory holidays not) and `休息日` (the other days), beside
 * the weekday windows it always took. The list names them in Chinese, the API stores them as
 * `calendar` windows, and editing the seat shows them again as typed.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, login } from '../admin-api/admin-client.js';
import { useHarness } from '../support/harness.js';
import { builtPages, launchBrowser, type BrowserSession } from './browser.js';

const h = useHarness({ pagesDir: builtPages() });
let browser: BrowserSession;
let page: Page;

beforeAll(async () => {
  browser = await launchBrowser();
  page = await browser.page();
});
afterAll(async () => {
  await browser?.close();
});

const panel = () => page.getByTestId('panel-expert-seats');
const field = (key: string) => panel().getByTestId(`field-${key}`);

describe('admin console: expert seat duty on the working-day calendar', () => {
  it('adds a seat on working days and rest days, lists it in Chinese, and edits it as typed', async () => {
    await page.goto(`${h.server.httpUrl}/admin#expert-seats`);
    await page.getByTestId('login-username').fill('admin');
    await page.getByTestId('login-password').fill('demo');
    await page.getByTestId('login-submit').click();
    await page.getByTestId('tab-expert-seats').click();

    await field('name').fill('工作日值班专家');
    await field('department').fill('市人力资源和社会保障局');
    await field('externalNumber').fill('02361230101');
    await field('skillId').selectOption({ index: 1 });
    await field('onDuty').fill('工作日 08:30-17:30; 休息日 09:00-12:00; 6,7 13:00-14:00');
    await panel().getByTestId('form-submit').click();

    const row = panel().locator('tr[data-row="工作日值班专家"]');
    await row.waitFor();
    await expect.poll(() => row.textContent()).toContain('工作日（含调休上班日） 08:30-17:30; 休息日（含法定节假日） 09:00-12:00; 6,7 13:00-14:00');

    const admin = client(h.server.httpUrl, await login(h.server.httpUrl, 'admin'));
    const seats = (await admin<{ name: string; onDuty: unknown }[]>('GET', '/api/v1/expert-seats')).body;
    expect(seats.find((s) => s.name === '工作日值班专家')?.onDuty).toEqual([
      { calendar: 'workdays', from: '08:30', to: '17:30' },
      { calendar: 'rest-days', from: '09:00', to: '12:00' },
      { days: [6, 7], from: '13:00', to: '14:00' },
    ]);

    await row.getByRole('button', { name: '编辑' }).click();
    await expect.poll(() => field('onDuty').inputValue()).toBe('工作日 08:30-17:30; 休息日 09:00-12:00; 6,7 13:00-14:00');
    expect(browser.errors).toEqual([]);
  });
});
