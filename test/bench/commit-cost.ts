/**
 * What an SQLite commit costs, and what it costs by: CPU per transaction for one random row updated,
 * for four in one transaction, a savepoint with its release, and a flush (`fdatasync`) after fifteen
 * 4 KB writes (an arrival's commit writes about fifteen pages) against the writes alone. Measured on
 * a WAL file at `synchronous = NORMAL`, as the server's connection runs.
 *
 * Why: batching commits saves only what is fixed per commit; a commit writes each page it changed,
 * and writes of different calls are on different pages. This puts numbers on both (docs/performance-log.md,
 * "eighth look").
 *
 *   npx tsc -p tsconfig.build.json && node dist/test/bench/commit-cost.js
 */
import Database from 'better-sqlite3';
import { closeSync, fdatasyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROWS = 20_000;
const RUNS = 20_000;
const FLUSHES = 2_000;
const PAGES_PER_COMMIT = 15;
const PAGE = 4096;

/** CPU (user + system) per run of `step`, in µs. */
function cpuPerRun(runs: number, step: (i: number) => void): number {
  const before = process.cpuUsage();
  for (let i = 0; i < runs; i++) step(i);
  const used = process.cpuUsage(before);
  return (used.user + used.system) / runs;
}

/** Row ids spread over the table: each update lands on a page of its own, as different calls' rows do. */
const rowOf = (i: number): number => 1 + ((i * 7_919) % ROWS);

function sqliteFigures(dir: string): string[] {
  const db = new Database(join(dir, 'commit-cost.db'));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec('create table calls (id integer primary key, state text not null, skill text, waited integer not null)');
    const insert = db.prepare('insert into calls (state, skill, waited) values (?, ?, ?)');
    db.transaction(() => {
      for (let i = 0; i < ROWS; i++) insert.run('ended', 'general'.repeat(20), i);
    })();
    const update = db.prepare('update calls set state = ?, waited = waited + 1 where id = ?');
    const begin = db.prepare('BEGIN IMMEDIATE');
    const commit = db.prepare('COMMIT');
    const savepoint = db.prepare('SAVEPOINT w');
    const release = db.prepare('RELEASE w');
    const one = cpuPerRun(RUNS, (i) => {
      begin.run();
      update.run('queued', rowOf(i));
      commit.run();
    });
    const four = cpuPerRun(RUNS / 4, (i) => {
      begin.run();
      for (let k = 0; k < 4; k++) update.run('queued', rowOf(i * 4 + k));
      commit.run();
    });
    const savepoints = cpuPerRun(RUNS, (i) => {
      if (i % 4 === 0) begin.run();
      savepoint.run();
      release.run();
      if (i % 4 === 3) commit.run();
    });
    return [
      `one row updated, its own transaction: ${one.toFixed(1)} µs`,
      `four rows (four pages) in one transaction: ${four.toFixed(1)} µs (${(four / 4).toFixed(1)} µs a row)`,
      `a savepoint and its release inside a transaction: ${savepoints.toFixed(1)} µs`,
    ];
  } finally {
    db.close();
  }
}

function flushFigures(dir: string): string[] {
  const fd = openSync(join(dir, 'flush.bin'), 'w+');
  const page = Buffer.alloc(PAGE, 7);
  const write = (i: number) => {
    for (let k = 0; k < PAGES_PER_COMMIT; k++) writeSync(fd, page, 0, PAGE, ((i * PAGES_PER_COMMIT + k) % 2_000) * PAGE);
  };
  try {
    const flushed = cpuPerRun(FLUSHES, (i) => {
      write(i);
      fdatasyncSync(fd);
    });
    const unflushed = cpuPerRun(FLUSHES, write);
    return [`${PAGES_PER_COMMIT} page writes and an fdatasync: ${flushed.toFixed(0)} µs; the writes alone: ${unflushed.toFixed(0)} µs`];
  } finally {
    closeSync(fd);
  }
}

const dir = mkdtempSync(join(tmpdir(), 'cti-commit-cost-'));
try {
  const lines = [...sqliteFigures(dir), ...flushFigures(dir)];
  process.stdout.write(`CPU per run (WAL, synchronous = NORMAL):\n${lines.map((line) => `  ${line}`).join('\n')}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
