/**
 * vitest globalSetup of the browser suites: builds the pages (the same `vite build` as
 * `npm run build:web`) into a folder of this run's own, so that two runs on one checkout never serve
 * each other's half-written build, and checks that Debian's Chromium is there (the tests never
 * download a browser). The suites get the folder with `builtPages()` (browser.ts).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import type { TestProject } from 'vitest/node';
import { CHROMIUM } from './browser.js';

declare module 'vitest' {
  export interface ProvidedContext {
    pagesDir: string;
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium fonts-noto-cjk (see .ci/run)`);
  const outDir = mkdtempSync(join(tmpdir(), 'cti-pages-'));
  await build({
    configFile: fileURLToPath(new URL('../../softphone-bridge/web/vite.config.ts', import.meta.url)),
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true },
  });
  project.provide('pagesDir', outDir);
  return () => rmSync(outDir, { recursive: true, force: true });
}
