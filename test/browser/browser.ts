/**
 * Headless Debian Chromium driven by playwright-core for the browser suites: one fresh profile per
 * file, pages at a desktop size, screenshots under `test-output/`.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { inject } from 'vitest';

export const CHROMIUM = '/usr/bin/chromium';
const OUTPUT = fileURLToPath(new URL('../../test-output/', import.meta.url));

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface BrowserSession {
  context: BrowserContext;
  /**
   * A new tab. Uncaught page errors and console errors are kept in `errors` — but not the browser's
   * own notes on HTTP answers the pages expect and handle (a wrong password's 401, a dropped socket).
   */
  page(): Promise<Page>;
  errors: string[];
  close(): Promise<void>;
}

/** The folder this run's pages were built into (build-pages.ts): the server under test serves it. */
export function builtPages(): string {
  return inject('pagesDir');
}

/** `timezoneId`: the PC's time zone (the centre's, Asia/Shanghai, unless a test puts the PC elsewhere). */
export async function launchBrowser(options: { timezoneId?: string } = {}): Promise<BrowserSession> {
  const profile = mkdtempSync(join(tmpdir(), 'cti-chromium-'));
  // A persistent context is playwright's way to give Chromium its own --user-data-dir.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width: 1440, height: 960 },
    locale: 'zh-CN',
    timezoneId: options.timezoneId ?? 'Asia/Shanghai',
  });
  const errors: string[] = [];
  context.on('weberror', (e) => errors.push(String(e.error())));
  return {
    context,
    errors,
    async page() {
      const page = await context.newPage();
      page.on('console', (m) => {
        const text = m.text();
        if (m.type() === 'error' && !text.startsWith('Failed to load resource') && !text.startsWith('WebSocket connection')) errors.push(text);
      });
      return page;
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Saves a full-page screenshot as `test-output/<name>.png`. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(OUTPUT, { recursive: true });
  const path = join(OUTPUT, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Logs the supervisor `super` (phone 1005) in on the wallboard at `serverUrl`, and waits for its figures. */
export async function openWallboard(page: Page, serverUrl: string): Promise<void> {
  await page.goto(`${serverUrl}/wallboard`);
  await page.getByTestId('login-username').fill('super');
  await page.getByTestId('login-password').fill('demo');
  await page.getByTestId('login-endpoint').fill('1005');
  await page.getByTestId('login-submit').click();
  await page.getByTestId('kpi-offered').waitFor();
}
