/**
 * The call timings an admin may change while the centre runs (setting `call-timings`): how long an
 * agent's phone rings, how long 话后整理 lasts, how long a caller waits for a specialised skill before
 * general agents may take the call. The server's configuration gives the values until an admin sets
 * them; each is read where it is used, so a change applies to the next ring or wrap-up. The overflow
 * wait applies to the callers already in line too (the queue follows `onChange`), counted from when
 * each joined.
 */
import { getSetting, type Db } from '../../store/index.js';
import type { CallSettings } from './call-context.js';

export const CALL_TIMINGS_SETTING = 'call-timings';

export interface CallTimings {
  ringTimeoutSeconds: number;
  wrapUpSeconds: number;
  queueOverflowSeconds: number;
}

/** The limits the admin API enforces too. */
export const CALL_TIMING_LIMITS: Record<keyof CallTimings, [number, number]> = {
  ringTimeoutSeconds: [5, 120],
  wrapUpSeconds: [0, 600],
  queueOverflowSeconds: [0, 3600],
};

/** The timings in force: each stored value where it is a whole number within its limits, else the configured one. */
export async function callTimings(db: Db, configured: CallTimings): Promise<CallTimings> {
  const stored = await getSetting(db, CALL_TIMINGS_SETTING);
  const timings = { ...configured };
  if (stored && typeof stored === 'object') {
    for (const key of Object.keys(CALL_TIMING_LIMITS) as (keyof CallTimings)[]) {
      const value = (stored as Record<string, unknown>)[key];
      const [min, max] = CALL_TIMING_LIMITS[key];
      if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) timings[key] = value;
    }
  }
  return timings;
}

/** The live timings of each database's call handling: reloaded when an admin changes the setting. */
const reloaders = new WeakMap<Db, Set<() => Promise<void>>>();

/** After a write of the `call-timings` setting (once it has committed): the calls' timings follow it from now on. */
export async function callTimingsChanged(db: Db): Promise<void> {
  for (const reload of reloaders.get(db) ?? []) await reload();
}

/**
 * Call settings whose timings follow the setting. The call flow reads them synchronously (a ring, a
 * wrap-up, a wait in line), so they are kept in memory: loaded at start (`ready`), again after every
 * change through `callTimingsChanged`, and refreshed in the background whenever they are read (the
 * setting is cached, so that costs nothing until it changes) in case it was changed some other way.
 * `onChange` listeners hear of every load that changed a timing, whichever way it came.
 */
export function liveCallSettings(
  db: Db,
  base: CallSettings,
  onError: (error: unknown) => void = () => undefined,
): CallSettings & { ready: Promise<void>; onChange(listener: () => void): () => void } {
  const configured: CallTimings = {
    ringTimeoutSeconds: base.ringTimeoutSeconds,
    wrapUpSeconds: base.wrapUpSeconds,
    queueOverflowSeconds: base.overflowAfterMs / 1000,
  };
  let current = configured;
  let loading: Promise<void> | null = null;
  const listeners = new Set<() => void>();
  let loads = 0;
  const reload = async (): Promise<void> => {
    const load = ++loads;
    const timings = await callTimings(db, configured);
    // A load started later (the one after an admin's change, say) has the fresher answer: this one, read
    // before it, must not put the old timings back after it.
    if (load !== loads) return;
    const before = current;
    current = timings;
    if ((Object.keys(CALL_TIMING_LIMITS) as (keyof CallTimings)[]).every((key) => before[key] === current[key])) return;
    for (const listener of listeners) {
      // The change is stored already: a listener that fails must not make it look failed.
      try {
        listener();
      } catch (error) {
        onError(error);
      }
    }
  };
  const refresh = (): CallTimings => {
    loading ??= reload()
      .catch(onError)
      .finally(() => (loading = null));
    return current;
  };
  const set = reloaders.get(db) ?? new Set<() => Promise<void>>();
  set.add(reload);
  reloaders.set(db, set);
  return {
    ...base,
    ready: reload().catch(onError),
    onChange(listener: () => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    get ringTimeoutSeconds() {
      return refresh().ringTimeoutSeconds;
    },
    get wrapUpSeconds() {
      return refresh().wrapUpSeconds;
    },
    get overflowAfterMs() {
      return refresh().queueOverflowSeconds * 1000;
    },
  };
}
