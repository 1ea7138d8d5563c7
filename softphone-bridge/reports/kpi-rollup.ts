/**
 * Daily KPI roll-up: at 00:10 Shanghai time each finished day's KPIs (total, per hotline, skill and
 * agent) are stored in `kpi_daily`. Days missed while the server was down (up to a week back) are
 * rolled up on start and at every run; re-running a day replaces its rows (all groupings in one
 * transaction), never duplicates them.
 *
 * A day is not settled by its first roll-up: a caller still waiting at 00:10 would stay 进行中 for
 * good, and the calls the outage import (cti/recovery/outage-importer.ts) brings in later — possibly
 * while the roll-up on start runs — would be missing. So each roll-up also stores what it was made
 * from (grouping `source`: how many calls arrived that day and how many had not ended), and every
 * run rolls up again each day of the week whose calls no longer match that: one has ended since, or
 * calls were added. Calls imported after an outage are thus in `kpi_daily` after the next run (the
 * next 00:10, or the next start); the KPI report itself (GET /api/v1/kpis) reads the call rows and
 * has them at once.
 */
import { scheduleJob, type ScheduledJob } from '../../cti/jobs/schedule.js';
import type { Logger } from '../../cti/logging.js';
import { atomically, clockOf, countCallsBetween, listDailyKpis, putDailyKpis, rolledUpDates, shanghaiDay, shanghaiDayBounds, type Db } from '../../store/index.js';
import { kpiReport } from './kpi-query.js';
import type { KpiGrouping } from './kpis.js';

const GROUPINGS: KpiGrouping[] = ['total', 'hotline', 'skill', 'agent'];
const CATCH_UP_DAYS = 7;
/** The `kpi_daily` grouping (and key) holding what a day's roll-up was made from. */
const SOURCE = 'source';
const SOURCE_KEY = 'calls';

interface Source {
  /** Calls that arrived that day (any direction). */
  calls: number;
  /** Of those, the ones not ended at the roll-up. */
  open: number;
}

const isSource = (v: unknown): v is Source => typeof v === 'object' && v !== null && typeof (v as Source).calls === 'number' && typeof (v as Source).open === 'number';

export class KpiRollup {
  private job: ScheduledJob | null = null;

  constructor(
    private readonly db: Db,
    private readonly log: Logger,
  ) {}

  start(): void {
    void this.runOnce().catch((err: unknown) => this.log.error({ err }, 'KPI roll-up on start failed; it runs again at its next time'));
    this.job = scheduleJob('kpi-rollup', '10 0 * * *', () => this.runOnce(), this.log);
  }

  /** Rolls up one day (re-running replaces it). */
  async rollUp(date: string): Promise<void> {
    // Counted before the reports are read: a call ending or imported meanwhile makes the next run redo the day.
    const { from, to } = shanghaiDayBounds(date);
    const source = await countCallsBetween(this.db, from, to);
    const groupings: { by: string; rows: { key: string; figures: unknown }[] }[] = [];
    for (const by of GROUPINGS) {
      // The same report as GET /api/v1/kpis for that day (calls, rings and agent time); the total always has its row.
      const report = await kpiReport(this.db, { from: date, to: date, by, interval: 'none' });
      const rows = by === 'total' ? [report.totals] : report.rows;
      groupings.push({ by, rows: rows.map((row) => ({ key: row.key, figures: row })) });
    }
    groupings.push({ by: SOURCE, rows: [{ key: SOURCE_KEY, figures: source }] });
    // All of the day at once: nobody reads new totals beside the old per-hotline rows.
    await atomically(this.db, async (tx) => {
      for (const { by, rows } of groupings) await putDailyKpis(tx, date, by, rows);
    });
  }

  /**
   * Every finished day of the last week that has no roll-up yet, or whose calls changed since its
   * roll-up (see above); returns the days rolled up.
   */
  async runOnce(now = clockOf(this.db).now()): Promise<string[]> {
    const days = Array.from({ length: CATCH_UP_DAYS }, (_, i) => shanghaiDay(new Date(now.getTime() - (i + 1) * 86_400_000)));
    const done = await rolledUpDates(this.db, days.at(-1) ?? '');
    const due: string[] = [];
    for (const day of days) if (!done.has(day) || (await this.changedSince(day))) due.push(day);
    for (const day of due) await this.rollUp(day);
    if (due.length) this.log.info({ days: due }, 'KPIs rolled up');
    return due;
  }

  /** Whether the day's calls differ from what its roll-up was made from (or that is not known: rolled up before it was kept). */
  private async changedSince(day: string): Promise<boolean> {
    const stored = (await listDailyKpis(this.db, day, SOURCE))[0]?.figures;
    if (!isSource(stored)) return true;
    const { from, to } = shanghaiDayBounds(day);
    const now = await countCallsBetween(this.db, from, to);
    // Rows are only ever added or ended, never reopened: any change shows in one of the two counts.
    return now.calls !== stored.calls || now.open !== stored.open;
  }

  stop(): void {
    this.job?.stop();
  }
}
