/**
 * On /knowledge, a supervisor can take down (下架) an entry whose published version agents still read
 * while an editor's revision of it is a draft: the review block with 下架 is shown for it, and after
 * the withdrawal the revision stays a draft and agents read nothing of it.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, login } from '../admin-api/admin-client.js';
import { useHarness } from '../support/harness.js';
import { builtPages, launchBrowser, type BrowserSession } from './browser.js';

const h = useHarness({ pagesDir: builtPages() });
let browser: BrowserSession;
let office: Page;

const TITLE = '职工医保门诊共济报销';
const entry = (answer: string) => ({ title: TITLE, answer, department: '市医疗保障局', categories: ['医疗保障'], hotline: null, keywords: '', validFrom: null, validUntil: null });

beforeAll(async () => {
  browser = await launchBrowser();
  office = await browser.page();
});
afterAll(async () => {
  await browser?.close();
});

describe('withdrawing a published entry under revision on /knowledge', () => {
  it('shows 下架 to the supervisor and keeps the revision as a draft', async () => {
    const url = h.server.httpUrl;
    const editor = client(url, await login(url, 'kb-ybj'));
    const supervisor = client(url, await login(url, 'super'));
    const agent = client(url, await login(url, '1001'));
    const created = await editor<{ id: number }>('POST', '/api/v1/knowledge/entries', { ...entry('门诊费用在统筹基金中按比例报销。'), submit: true });
    await supervisor('POST', `/api/v1/knowledge/entries/${created.body.id}/actions`, { action: 'approve' });
    await editor('PUT', `/api/v1/knowledge/entries/${created.body.id}`, entry('新规定修订中。'));

    await office.goto(`${url}/knowledge`);
    await office.getByTestId('login-username').fill('super');
    await office.getByTestId('login-password').fill('demo');
    await office.getByTestId('login-submit').click();
    await office.getByTestId('kb-filter-status').selectOption('');
    await office.locator('[data-testid=kb-entry]', { hasText: TITLE }).click();
    await office.locator('[data-testid=kb-status][data-status=draft]').waitFor();
    await office.getByTestId('kb-note').fill('报销比例已调整，旧答复有误');
    await office.getByTestId('kb-withdraw').click();
    await office.getByTestId('kb-review-note').filter({ hasText: '报销比例已调整，旧答复有误' }).waitFor();
    await office.locator('[data-testid=kb-entry-form]', { hasText: '尚未发布' }).waitFor();
    expect(await office.locator('[data-testid=kb-status]').getAttribute('data-status')).toBe('draft');
    // Nothing left to withdraw: the review block is gone.
    expect(await office.getByTestId('kb-withdraw').count()).toBe(0);

    const hits = await agent<{ items: { entryId: number }[] }>('GET', `/api/v1/knowledge/search?q=${encodeURIComponent('门诊共济')}`);
    expect(hits.body.items.map((i) => i.entryId)).not.toContain(created.body.id);
    expect(browser.errors).toEqual([]);
  });
});
