/**
 * vitest globalSetup of the server suites: names the folder this run's build of the server goes to
 * (`dist/.cti-server-<pid of the run>`), which server-process.ts makes on first use, and removes it
 * when the run ends. One build serves every test process of the run.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    serverBuildDir: string;
  }
}

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const DIST = join(ROOT, 'dist');
// At the same depth under the checkout as `dist/store/`: the server finds `store/migrations` by walking up.
export const BUILD_PREFIX = '.cti-server-';

export default function setup(project: TestProject): () => void {
  const dir = join(DIST, `${BUILD_PREFIX}${process.pid}`);
  // A fresh checkout has no dist/ yet, and the build's lock is made beside `dir`.
  mkdirSync(DIST, { recursive: true });
  project.provide('serverBuildDir', dir);
  return () => {
    for (const leftover of [dir, `${dir}.lock`]) rmSync(leftover, { recursive: true, force: true });
  };
}
