/**
 * Random call journeys, driven through the real server and the PBX simulator with real agent desks:
 * citizens dial 12345 or 12333, agents go ready and not ready, pick up or let it ring, hold, transfer
 * (blind to a colleague or back to the queue, attended — completed or cancelled), call a colleague in
 * (三方通话), kick, and any party hangs up at any point, while desks send commands also at wrong
 * moments; time passes too (time-warp.ts): rings time out, wrap-ups are extended and run out. fast-check draws the journeys (a fixed seed: the same ones every run); the steps are applied
 * one at a time, each let settle, so a journey replays the same way.
 *
 * After every step: a command the desk showed no button for was refused; each desk shows the agent's
 * state as the server has it; nobody is on a call that is gone; nobody rings without a ringing phone
 * nor a phone rings for nobody; no wrap-up outlives its end, and each desk counts down to it. After the journey, everything hung
 * up: nothing on the PBX, nobody ringing or on a call, every call one row (ended, `answered` when an
 * agent took it, else `abandoned` and on the missed-call list) and one ticket, and every desk told
 * the end of every call it was offered.
 *
 * `JOURNEY_SEED=<n>` runs other journeys, `JOURNEY_RUNS=<n>` more of them, `JOURNEY_STEPS=<n>` longer
 * ones; `JOURNEY_TRACE=1` prints each journey; `JOURNEY_SHRINK=1` shrinks a failure (slow: every try is
 * a journey through the simulator). A failure prints the seed and path that replay it: run again
 * with `JOURNEY_SEED` and `JOURNEY_PATH`.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hangUpEverything, registerPhones, startHarness, type Harness } from '../support/harness.js';
import { TestClock } from '../support/test-clock.js';
import { agentsFree, callsAccountedFor, desksMatchServer, desksToldTheEnd, pbxEmpty, refusedWhenNotAllowed, ringingMatchesPhones, wrapUpsOnTime } from './journey-invariants.js';
import { journeyArbitrary } from './journey-steps.js';
import { JourneyWorld } from './journey-world.js';
import { TimeWarp } from './time-warp.js';

const DEFAULT_SEED = 103;
const DEFAULT_RUNS = 12;
const SEED = Number(process.env.JOURNEY_SEED ?? DEFAULT_SEED);
const RUNS = Number(process.env.JOURNEY_RUNS ?? DEFAULT_RUNS);
/**
 * What the default journeys must get to, or they would check little: consultations answered and
 * cancelled, transfers completed, three-way calls joined and left, holds, rings taken back.
 */
const MUST_REACH = ['call.consult.answered', 'call.consult.cancelled', 'call.transferred', 'call.conference', 'call.conference.ended', 'call.held', 'call.offer.withdrawn'];
const MUST_RUN_OUT = ['ring-timeout', 'wrap-up'];
const DEFAULT_STEPS = 14;
const MAX_STEPS = Number(process.env.JOURNEY_STEPS ?? DEFAULT_STEPS);

const SIM_TIME_SCALE = 0.25;

let h: Harness;
let world: JourneyWorld;
let warp: TimeWarp;
const accepted = new Map<string, number>();
const seen = new Map<string, number>();

beforeAll(async () => {
  // Neither a ring (60 s, 15 s of real time) nor a wrap-up (600 s) runs out by itself within a
  // journey: only a step that lets time pass (time-warp.ts) ends them, so each journey replays the same way.
  const clock = new TestClock();
  warp = new TimeWarp(clock, SIM_TIME_SCALE);
  warp.install();
  h = await startHarness({ ringTimeoutSeconds: 60, wrapUpSeconds: 600 }, { timeScale: SIM_TIME_SCALE }, clock);
  await registerPhones(h.sim);
  world = new JourneyWorld(h, warp);
  await world.open();
});
afterAll(async () => {
  world?.close();
  await h?.stop();
  warp?.restore();
});

async function fail(what: string, problems: string[]): Promise<void> {
  if (problems.length) throw new Error(`${what}:\n  ${problems.join('\n  ')}\njourney:\n  ${world.trace.join('\n  ')}\n${await world.picture()}`);
}

describe('random call journeys', () => {
  it('lose no call and leave no agent, desk or PBX resource in a wrong state', async () => {
    await fc.assert(
      fc.asyncProperty(journeyArbitrary(MAX_STEPS), async (steps) => {
        await world.begin();
        for (const step of steps) {
          await world.apply(step);
          await fail('after a step', [...refusedWhenNotAllowed(world), ...desksMatchServer(world), ...wrapUpsOnTime(world), ...(await ringingMatchesPhones(world))]);
        }
        await hangUpEverything(h);
        await world.drainPending();
        await world.settle();
        await fail('after the journey', [...(await pbxEmpty(world)), ...agentsFree(world), ...(await callsAccountedFor(world)), ...desksToldTheEnd(world)]);
        if (process.env.JOURNEY_TRACE === '1') console.log(world.trace.join('\n'));
        for (const c of world.commands) if (c.reply?.ok === true) accepted.set(c.type, (accepted.get(c.type) ?? 0) + 1);
        for (const e of world.journeyEvents()) seen.set(e.type, (seen.get(e.type) ?? 0) + 1);
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: process.env.JOURNEY_SHRINK !== '1', ...(process.env.JOURNEY_PATH ? { path: process.env.JOURNEY_PATH } : {}) },
    );
    // What the journeys got to do: a property that never reached a transfer checks little.
    console.log(`random journeys (seed ${SEED}): ${world.allPlaced.length} calls; accepted`, Object.fromEntries(accepted), 'events', Object.fromEntries(seen), 'ran out', Object.fromEntries(world.ranOut));
    expect(world.allPlaced.length).toBeGreaterThan(0);
    if (SEED === DEFAULT_SEED && RUNS === DEFAULT_RUNS && MAX_STEPS === DEFAULT_STEPS) {
      expect(MUST_REACH.filter((type) => !seen.has(type))).toEqual([]);
      // And time ran out: rings timed out, wrap-ups ended.
      expect(MUST_RUN_OUT.filter((kind) => !world.ranOut.has(kind))).toEqual([]);
    }
  }, 600_000);

  it('let time run out: a ring times out, a wrap-up is extended and then ends', async () => {
    await world.begin();
    await world.apply({ kind: 'dial', dialled: '12345' });
    await world.apply({ kind: 'ready', who: 0 });
    const [first] = world.placed;
    const rung = h.server.calls.agents.list().find((a) => a.state === 'ringing');
    // Nobody picks up: the ring times out, the agent is 示忙 (未接), the caller waits for the next one.
    await world.apply({ kind: 'time', until: 'ringTimeout' });
    expect(h.server.calls.agents.get(rung?.agentId ?? -1)).toMatchObject({ state: 'not_ready', reason: '未接' });
    await world.apply({ kind: 'ready', who: 1 });
    await world.apply({ kind: 'answer', who: 0 });
    expect(h.server.calls.call(first?.callId ?? '')?.state).toBe('connected');
    await world.apply({ kind: 'command', command: 'deskHangup', who: 0 });
    const [wrapping] = h.server.calls.agents.list().filter((a) => a.state === 'wrap_up');
    const until = wrapping?.wrapUpUntil ?? 0;
    await world.apply({ kind: 'extend', who: 0 });
    expect(h.server.calls.agents.get(wrapping?.agentId ?? -1)?.wrapUpUntil).toBe(until + 600_000);
    // The first 600 s pass: still in wrap-up (extended); the next 600 s end it.
    await world.warp.advanceTo(until + 1, () => world.settle());
    expect(h.server.calls.agents.get(wrapping?.agentId ?? -1)?.state).toBe('wrap_up');
    await world.apply({ kind: 'time', until: 'wrapUpEnd' });
    expect(h.server.calls.agents.get(wrapping?.agentId ?? -1)?.state).toBe('ready');
    await fail('after time ran out', [...refusedWhenNotAllowed(world), ...desksMatchServer(world), ...wrapUpsOnTime(world), ...(await ringingMatchesPhones(world))]);
    await hangUpEverything(h);
    await world.settle();
    await fail('after the call', [...(await pbxEmpty(world)), ...agentsFree(world), ...(await callsAccountedFor(world)), ...desksToldTheEnd(world)]);
    expect(world.commands.find((c) => c.type === 'agent.wrapUp.extend')?.reply).toMatchObject({ ok: true });
  });

  it('leave nothing that stops the next call: it is answered, and transferred', async () => {
    await world.begin();
    await world.apply({ kind: 'dial', dialled: '12345' });
    await world.apply({ kind: 'ready', who: 0 });
    await world.apply({ kind: 'answer', who: 0 });
    const callId = world.placed[0]?.callId ?? '';
    const first = h.server.calls.call(callId)?.agentId;
    expect(first).toEqual(expect.any(Number));
    await world.apply({ kind: 'blind', who: 0, to: 0, colleagueReady: true, colleagueAnswers: true });
    expect(world.commands.find((c) => c.type === 'call.transfer')?.reply).toMatchObject({ ok: true });
    // The colleague has the caller: connected, to someone other than the agent who transferred.
    const taken = h.server.calls.call(callId);
    expect(taken?.state).toBe('connected');
    expect(taken?.agentId).toEqual(expect.any(Number));
    expect(taken?.agentId).not.toBe(first);
    await hangUpEverything(h);
    await world.settle();
    await fail('after the call', [...(await pbxEmpty(world)), ...agentsFree(world), ...(await callsAccountedFor(world)), ...desksToldTheEnd(world)]);
  });
});
