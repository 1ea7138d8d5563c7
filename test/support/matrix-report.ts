/**
 * A fault matrix runs as several test files (a row or part of a row each, so that they run in
 * parallel), and is still printed whole once: each file adds its cells to the run's report (small
 * files in the temp folder, named after the matrix and the vitest run), and whichever file completes
 * the matrix prints it. Each file also prints the cells it ran.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

/** Each takeover's times from the kill: the standby holding the lock, and taking calls. */
export interface TakeoverTimes {
  lockMs: number;
  servingMs: number;
}

export interface MatrixPart {
  /** Cell key → what the cell showed (`—` if it did not run). */
  cells: Record<string, string>;
  takeovers: TakeoverTimes[];
}

/** The takeover line of a matrix, or nothing when there were none. */
export function takeoverLine(takeovers: TakeoverTimes[]): string[] {
  if (takeovers.length === 0) return [];
  const ms = (k: keyof TakeoverTimes) => takeovers.map((t) => t[k]).sort((a, b) => a - b);
  const range = (v: number[]) => `${Math.round(v[0] ?? 0)}–${Math.round(v.at(-1) ?? 0)} ms`;
  return [`takeover (${takeovers.length}×, from kill -9 of the active server): standby holds the lock ${range(ms('lockMs'))}, takes calls ${range(ms('servingMs'))}`];
}

/**
 * Adds this file's part (`label`: which cells it ran) to the run's report of the matrix `name`; once every one of `allKeys` has
 * been reported, `print` gets the whole matrix (called in one file only).
 */
export function reportMatrixPart(name: string, label: string, part: MatrixPart, allKeys: string[], print: (whole: MatrixPart) => void): void {
  const prefix = `cti-${name}-${process.ppid}-`;
  const dir = tmpdir();
  writeFileSync(join(dir, `${prefix}${label.replace(/[^\w-]/g, '_')}.json`), JSON.stringify(part));
  const whole: MatrixPart = { cells: {}, takeovers: [] };
  const files = readdirSync(dir).filter((f) => f.startsWith(prefix) && f.endsWith('.json'));
  for (const file of files) {
    try {
      const read = JSON.parse(readFileSync(join(dir, file), 'utf8')) as MatrixPart;
      Object.assign(whole.cells, read.cells);
      whole.takeovers.push(...read.takeovers);
    } catch {
      // another file is writing its part, or has just printed and removed it
    }
  }
  if (!allKeys.every((k) => k in whole.cells)) return;
  // Two files completing it at once: only the one that claims it prints.
  try {
    mkdirSync(join(dir, `${prefix}printed`));
  } catch {
    return;
  }
  print(whole);
  for (const file of files) rmSync(join(dir, file), { force: true });
  rmSync(join(dir, `${prefix}printed`), { recursive: true, force: true });
}

/**
 * One test file's part of the matrix `name`: the results its cells record (by cell key) and its
 * takeovers. After the file, prints its cells (`lines(cells, false)`), adds them to the run's report,
 * and prints the whole matrix (`lines(cells, true)`) if this file completed it.
 */
export function matrixPart(
  name: string,
  label: string,
  cellKeys: readonly string[],
  allKeys: string[],
  lines: (cells: Record<string, string>, whole: boolean) => string[],
): { results: Map<string, string>; takeovers: TakeoverTimes[] } {
  const results = new Map<string, string>();
  const takeovers: TakeoverTimes[] = [];
  afterAll(() => {
    const cells = Object.fromEntries(cellKeys.map((k) => [k, results.get(k) ?? '—']));
    console.log([...lines(cells, false), ...takeoverLine(takeovers)].join('\n'));
    reportMatrixPart(name, label, { cells, takeovers }, allKeys, (whole) => console.log([...lines(whole.cells, true), ...takeoverLine(whole.takeovers)].join('\n')));
  });
  return { results, takeovers };
}
