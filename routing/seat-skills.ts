/**
 * The skills expert seats (专家座席) lend their agents for call distribution: a seat that is enabled,
 * sat in by an agent of the centre, and on duty at `at` gives that agent the seat's skill, so the ACD
 * offers them the callers waiting for it (a parallel hotline's calls go to its merged agents and its
 * expert seats). A seat on an outside number is a transfer target only: it lends nothing.
 */
import type { ExpertSeatRow } from '../store/index.js';
import { isOnDuty, type DutyWindow, type WorkdayCalendar } from './duty-hours.js';

/** The level a seat's skill counts at (the default of an agent's skill): only idle time then decides between agents. */
export const SEAT_SKILL_LEVEL = 5;

export type SeatFacts = Pick<ExpertSeatRow, 'agentId' | 'skillId' | 'onDuty' | 'enabled'>;

/** agentId → skillId → level, of the seats that lend a skill at `at` (`calendar`: for windows on working days). */
export function seatSkillsAt(seats: readonly SeatFacts[], at: Date, calendar: WorkdayCalendar): Map<number, Map<number, number>> {
  const lent = new Map<number, Map<number, number>>();
  for (const seat of seats) {
    if (!seat.enabled || seat.agentId === null) continue;
    // A stored list that is not one (written around the admin API) is read as never on duty.
    if (!Array.isArray(seat.onDuty) || !isOnDuty(seat.onDuty as DutyWindow[], at, calendar)) continue;
    const skills = lent.get(seat.agentId) ?? new Map<number, number>();
    skills.set(seat.skillId, SEAT_SKILL_LEVEL);
    lent.set(seat.agentId, skills);
  }
  return lent;
}

/** Whether some seats have duty windows, i.e. whether what they lend can change with the time of day. */
export function hasDutyWindows(seats: readonly SeatFacts[]): boolean {
  return seats.some((s) => s.enabled && s.agentId !== null && Array.isArray(s.onDuty) && s.onDuty.length > 0);
}

/** An agent's own skills with those their seats lend (their own level kept where higher); `own` itself when none. */
export function withSeatSkills(own: ReadonlyMap<number, number>, lent: ReadonlyMap<number, number> | undefined): ReadonlyMap<number, number> {
  if (!lent || lent.size === 0) return own;
  const merged = new Map(own);
  for (const [skillId, level] of lent) merged.set(skillId, Math.max(level, own.get(skillId) ?? 0));
  return merged;
}
