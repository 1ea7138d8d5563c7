/**
 * Which skills each agent's expert seats lend them now (routing/seat-skills.ts), kept up to date with
 * the seats and the working-day calendar (set again after every admin change of either) and with the
 * clock: while some seat has duty windows, a light timer looks once a second whether the minute changed
 * (windows are whole minutes) and only then works the seats out again — also at midnight, when a
 * window on working days may end because the new day is a holiday. Nothing of this runs when a call
 * arrives: the ACD reads the result.
 */
import type { WorkdayCalendar } from '../../routing/duty-hours.js';
import { hasDutyWindows, seatSkillsAt, type SeatFacts } from '../../routing/seat-skills.js';
import type { Logger } from '../logging.js';

/** How often the timer looks at the clock. */
const CHECK_MS = 1_000;
const MINUTE_MS = 60_000;

export class SeatDuty {
  private seats: readonly SeatFacts[] = [];
  /** China's calendar with the admin's corrections, for windows on working days or rest days. */
  private calendar: WorkdayCalendar | undefined;
  private lent = new Map<number, Map<number, number>>();
  /** The minute the seats were last worked out for. */
  private minute = Number.NaN;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly now: () => number,
    /** The agents whose lent skills the clock changed (to offer waiting callers to a ready one). */
    private readonly changed: (agentIds: number[]) => void,
    private readonly log: Logger,
  ) {}

  /** The skills the agent's seats lend them now (skillId → level), if any. */
  lentTo(agentId: number): ReadonlyMap<number, number> | undefined {
    return this.lent.get(agentId);
  }

  /** The seats and the calendar as they are now (after an admin change: the caller sees what that changed for whom). */
  setSeats(seats: readonly SeatFacts[], calendar: WorkdayCalendar): void {
    this.seats = seats;
    this.calendar = calendar;
    this.recompute(false);
    if (hasDutyWindows(seats)) this.timer ??= setInterval(() => this.tick(), CHECK_MS).unref();
    else this.stop();
  }

  close(): void {
    this.stop();
  }

  private tick(): void {
    if (Math.floor(this.now() / MINUTE_MS) !== this.minute) this.recompute(true);
  }

  private recompute(tell: boolean): void {
    // Nothing to work out before the first seats (and their calendar) are set.
    if (!this.calendar) return;
    const at = this.now();
    this.minute = Math.floor(at / MINUTE_MS);
    const next = seatSkillsAt(this.seats, new Date(at), this.calendar);
    const changed = [...new Set([...this.lent.keys(), ...next.keys()])].filter((id) => !sameLevels(this.lent.get(id), next.get(id)));
    this.lent = next;
    if (changed.length === 0) return;
    for (const agentId of changed) this.log.info({ agentId, skillIds: [...(next.get(agentId)?.keys() ?? [])] }, 'expert seat skills changed');
    if (tell) this.changed(changed);
  }

  private stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}

function sameLevels(a: ReadonlyMap<number, number> | undefined, b: ReadonlyMap<number, number> | undefined): boolean {
  if ((a?.size ?? 0) !== (b?.size ?? 0)) return false;
  return [...(a ?? [])].every(([skillId, level]) => b?.get(skillId) === level);
}
