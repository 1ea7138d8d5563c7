/**
 * China's working-day calendar: weekends, statutory holidays and the adjusted working days (调休),
 * from the maintained `chinese-days` package, corrected by days an admin adds (the State Council
 * publishes next year's plan each autumn; the package may lag). Dates are Shanghai calendar days
 * written `YYYY-MM-DD`.
 */
import chineseDays from 'chinese-days';

export interface CalendarOverride {
  date: string;
  kind: 'workday' | 'holiday';
  name: string;
}

const DAY_MS = 86_400_000;

/** `YYYY-MM-DD` + n calendar days. */
export function addCalendarDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

let knownYear: number | undefined;

/**
 * The last year the package has holiday data for (holidays on weekdays exist every year it knows).
 * Found by looking down from far ahead, not from today: the answer depends on the package only.
 */
function lastKnownYear(): number {
  if (knownYear === undefined) {
    let year = 2100;
    while (year > 2004 && chineseDays.getHolidaysInRange(`${year}-01-01`, `${year}-12-31`, false).length === 0) year -= 1;
    knownYear = year;
  }
  return knownYear;
}

export class WorkingCalendar {
  private readonly overrides: ReadonlyMap<string, CalendarOverride>;
  /** Days after this are only weekday/weekend guesses until an admin or a package update fills them in. */
  readonly knownThrough: string;

  constructor(overrides: readonly CalendarOverride[] = []) {
    this.overrides = new Map(overrides.map((o) => [o.date, o]));
    const lastOverrideYear = Math.max(0, ...overrides.map((o) => Number(o.date.slice(0, 4))));
    this.knownThrough = `${Math.max(lastKnownYear(), lastOverrideYear)}-12-31`;
  }

  isWorkday(day: string): boolean {
    const override = this.overrides.get(day);
    if (override) return override.kind === 'workday';
    return chineseDays.isWorkday(day);
  }

  /**
   * The `n`th working day after `day` (not counting `day` itself), and whether the count ran past the
   * calendar data — a deadline that should be checked when next year's holidays are published.
   */
  addWorkingDays(day: string, n: number): { day: string; beyondKnownData: boolean } {
    let current = day;
    let counted = 0;
    while (counted < n) {
      current = addCalendarDays(current, 1);
      if (this.isWorkday(current)) counted += 1;
    }
    return { day: current, beyondKnownData: current > this.knownThrough };
  }

  /** `day` itself when it is a working day, otherwise the next one. */
  workdayOnOrAfter(day: string): string {
    let current = day;
    while (!this.isWorkday(current)) current = addCalendarDays(current, 1);
    return current;
  }
}
