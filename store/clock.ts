/**
 * Every instant the product reads comes from a `Clock`, so that tests (and a replay) can say what
 * "now" is. The running server uses the system clock; tests inject their own.
 */
import { connectionOf } from './connection.js';
import type { Db } from './db.js';

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** The clock a store was opened with: repositories stamp rows with it. */
const clocks = new WeakMap<object, Clock>();

export function bindClock(db: Db, clock: Clock): void {
  clocks.set(connectionOf(db), clock);
}

/** The store's clock, also when `db` is a transaction handle of it. */
export function clockOf(db: Db): Clock {
  return clocks.get(connectionOf(db)) ?? systemClock;
}

/** `clockOf(db).now()` as an ISO string: the usual timestamp of a row. */
export function nowIso(db: Db): string {
  return clockOf(db).now().toISOString();
}
