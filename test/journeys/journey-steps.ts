/**
 * The steps a random journey is made of, and the fast-check arbitrary that draws them. A step names
 * who acts (an agent by index, a caller by index among the calls placed so far) and what they do;
 * the world (journey-world.ts) applies it to whatever the call looks like at that moment, so a step
 * that makes no sense then is still sent: a desk command at a wrong moment is one of the things
 * a journey must survive.
 */
import fc from 'fast-check';

/** The agents a journey uses, by index: all three have the `general` skill 12345 and 12333 queue for. */
export const AGENT_LOGINS = ['1001', '1002', '1003'] as const;
export type AgentIndex = 0 | 1 | 2;

/** The numbers a citizen dials: 12345 itself, and 12333 (whole merge: a notice, then the general queue). */
export const DIALLED = ['12345', '12333'] as const;

/**
 * Who acts is picked by role when the step is applied, so that journeys reach deep states: `who`
 * picks among the agents the role fits (the phones ringing, the agents on a call, the calls still
 * up), falling back to any agent when none fits — that is a desk sending a command at a wrong moment.
 * `stray` sends a command from any agent, whatever it shows.
 */
export type CallCommand = 'hold' | 'resume' | 'complete' | 'cancel' | 'deskHangup' | 'kickThird' | 'kickAgent';
export type Step =
  | { kind: 'dial'; dialled: (typeof DIALLED)[number] }
  | { kind: 'ready'; who: number }
  | { kind: 'notReady'; who: number }
  /** A ringing phone is picked up (nothing when none rings). */
  | { kind: 'answer'; who: number }
  /** An agent on a call uses a button: hold, resume, complete or cancel a consultation, 挂断, kick. */
  | { kind: 'command'; command: CallCommand; who: number }
  /**
   * An agent on a call transfers or calls in colleague number `to` among the others (ready ones
   * first), or the queue; `colleagueReady`: that colleague goes ready (示闲) just before;
   * `colleagueAnswers`: their phone, if it rings, is picked up just after, else `ringsOut`: time passes
   * until their ring times out; `then`: what the agent
   * does next with a consultation (完成转接, 取消) or a three-way call (drop the colleague, leave), if anything.
   */
  | { kind: 'blind'; who: number; to: number | 'skill'; colleagueReady: boolean; colleagueAnswers: boolean; ringsOut?: boolean }
  | { kind: 'attended'; who: number; to: number; colleagueReady: boolean; colleagueAnswers: boolean; ringsOut?: boolean; then: 'complete' | 'cancel' | 'nothing' }
  | { kind: 'conference'; who: number; to: number; colleagueReady: boolean; colleagueAnswers: boolean; ringsOut?: boolean; then: 'kickThird' | 'kickAgent' | 'nothing' }
  /** A phone with a call on it hangs up. */
  | { kind: 'phoneHangup'; who: number }
  /** A caller still on the line hangs up. */
  | { kind: 'callerHangup'; who: number }
  /** Any agent (by index) sends a call command on the call its desk shows last, whatever the moment. */
  | { kind: 'stray'; command: CallCommand; agent: AgentIndex }
  /**
   * Time passes (the clock is moved on, time-warp.ts) up to the moment the oldest ring times out or
   * the earliest wrap-up ends — and whatever else falls due by then happens too (nothing when none is pending).
   */
  | { kind: 'time'; until: 'ringTimeout' | 'wrapUpEnd' }
  /** An agent in wrap-up extends it (延长话后整理; any agent when none is in wrap-up). */
  | { kind: 'extend'; who: number };

const who = fc.nat(5);
const colleagueReady = fc.boolean();
const colleagueAnswers = fc.boolean();
/** Now and then a colleague's phone rings until it times out. */
const ringsOut = fc.constantFrom(false, false, true);
const afterConsulting = fc.constantFrom('complete' as const, 'cancel' as const, 'nothing' as const);
const afterJoining = fc.constantFrom('kickThird' as const, 'kickAgent' as const, 'nothing' as const);
const agent = fc.constantFrom<AgentIndex>(0, 1, 2);
/** Hanging up is one button among many: weighted down, or the first call of a journey rarely gets far. */
const command = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom<CallCommand>('hold', 'complete') },
  { weight: 2, arbitrary: fc.constantFrom<CallCommand>('resume', 'cancel', 'kickThird', 'kickAgent') },
  { weight: 1, arbitrary: fc.constant<CallCommand>('deskHangup') },
);

/** Weighted so that calls get placed, agents get ready and answer often enough for the rest to matter. */
export const stepArbitrary: fc.Arbitrary<Step> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('dial' as const), dialled: fc.constantFrom(...DIALLED) }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('ready' as const), who }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('notReady' as const), who }) },
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('answer' as const), who }) },
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('command' as const), command, who }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('blind' as const), who, to: fc.oneof(fc.nat(1), fc.constant('skill' as const)), colleagueReady, colleagueAnswers, ringsOut }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('attended' as const), who, to: fc.nat(1), colleagueReady, colleagueAnswers, ringsOut, then: afterConsulting }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('conference' as const), who, to: fc.nat(1), colleagueReady, colleagueAnswers, ringsOut, then: afterJoining }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('phoneHangup' as const), who }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('callerHangup' as const), who }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('stray' as const), command, agent }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('time' as const), until: fc.constantFrom('ringTimeout' as const, 'ringTimeout' as const, 'wrapUpEnd' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('extend' as const), who }) },
);

/**
 * A journey: it starts with a call an agent has taken (a citizen dials, an agent goes ready and picks
 * up) — most of what can go wrong needs one — then draws the rest.
 */
export const journeyArbitrary = (maxSteps: number): fc.Arbitrary<Step[]> =>
  fc
    .tuple(fc.constantFrom(...DIALLED), who, fc.array(stepArbitrary, { minLength: 4, maxLength: maxSteps, size: 'max' }))
    .map(([dialled, first, rest]): Step[] => [{ kind: 'dial', dialled }, { kind: 'ready', who: first }, { kind: 'answer', who: 0 }, ...rest]);
