import { describe, expect, it } from 'vitest';
import { isOnDuty } from '../../routing/duty-hours.js';
import { WorkingCalendar } from '../../routing/tickets/working-calendar.js';
import { assignCalls, type AgentAvailability, type WaitingCaller } from '../../routing/acd.js';
import { DEFAULT_REPEAT_POLICY, decideRoute, servingRoute, type RouteFacts } from '../../routing/route-decision.js';
import { subcentreRefusal, subcentreTransferMode } from '../../routing/subcentre-transfer.js';
import type { RouteRow } from '../../store/index.js';

const route = (over: Partial<RouteRow>): RouteRow => ({
  id: 1,
  number: '12345',
  name: '12345 政务服务便民热线',
  mode: 'main',
  prompt: 'greeting-12345',
  skillId: 1,
  menuId: null,
  subcentreDial: null,
  transferMode: null,
  priority: 0,
  enabled: true,
  createdAt: '',
  updatedAt: '',
  ...over,
});

const main = route({});
const facts = (over: Partial<RouteFacts>): RouteFacts => ({
  dialledNumber: '12345',
  route: main,
  block: undefined,
  recentCalls: 1,
  policy: DEFAULT_REPEAT_POLICY,
  ...over,
});

describe('route decision', () => {
  it('a blacklisted caller hears the notice and is released, whatever was dialled', () => {
    const block = { id: 1, number: '139', reason: '恶意骚扰', expiresAt: null, createdBy: 'admin', createdAt: '' };
    expect(decideRoute(facts({ block }))).toEqual({ kind: 'blocked', reason: '恶意骚扰' });
  });

  it('a whole-merged number plays its notice and is served under its own name', () => {
    const whole = route({ id: 3, number: '12333', name: '12333 人社热线', mode: 'whole', prompt: 'notice-merged-12333' });
    const d = decideRoute(facts({ dialledNumber: '12333', route: whole }));
    expect(d).toMatchObject({ kind: 'serve', mode: 'whole', routeId: 3, hotline: '12333 人社热线', greeting: 'notice-merged-12333' });
  });

  it('a parallel hotline keeps its priority and skill', () => {
    const parallel = route({ id: 2, number: '12315', mode: 'parallel', skillId: 7, priority: 1, prompt: 'greeting-12315' });
    expect(decideRoute(facts({ route: parallel }))).toMatchObject({ mode: 'parallel', skillId: 7, priority: 1 });
  });

  it('a sub-centre takes callers only the way its transfer mode says; no mode counts as blind', () => {
    const sub = (transferMode: RouteRow['transferMode']) => route({ id: 4, number: '12366', name: '12366 税务分中心', mode: 'subcentre', subcentreDial: 'PJSIP/12366@trunk', transferMode });
    expect(subcentreTransferMode(sub(null))).toBe('blind');
    expect(subcentreRefusal(sub('three-way'), 'transfer')).toBe('分中心「12366 税务分中心」要求三方通话转接，请使用三方通话');
    expect(subcentreRefusal(sub('three-way'), 'conference')).toBeNull();
    expect(subcentreRefusal(sub('blind'), 'conference')).toBe('分中心「12366 税务分中心」要求直接转接，请使用转接');
    expect(subcentreRefusal(sub(null), 'conference')).toBe('分中心「12366 税务分中心」要求直接转接，请使用转接');
    expect(subcentreRefusal(sub('blind'), 'transfer')).toBeNull();
  });

  it('an unknown number is served as 12345, never a dead end', () => {
    expect(decideRoute(facts({ dialledNumber: '99999', route: servingRoute([main], '99999') }))).toMatchObject({
      kind: 'serve',
      mode: 'main',
      routeId: 1,
      hotline: '12345 政务服务便民热线',
    });
  });

  it('the route a call is recorded and ticketed as: its own when enabled, else the main route', () => {
    const whole = route({ id: 3, number: '12333', name: '12333 人社热线', mode: 'whole' });
    expect(servingRoute([main, whole], '12333')).toBe(whole);
    expect(servingRoute([main, whole], '99999')).toBe(main);
    expect(servingRoute([main, { ...whole, enabled: false }], '12333')).toBe(main);
    expect(servingRoute([{ ...main, enabled: false }], '99999')).toBeUndefined();
  });

  it('a caller over the repeat-call limit hears a warning before being served', () => {
    expect(decideRoute(facts({ recentCalls: 5 }))).toMatchObject({ repeatCaller: false });
    expect(decideRoute(facts({ recentCalls: 6 }))).toMatchObject({ repeatCaller: true });
  });
});

const agent = (agentId: number, idleSince: number, skills: [number, number][], over: Partial<AgentAvailability> = {}): AgentAvailability => ({
  agentId,
  state: 'ready',
  phoneRegistered: true,
  phoneBusy: false,
  idleSince,
  skills: new Map(skills),
  ...over,
});
const caller = (callId: string, queuedAt: number, over: Partial<WaitingCaller> = {}): WaitingCaller => ({
  callId,
  skillId: 1,
  overflowSkillIds: [],
  overflowAfterMs: 30_000,
  priority: 0,
  queuedAt,
  ...over,
});

describe('ACD', () => {
  it('gives the first caller to the longest-idle ready agent with the skill', () => {
    const agents = [agent(1, 500, [[1, 5]]), agent(2, 100, [[1, 5]]), agent(3, 50, [[2, 9]])];
    expect(assignCalls([caller('a', 10), caller('b', 20)], agents, 1000)).toEqual([
      { callId: 'a', agentId: 2 },
      { callId: 'b', agentId: 1 },
    ]);
  });

  it('skips agents who are not ready, whose phone is not registered or is on another call', () => {
    const agents = [
      agent(1, 0, [[1, 5]], { state: 'not_ready' }),
      agent(2, 0, [[1, 5]], { phoneRegistered: false }),
      agent(4, 0, [[1, 5]], { phoneBusy: true }),
      agent(3, 900, [[1, 5]]),
    ];
    expect(assignCalls([caller('a', 0)], agents, 1000)).toEqual([{ callId: 'a', agentId: 3 }]);
  });

  it('serves higher priority first, then first come first served', () => {
    const agents = [agent(1, 0, [[1, 5]])];
    expect(assignCalls([caller('early', 0), caller('vip', 500, { priority: 1 })], agents, 1000)).toEqual([
      { callId: 'vip', agentId: 1 },
    ]);
  });

  it('overflows to other skills only after the configured wait', () => {
    const agents = [agent(9, 0, [[2, 5]])];
    const waiting = caller('a', 0, { overflowSkillIds: [2], overflowAfterMs: 20_000 });
    expect(assignCalls([waiting], agents, 10_000)).toEqual([]);
    expect(assignCalls([waiting], agents, 20_000)).toEqual([{ callId: 'a', agentId: 9 }]);
  });

  it('breaks an idle-time tie by skill level', () => {
    const agents = [agent(1, 100, [[1, 3]]), agent(2, 100, [[1, 8]])];
    expect(assignCalls([caller('a', 0)], agents, 1000)).toEqual([{ callId: 'a', agentId: 2 }]);
  });
});

describe('expert seat duty hours', () => {
  const calendar = new WorkingCalendar();
  const office = [{ days: [1, 2, 3, 4, 5], from: '08:30', to: '17:30' }];
  it('is on duty inside a window, in Shanghai time', () => {
    // Monday 2026-11-23 09:00 in Shanghai is 01:00 UTC.
    expect(isOnDuty(office, new Date('2026-11-23T01:00:00Z'), calendar)).toBe(true);
  });
  it('is off duty before opening, at closing time, and at the weekend', () => {
    expect(isOnDuty(office, new Date('2026-11-23T00:29:00Z'), calendar)).toBe(false);
    expect(isOnDuty(office, new Date('2026-11-23T09:30:00Z'), calendar)).toBe(false);
    expect(isOnDuty(office, new Date('2026-11-22T02:00:00Z'), calendar)).toBe(false); // Sunday
  });
  it('a window ending 24:00 is on duty to the end of 23:59, and the next day starts with its own windows', () => {
    const lateWeekdays = [{ days: [1, 2, 3, 4, 5], from: '22:00', to: '24:00' }];
    // Friday 2026-11-27 23:59:59 in Shanghai is 15:59:59 UTC; a second later it is Saturday.
    expect(isOnDuty(lateWeekdays, new Date('2026-11-27T14:00:00Z'), calendar)).toBe(true);
    expect(isOnDuty(lateWeekdays, new Date('2026-11-27T15:59:59Z'), calendar)).toBe(true);
    expect(isOnDuty(lateWeekdays, new Date('2026-11-27T16:00:00Z'), calendar)).toBe(false);
    expect(isOnDuty(lateWeekdays, new Date('2026-11-27T13:59:59Z'), calendar)).toBe(false);
  });
  it('with no windows is always on duty', () => {
    expect(isOnDuty([], new Date('2026-06-10T02:00:00Z'), calendar)).toBe(true);
  });
});
