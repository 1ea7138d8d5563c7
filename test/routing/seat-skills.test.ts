import { describe, expect, it } from 'vitest';
import { SEAT_SKILL_LEVEL, hasDutyWindows, seatSkillsAt, withSeatSkills, type SeatFacts } from '../../routing/seat-skills.js';
import { WorkingCalendar } from '../../routing/tickets/working-calendar.js';

const calendar = new WorkingCalendar();

const office = [{ days: [1, 2, 3, 4, 5], from: '08:30', to: '17:30' }];
// Wednesday 2026-06-10, 10:00 and 18:00 in Shanghai.
const morning = new Date('2026-06-10T02:00:00Z');
const evening = new Date('2026-06-10T10:00:00Z');
const seat = (over: Partial<SeatFacts>): SeatFacts => ({ agentId: 7, skillId: 3, onDuty: office, enabled: true, ...over });

describe('skills expert seats lend their agents for call distribution', () => {
  it('an enabled seat of an agent lends its skill while on duty, not after', () => {
    expect(seatSkillsAt([seat({})], morning, calendar)).toEqual(new Map([[7, new Map([[3, SEAT_SKILL_LEVEL]])]]));
    expect(seatSkillsAt([seat({})], evening, calendar).size).toBe(0);
  });

  it('a disabled seat and a seat on an outside number lend nothing', () => {
    expect(seatSkillsAt([seat({ enabled: false })], morning, calendar).size).toBe(0);
    expect(seatSkillsAt([seat({ agentId: null })], morning, calendar).size).toBe(0);
  });

  it('a seat without windows lends always; one whose windows are not a list never', () => {
    expect(seatSkillsAt([seat({ onDuty: [] })], evening, calendar).get(7)?.has(3)).toBe(true);
    expect(seatSkillsAt([seat({ onDuty: 'junk' })], morning, calendar).size).toBe(0);
  });

  it('two seats of one agent lend both skills', () => {
    expect([...(seatSkillsAt([seat({}), seat({ skillId: 4, onDuty: [] })], morning, calendar).get(7)?.keys() ?? [])]).toEqual([3, 4]);
  });

  it('adds lent skills to the agent\'s own, keeping a higher own level', () => {
    const own = new Map([
      [1, 6],
      [3, 9],
    ]);
    expect(withSeatSkills(own, new Map([[3, SEAT_SKILL_LEVEL], [4, SEAT_SKILL_LEVEL]]))).toEqual(new Map([[1, 6], [3, 9], [4, SEAT_SKILL_LEVEL]]));
    expect(withSeatSkills(own, undefined)).toBe(own);
    expect(own.has(4)).toBe(false);
  });

  it('the time of day matters only with duty windows on an enabled seat of an agent', () => {
    expect(hasDutyWindows([seat({})])).toBe(true);
    expect(hasDutyWindows([seat({ onDuty: [] }), seat({ enabled: false }), seat({ agentId: null })])).toBe(false);
  });
});
