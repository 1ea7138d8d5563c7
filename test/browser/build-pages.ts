/**
 * vitest globalSetup for the browser suites: builds the pages (the same `vite build` as
 * `npm run build:web`, about a second) into a folder of this run's own, so that two runs on one
 * checkout never serve each other's half-written build. The suites get the folder with
 * `builtPages()` (browser.ts); `launchBrowser()` checks that Debian's Chromium is there (the tests
 * never download a browser).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    pagesDir: string;
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const outDir = mkdtempSync(join(tmpdir(), 'cti-pages-'));
  await build({
    configFile: fileURLToPath(new URL('../../softphone-bridge/web/vite.config.ts', import.meta.url)),
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true },
  });
  project.provide('pagesDir', outDir);
  return () => rmSync(outDir, { recursive: true, force: true });
}
