/**
 * The call timings an admin may change while the centre runs (setting `call-timings`): how long an
 * agent's phone rings, how long 话后整理 lasts, how long a caller waits for a specialised skill before
 * general agents may take the call. The server's configuration gives the values until an admin sets
 * them; each is read where it is used, so a change applies to the next ring, wrap-up or wait.
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
export function callTimings(db: Db, configured: CallTimings): CallTimings {
  const stored = getSetting(db, CALL_TIMINGS_SETTING);
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

/** Call settings whose timings follow the setting, read at each use. */
export function liveCallSettings(db: Db, base: CallSettings): CallSettings {
  const configured: CallTimings = {
    ringTimeoutSeconds: base.ringTimeoutSeconds,
    wrapUpSeconds: base.wrapUpSeconds,
    queueOverflowSeconds: base.overflowAfterMs / 1000,
  };
  return {
    ...base,
    get ringTimeoutSeconds() {
      return callTimings(db, configured).ringTimeoutSeconds;
    },
    get wrapUpSeconds() {
      return callTimings(db, configured).wrapUpSeconds;
    },
    get overflowAfterMs() {
      return callTimings(db, configured).queueOverflowSeconds * 1000;
    },
  };
}
