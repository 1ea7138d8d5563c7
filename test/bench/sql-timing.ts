/**
 * Where the server's time in SQLite goes, statement by statement: loaded into the server child with
 * `BENCH_NODE_ARGS="--import ./dist/test/bench/sql-timing.js"` and `BENCH_SQL_TIMES=<file>`, it times
 * every run of every better-sqlite3 statement (wall time on the event loop, which is where a statement
 * runs) and, when the server exits, writes per statement text: runs, how often it was prepared, total
 * and mean time, and the runs over half a millisecond. A statement prepared once but slow on every run
 * is worth a look (a bound LIMIT once made SQLite plan one again on every run).
 *
 * Measurement only: it wraps the driver's methods, so it costs a little on every statement itself.
 */
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

interface Timing {
  runs: number;
  prepares: number;
  totalNs: number;
  slowRuns: number;
  slowNs: number;
}

type Method = (this: unknown, ...args: unknown[]) => unknown;
interface StatementLike {
  run: Method;
  all: Method;
  get: Method;
}
interface DatabaseClass {
  prototype: { prepare: (this: unknown, source: string) => StatementLike };
}

const SLOW_NS = 500_000;
const out = process.env.BENCH_SQL_TIMES;
if (out) {
  // The server's own copy of the driver (resolved from the project), not one next to this file.
  const Database = createRequire(`${process.cwd()}/package.json`)('better-sqlite3') as DatabaseClass;
  const timings = new Map<string, Timing>();
  const timingOf = (source: string): Timing => {
    let timing = timings.get(source);
    if (!timing) {
      timing = { runs: 0, prepares: 0, totalNs: 0, slowRuns: 0, slowNs: 0 };
      timings.set(source, timing);
    }
    return timing;
  };
  const prepare = Database.prototype.prepare;
  Database.prototype.prepare = function (this: unknown, source: string): StatementLike {
    const statement = prepare.call(this, source);
    const timing = timingOf(source);
    timing.prepares += 1;
    for (const name of ['run', 'all', 'get'] as const) {
      const method = statement[name];
      statement[name] = function (this: unknown, ...args: unknown[]): unknown {
        const started = process.hrtime.bigint();
        try {
          return method.apply(this, args);
        } finally {
          const ns = Number(process.hrtime.bigint() - started);
          timing.runs += 1;
          timing.totalNs += ns;
          if (ns > SLOW_NS) {
            timing.slowRuns += 1;
            timing.slowNs += ns;
          }
        }
      };
    }
    return statement;
  };
  process.on('exit', () => {
    const rows = [...timings]
      .filter(([, t]) => t.runs > 0)
      .sort(([, a], [, b]) => b.totalNs - a.totalNs)
      .map(([source, t]) => ({
        statement: source.replace(/\s+/g, ' ').trim(),
        runs: t.runs,
        prepares: t.prepares,
        totalMs: Math.round(t.totalNs / 1e4) / 100,
        meanUs: Math.round(t.totalNs / t.runs / 100) / 10,
        over500Us: t.slowRuns,
        over500UsMs: Math.round(t.slowNs / 1e4) / 100,
      }));
    writeFileSync(out, `${JSON.stringify(rows, null, 1)}\n`);
  });
}
