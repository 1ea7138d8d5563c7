/**
 * vitest globalSetup of the browser suites: builds the pages (the same `vite build` as
 * `npm run build:web`) so the server under test serves what the sources say, and checks that
 * Debian's Chromium is there (the tests never download a browser).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { CHROMIUM } from './browser.js';

export default async function setup(): Promise<void> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium fonts-noto-cjk (see .ci/run)`);
  await build({ configFile: fileURLToPath(new URL('../../softphone-bridge/web/vite.config.ts', import.meta.url)), logLevel: 'warn' });
}
