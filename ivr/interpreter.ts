/**
 * Walks a caller through validated menus over a media port: prompt, one key (a key pressed during the
 * prompt counts — barge-in), the key's action; a wrong key or silence is retried with the invalid
 * prompt, and after too many the menu's failure action runs (the agent queue, by validation).
 */
import type { ActionContext, ActionResult, IvrActionHandler, IvrOutcome, IvrStep } from './actions/action.js';
import { playAction } from './actions/play.js';
import { progressQueryAction } from './actions/progress-query.js';
import { queueAction } from './actions/queue.js';
import { submenuAction } from './actions/submenu.js';
import { transferAction } from './actions/transfer.js';
import type { IvrAction } from './menu-schema.js';

export type { IvrOutcome, IvrStep } from './actions/action.js';

const INTER_DIGIT_MS = 3_000;
/** A guard against a loop the validator cannot see (e.g. `play` that always returns). */
const MAX_STEPS = 50;

function handlerFor(action: IvrAction): (context: ActionContext) => Promise<ActionResult> {
  const run = <A extends IvrAction>(handler: IvrActionHandler<A>, a: A) => (context: ActionContext) => handler.run(a, context);
  switch (action.type) {
    case 'queue':
      return run(queueAction, action);
    case 'transfer':
      return run(transferAction, action);
    case 'menu':
      return run(submenuAction, action);
    case 'play':
      return run(playAction, action);
    case 'progress-query':
      return run(progressQueryAction, action);
  }
}

export interface IvrRun {
  outcome: IvrOutcome;
  steps: IvrStep[];
}

export interface IvrRunOptions {
  /**
   * Told of each choice as the caller makes it, so whoever runs the walk knows the path so far even
   * when the walk never returns (the caller hangs up in a menu: `CallerHungUp`).
   */
  onStep?: (step: IvrStep) => void;
}

export async function runIvr(startMenu: string, context: ActionContext, fallback: IvrOutcome, options: IvrRunOptions = {}): Promise<IvrRun> {
  const steps: IvrStep[] = [];
  const record = (step: IvrStep) => {
    steps.push(step);
    options.onStep?.(step);
  };
  let code = startMenu;
  let failures = 0;
  for (let step = 0; step < MAX_STEPS; step++) {
    const menu = context.menus.get(code);
    if (!menu) return { outcome: fallback, steps };
    await context.port.play(failures > 0 ? [menu.invalidPrompt, ...menu.prompts] : menu.prompts);
    const { digits: digit } = await context.port.collect({
      maxDigits: 1,
      firstDigitTimeoutMs: menu.timeoutSeconds * 1000,
      interDigitTimeoutMs: INTER_DIGIT_MS,
    });
    const action = digit ? menu.options[digit] : undefined;
    if (!action) {
      record({ menu: code, digit: digit || null, action: digit ? 'invalid' : 'timeout' });
      failures += 1;
      if (failures <= menu.retries) continue;
      const result = await handlerFor(menu.onFailure)(context);
      if (result.next === 'exit') return { outcome: result.outcome, steps };
      return { outcome: fallback, steps };
    }
    record({ menu: code, digit, action: action.type });
    const result = await handlerFor(action)(context);
    if (result.next === 'exit') return { outcome: result.outcome, steps };
    failures = 0;
    if (result.next === 'menu') code = result.menu;
  }
  return { outcome: fallback, steps };
}
