/**
 * Where a call that enters one context can get to: the contexts it includes, and those that its
 * Goto/GotoIf/GotoIfTime/Gosub/GosubIf steps and its Local/<exten>@<context> channels (Dial, Queue,
 * …) name, transitively. A jump whose context is a variable cannot be followed: it is listed so the
 * check can say so.
 */
import { splitArgs, type Dialplan, type DialplanContext, type DialplanStep } from './dialplan.js';

export interface ReachedStep {
  context: string;
  extension: string;
  step: DialplanStep;
}

export interface Reach {
  /** The start context first, then each context reached, once. */
  contexts: DialplanContext[];
  /** Every step of those contexts. */
  steps: ReachedStep[];
  /** Jumps to a context written with a variable (`Goto(${TARGET},s,1)`), and ExecIf: not followed. */
  unfollowed: ReachedStep[];
}

const GOTO_LIKE = new Set(['goto', 'gosub']);
const CONDITIONAL = new Set(['gotoif', 'gosubif', 'gotoiftime']);

/** The context of a `ctx,exten,prio` / `exten,prio` / `prio` label; the current one when it names none. */
function labelContext(label: string, current: string): string | undefined {
  const parts = splitArgs(label).filter((p) => p !== '');
  if (parts.length === 0) return undefined;
  return parts.length >= 3 ? parts[0] : current;
}

/** Contexts a step jumps to or dials into (may contain variables). */
function targets(step: DialplanStep, current: string): string[] {
  const app = step.app.toLowerCase();
  const data = step.args.join(',');
  const found: string[] = [];
  if (GOTO_LIKE.has(app)) {
    const context = labelContext(data, current);
    if (context !== undefined) found.push(context);
  } else if (CONDITIONAL.has(app)) {
    const q = data.indexOf('?');
    if (q >= 0) {
      for (const label of data.slice(q + 1).split(':')) {
        const context = labelContext(label, current);
        if (context !== undefined) found.push(context);
      }
    }
  }
  for (const m of data.matchAll(/Local\/[^@,&/)]*@([^,&/)\s]+)/gi)) found.push(m[1] ?? '');
  return found;
}

export function reachFrom(plan: Dialplan, start: string): Reach {
  const reach: Reach = { contexts: [], steps: [], unfollowed: [] };
  const queue = [start];
  const seen = new Set<string>();
  for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
    const context = plan.contexts.get(name);
    if (!context || seen.has(name)) continue;
    seen.add(name);
    reach.contexts.push(context);
    queue.push(...context.includes);
    for (const extension of context.extensions) {
      for (const step of extension.steps) {
        const reached = { context: name, extension: extension.name, step };
        reach.steps.push(reached);
        if (step.app.toLowerCase() === 'execif') reach.unfollowed.push(reached);
        for (const target of targets(step, name)) {
          if (target.includes('$')) reach.unfollowed.push(reached);
          else queue.push(target);
        }
      }
    }
  }
  return reach;
}
