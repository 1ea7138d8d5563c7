/**
 * The centre works in China Standard Time (UTC+8, no daylight saving): ticket numbers, "today",
 * deadlines, reports and calling hours all use Shanghai calendar days and clock times. One place
 * does that arithmetic.
 */
const OFFSET_MS = 8 * 3600_000;
const DAY_MS = 86_400_000;

const local = (at: Date) => new Date(at.getTime() + OFFSET_MS).toISOString();

/** `2026-11-22`: the Shanghai calendar day of `at`. */
export function shanghaiDay(at: Date): string {
  return local(at).slice(0, 10);
}

/** `09:30`: the Shanghai wall-clock time of `at`. */
export function shanghaiClock(at: Date): string {
  return local(at).slice(11, 16);
}

/** 0–23: the Shanghai hour of `at`. */
export function shanghaiHour(at: Date): number {
  return Number(local(at).slice(11, 13));
}

/** [00:00, 24:00) of a Shanghai day `YYYY-MM-DD`, as UTC ISO strings. */
export function shanghaiDayBounds(day: string): { from: string; to: string } {
  const start = Date.parse(`${day}T00:00:00Z`) - OFFSET_MS;
  return { from: new Date(start).toISOString(), to: new Date(start + DAY_MS).toISOString() };
}

/** The instant a Shanghai day ends (its 24:00). */
export function endOfShanghaiDay(day: string): string {
  return shanghaiDayBounds(day).to;
}
