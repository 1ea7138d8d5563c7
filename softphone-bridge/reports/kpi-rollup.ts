/**
 * Daily KPI roll-up: at 00:10 Shanghai time each finished day's KPIs (total, per hotline, skill and
 * agent) are stored in `kpi_daily`. Days missed while the server was down (up to a week back) are
 * rolled up on start and at every run; re-running a day replaces its rows, never duplicates them.
 */
import { scheduleJob, type ScheduledJob } from '../../cti/jobs/schedule.js';
import type { Logger } from '../../cti/logging.js';
import { clockOf, putDailyKpis, rolledUpDates, shanghaiDay, type Db } from '../../store/index.js';
import { kpiReport } from './kpi-query.js';
import type { KpiGrouping } from './kpis.js';

const GROUPINGS: KpiGrouping[] = ['total', 'hotline', 'skill', 'agent'];
const CATCH_UP_DAYS = 7;

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
    for (const by of GROUPINGS) {
      // The same report as GET /api/v1/kpis for that day (calls, rings and agent time); the total always has its row.
      const report = await kpiReport(this.db, { from: date, to: date, by, interval: 'none' });
      const rows = by === 'total' ? [report.totals] : report.rows;
      await putDailyKpis(this.db, date, by, rows.map((row) => ({ key: row.key, figures: row })));
    }
  }

  /** Every finished day of the last week that has no roll-up yet; returns the days rolled up. */
  async runOnce(now = clockOf(this.db).now()): Promise<string[]> {
    const days = Array.from({ length: CATCH_UP_DAYS }, (_, i) => shanghaiDay(new Date(now.getTime() - (i + 1) * 86_400_000)));
    const done = await rolledUpDates(this.db, days.at(-1) ?? '');
    const missing = days.filter((d) => !done.has(d));
    for (const day of missing) await this.rollUp(day);
    if (missing.length) this.log.info({ days: missing }, 'KPIs rolled up');
    return missing;
  }

  stop(): void {
    this.job?.stop();
  }
}
