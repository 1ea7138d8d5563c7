/**
 * What the fuzz test files share: the seed (fixed, or `FUZZ_SEED`), the scale (`FUZZ_SCALE`), one
 * `Findings` per file, a watch on the process for anything unhandled, the health check, and the
 * closing lines — each file's counts, and, from whichever file of the run ends last, the total over
 * all of them (the files run in parallel, so they meet in a small file named after the vitest run).
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, expect } from 'vitest';
import { simRequest } from '../support/sim-client.js';
import { describeFindings, Findings } from './findings.js';

export const SEED = Number(process.env['FUZZ_SEED'] ?? 123_450_610);
const SCALE = Number(process.env['FUZZ_SCALE'] ?? 1);

/** `n` scaled by `FUZZ_SCALE` (at least 1). */
export const runs = (n: number): number => Math.max(1, Math.round(n * SCALE));

/** One seed per property, all derived from the run's seed (never from the clock). */
export const seedFor = (n: number): number => (SEED + n * 7919) | 0;

export const seconds = (since: number): string => ((performance.now() - since) / 1000).toFixed(1);

/** The fuzz test files; the run's total is printed once all of them have reported. */
const FILES = ['http', 'live'];

export interface FuzzRun {
  findings: Findings;
  crashes: string[];
  /** GET /health is 200 (a finding for `surface` when not). */
  healthy(baseUrl: string, surface: string): Promise<boolean>;
  /** No crash, and no finding for these surfaces. */
  expectClean(...surfaces: string[]): void;
}

/** Registers the file's hooks: the watch on the process while it runs, the report after. */
export function fuzzRun(file: (typeof FILES)[number]): FuzzRun {
  const findings = new Findings();
  const crashes: string[] = [];
  const onCrash = (what: string) => (error: unknown) => {
    crashes.push(`${what}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`.slice(0, 800));
  };
  const onUncaught = onCrash('uncaught exception');
  const onRejection = onCrash('unhandled rejection');
  const startedAt = performance.now();
  const cpuAtStart = process.cpuUsage();

  beforeAll(() => {
    process.on('uncaughtException', onUncaught);
    process.on('unhandledRejection', onRejection);
  });

  afterAll(() => {
    process.off('uncaughtException', onUncaught);
    process.off('unhandledRejection', onRejection);
    const cpu = process.cpuUsage(cpuAtStart);
    console.log(`fuzz (${file}): seed ${SEED}; ${findings.summary()}; ${seconds(startedAt)} s (${((cpu.user + cpu.system) / 1e6).toFixed(1)} s of CPU)`);
    console.log(`fuzz (${file}) answers: ${findings.answerSummary()}`);
    if (findings.all().length > 0) console.log(`fuzz (${file}) findings:\n${describeFindings(findings.all())}`);
    reportTotal(file, findings);
  });

  return {
    findings,
    crashes,
    async healthy(baseUrl, surface) {
      const res = await simRequest(baseUrl, 'GET', '/health');
      if (res.status !== 200) findings.add(`${surface}: GET /health answered ${res.status}`, res.body);
      return res.status === 200;
    },
    expectClean(...surfaces) {
      expect(crashes, crashes.join('\n')).toEqual([]);
      const problems = surfaces.flatMap((s) => findings.of(`${s}:`));
      expect(problems, describeFindings(problems)).toEqual([]);
    },
  };
}

/** Adds this file's counts to the run's; the last file prints `fuzz: … total N`. */
function reportTotal(file: string, findings: Findings): void {
  const path = join(tmpdir(), `cti-fuzz-counts-${process.ppid}-${SEED}.json`);
  let all: Record<string, Record<string, number>> = {};
  try {
    if (existsSync(path)) all = JSON.parse(readFileSync(path, 'utf8')) as typeof all;
  } catch {
    all = {};
  }
  all[file] = findings.counts();
  if (FILES.every((f) => all[f])) {
    const merged = new Map<string, number>();
    for (const counts of Object.values(all)) for (const [surface, n] of Object.entries(counts)) merged.set(surface, (merged.get(surface) ?? 0) + n);
    let total = 0;
    for (const n of merged.values()) total += n;
    console.log(`fuzz: seed ${SEED}; ${[...merged.entries()].map(([k, v]) => `${k} ${v}`).join(', ')}, total ${total}`);
    rmSync(path, { force: true });
  } else writeFileSync(path, JSON.stringify(all));
}
