/**
 * The content security policy the server sends is one the pages actually pass: every page (and the
 * API documentation) loads, logs in where it has a login, and reports no policy violation.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useHarness } from '../support/harness.js';
import { builtPages, launchBrowser, type BrowserSession } from './browser.js';

const h = useHarness({ pagesDir: builtPages() });
let browser: BrowserSession;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

/** Violations seen by the page itself (the event fires for every blocked script, style, socket, frame). */
async function watch(page: Page): Promise<() => Promise<string[]>> {
  // Page-side code as text: the tests are compiled without the DOM's types.
  await page.addInitScript(
    "window.cspViolations = []; document.addEventListener('securitypolicyviolation', (e) => window.cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));",
  );
  return () => page.evaluate<string[]>('window.cspViolations');
}

describe('content security policy', () => {
  it('no page violates it, logged in or not', async () => {
    for (const [path, login] of [
      ['/', '1001'],
      ['/wallboard', 'super'],
      ['/reports', 'super'],
      ['/admin', 'admin'],
      ['/knowledge', 'kb-ybj'],
    ] as const) {
      const page = await browser.page();
      const violations = await watch(page);
      await page.goto(`${h.server.httpUrl}${path}`);
      await page.getByTestId('login-username').fill(login);
      await page.getByTestId('login-password').fill('demo');
      await page.getByTestId('login-submit').click();
      await page.getByTestId('login-username').waitFor({ state: 'detached' });
      // Let the page open its socket and draw what it draws.
      await page.waitForLoadState('networkidle');
      expect(await violations(), path).toEqual([]);
      await page.close();
    }
    expect(browser.errors.filter((e) => /Content Security Policy/i.test(e))).toEqual([]);
  });

  it('the API documentation page works under it', async () => {
    const page = await browser.page();
    const violations = await watch(page);
    await page.goto(`${h.server.httpUrl}/docs`);
    await page.locator('.swagger-ui .info').first().waitFor();
    await page.waitForLoadState('networkidle');
    expect(await violations()).toEqual([]);
    await page.close();
  });
});
