import { describe, expect, it } from 'vitest';
import type { ActionContext } from '../../ivr/actions/action.js';
import { runIvr } from '../../ivr/interpreter.js';
import { CallerHungUp, type CollectOptions, type CollectResult, type MediaPort, type PlayResult } from '../../ivr/media-port.js';
import type { IvrMenu } from '../../ivr/menu-schema.js';
import { validateMenus } from '../../ivr/validate-menus.js';

/**
 * A caller in memory. Each entry is what the caller does at the next chance: `'3'` presses 3 after the
 * prompt, `'!3'` presses it during the prompt (barge-in), `null` stays silent, `'2611220001#'` keys a
 * whole number.
 */
class ScriptedCaller implements MediaPort {
  readonly heard: string[][] = [];
  /** Keys pressed during a prompt, waiting for the next collect. */
  private buffered = '';
  constructor(private readonly script: (string | null)[]) {}

  play(prompts: string[]): Promise<PlayResult> {
    this.heard.push(prompts);
    const next = this.script[0];
    if (typeof next === 'string' && next.startsWith('!')) {
      this.script.shift();
      this.buffered += next.slice(1);
    }
    return Promise.resolve({ interrupted: this.buffered.length > 0 });
  }

  discardKeys(): void {
    this.buffered = '';
  }

  collect(options: CollectOptions): Promise<CollectResult> {
    if (this.buffered.length > 0) {
      const typed = this.buffered;
      this.buffered = '';
      return Promise.resolve({ digits: typed.slice(0, options.maxDigits), reason: 'max-digits' });
    }
    const next = this.script.shift();
    if (next === undefined || next === null) return Promise.resolve({ digits: '', reason: 'timeout' });
    const typed = next;
    if (options.terminator && typed.includes(options.terminator)) {
      return Promise.resolve({ digits: typed.slice(0, typed.indexOf(options.terminator)), reason: 'terminator' });
    }
    return Promise.resolve({ digits: typed.slice(0, options.maxDigits), reason: 'max-digits' });
  }
}

const main: IvrMenu = {
  code: 'main',
  name: '12345 主菜单',
  prompts: ['menu-main'],
  timeoutSeconds: 5,
  retries: 2,
  invalidPrompt: 'invalid-input',
  options: {
    '1': { type: 'queue', skill: 'general' },
    '2': { type: 'menu', menu: 'enterprise' },
    '3': { type: 'progress-query' },
    '4': { type: 'transfer', target: 'PJSIP/12366@trunk' },
  },
  onFailure: { type: 'queue', skill: 'general' },
};
const enterprise: IvrMenu = {
  code: 'enterprise',
  name: '涉企服务',
  prompts: ['menu-enterprise'],
  timeoutSeconds: 5,
  retries: 1,
  invalidPrompt: 'invalid-input',
  options: { '1': { type: 'queue', skill: 'enterprise' }, '0': { type: 'menu', menu: 'main' }, '9': { type: 'play', prompts: ['enterprise-hours'] } },
  onFailure: { type: 'queue', skill: 'general' },
};
const menus = new Map([
  ['main', main],
  ['enterprise', enterprise],
]);

const tickets: Record<string, { callerNumber: string; status: string }> = {
  '2611220001': { callerNumber: '13800138000', status: 'handling' },
  '2611220002': { callerNumber: '13900139000', status: 'closed' },
};

function context(caller: ScriptedCaller): ActionContext {
  return { port: caller, menus, callerNumber: '13800138000', lookupTicket: (n) => tickets[n] };
}
const fallback = { kind: 'queue', skill: 'general' } as const;

describe('IVR walk', () => {
  it('key 1 after the prompt goes to the agent queue, and the choice is recorded', async () => {
    const caller = new ScriptedCaller(['1']);
    const run = await runIvr('main', context(caller), fallback);
    expect(run.outcome).toEqual({ kind: 'queue', skill: 'general' });
    expect(run.steps).toEqual([{ menu: 'main', digit: '1', action: 'queue' }]);
  });

  it('a key pressed during the prompt stops it and counts (barge-in)', async () => {
    const caller = new ScriptedCaller(['!4', 'never-collected']);
    const run = await runIvr('main', context(caller), fallback);
    expect(run.outcome).toEqual({ kind: 'transfer', target: 'PJSIP/12366@trunk' });
    expect(caller.heard).toEqual([['menu-main']]);
  });

  it('a wrong key hears the invalid prompt and the menu again', async () => {
    const caller = new ScriptedCaller(['7', '1']);
    await runIvr('main', context(caller), fallback);
    expect(caller.heard).toEqual([['menu-main'], ['invalid-input', 'menu-main']]);
  });

  it('silence past the retries ends in the agent queue, never a hang-up', async () => {
    const caller = new ScriptedCaller([null, null, null]);
    const run = await runIvr('main', context(caller), fallback);
    expect(run.outcome).toEqual({ kind: 'queue', skill: 'general' });
    expect(run.steps.map((s) => s.action)).toEqual(['timeout', 'timeout', 'timeout']);
  });

  it('tells each choice as it is made, so the path is known when the caller hangs up in a menu', async () => {
    const caller = new ScriptedCaller(['2', '7']);
    const told: unknown[] = [];
    // The caller hangs up during the invalid-key prompt of the sub-menu: the port throws, as the ARI port does.
    const hangsUp: MediaPort = {
      play: (prompts) => (caller.heard.length < 2 ? caller.play(prompts) : Promise.reject(new CallerHungUp())),
      collect: (options) => caller.collect(options),
      discardKeys: () => caller.discardKeys(),
    };
    const walk = runIvr('main', { ...context(caller), port: hangsUp }, fallback, { onStep: (step) => told.push(step) });
    await expect(walk).rejects.toBeInstanceOf(CallerHungUp);
    expect(told).toEqual([
      { menu: 'main', digit: '2', action: 'menu' },
      { menu: 'enterprise', digit: '7', action: 'invalid' },
    ]);
  });

  it('walks into a sub-menu, hears information, and queues to its skill', async () => {
    const caller = new ScriptedCaller(['2', '9', '1']);
    const run = await runIvr('main', context(caller), fallback);
    expect(run.outcome).toEqual({ kind: 'queue', skill: 'enterprise' });
    expect(caller.heard).toEqual([['menu-main'], ['menu-enterprise'], ['enterprise-hours'], ['menu-enterprise']]);
  });
});

describe('progress query', () => {
  it('reads out the status of the caller\'s own ticket', async () => {
    const caller = new ScriptedCaller(['3', '2611220001#', '1']);
    await runIvr('main', context(caller), fallback);
    expect(caller.heard[2]).toEqual(['ticket-status-is', 'ticket-status-handling', 'digits:2611220001']);
  });

  it('answers another person\'s ticket exactly like a ticket that does not exist', async () => {
    const other = new ScriptedCaller(['3', '2611220002#', '1']);
    const missing = new ScriptedCaller(['3', '9999999999#', '1']);
    await runIvr('main', context(other), fallback);
    await runIvr('main', context(missing), fallback);
    expect(other.heard[2]).toEqual(['ticket-not-found']);
    expect(other.heard).toEqual(missing.heard);
  });
});

describe('menu validation', () => {
  it('accepts the menus above', () => {
    expect(validateMenus([main, enterprise]).ok).toBe(true);
  });

  it('names a sub-menu that does not exist', () => {
    const result = validateMenus([main]);
    expect(result).toEqual({ ok: false, problems: [{ menu: 'main', path: '/options/2', message: '子菜单不存在: enterprise' }] });
  });

  it('refuses a loop of menus with no way to an agent', () => {
    const a: IvrMenu = { ...enterprise, code: 'a', options: { '1': { type: 'menu', menu: 'b' } }, onFailure: { type: 'queue', skill: 'general' } };
    const b: IvrMenu = { ...enterprise, code: 'b', options: { '1': { type: 'menu', menu: 'a' } }, onFailure: { type: 'queue', skill: 'general' } };
    expect(validateMenus([a, b]).ok).toBe(true); // a caller who stops choosing reaches an agent
    const loopA = { ...a, onFailure: { type: 'menu', menu: 'b' } as const };
    const result = validateMenus([loopA, b]);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems.map((p) => p.path)).toContain('/onFailure');
  });

  it('names the field of a malformed menu', () => {
    const result = validateMenus([{ ...main, timeoutSeconds: 0, options: { x: { type: 'queue', skill: 'general' } } }]);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      const paths = result.problems.map((p) => p.path);
      expect(paths).toContain('/timeoutSeconds');
      expect(paths.some((p) => p.startsWith('/options'))).toBe(true);
      expect(result.problems.every((p) => p.menu === 'main')).toBe(true);
    }
  });
});
