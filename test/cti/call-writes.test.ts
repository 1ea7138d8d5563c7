/**
 * A call's progress writes: in the call's order, a batch in one commit, and a write that only sets
 * columns a later write of its batch sets again is left out — the row ends the same.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CallWrites } from '../../cti/calls/call-writes.js';
import { findCallByLinkedId, recordCallArrival, setCallQueued, setCallState, type Db, type Store } from '../../store/index.js';
import { TestClock } from '../support/test-clock.js';
import { openTestStore } from '../support/test-database.js';
import { testLogger } from '../support/test-logger.js';

let store: Store | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
});

async function arrived(linkedId: string): Promise<Db> {
  store ??= await openTestStore(new TestClock('2026-12-06T02:00:00.000Z'));
  await recordCallArrival(store.db, {
    linkedId,
    channelId: linkedId,
    channelName: 'PJSIP/trunk-1',
    callerNumber: '13800000001',
    dialledNumber: '12345',
    routeId: null,
    arrivedAt: '2026-12-06T02:00:00.000Z',
  });
  return store.db;
}

describe('call progress writes', () => {
  it('leave out a state write when the place in line of the same batch sets the state too', async () => {
    const db = await arrived('w1');
    const writes = new CallWrites(db, testLogger());
    const ran: string[] = [];
    writes.together('w1', () => {
      writes.write('w1', 'state queued', async (tx) => {
        ran.push('state');
        await setCallState(tx, 'w1', 'queued');
      }, { sets: ['state'], only: true });
      writes.write('w1', 'queued', async (tx) => {
        ran.push('queued');
        await setCallQueued(tx, 'w1', 'general', '2026-12-06T02:00:05.000Z');
      }, { sets: ['state', 'skill', 'queuedAt'], only: true });
    });
    await writes.drain('w1');
    expect(ran).toEqual(['queued']);
    expect(await findCallByLinkedId(db, 'w1')).toMatchObject({ state: 'queued', skill: 'general', queuedAt: '2026-12-06T02:00:05.000Z' });
  });

  it('keep every write whose columns no later write of its batch covers, in order', async () => {
    const db = await arrived('w2');
    const writes = new CallWrites(db, testLogger());
    const ran: string[] = [];
    const state = (to: string) => async (tx: Db) => {
      ran.push(to);
      await setCallState(tx, 'w2', to);
    };
    writes.together('w2', () => {
      // Sets more than the later one: kept.
      writes.write('w2', 'queued', async (tx) => {
        ran.push('queued');
        await setCallQueued(tx, 'w2', 'general', '2026-12-06T02:00:05.000Z');
      }, { sets: ['state', 'skill', 'queuedAt'], only: true });
      writes.write('w2', 'state ringing', state('ringing'), { sets: ['state'], only: true });
    });
    // Not in one batch: both run.
    writes.write('w2', 'state connected', state('connected'), { sets: ['state'], only: true });
    writes.write('w2', 'state held', state('held'), { sets: ['state'], only: true });
    await writes.drain('w2');
    expect(ran).toEqual(['queued', 'ringing', 'connected', 'held']);
    expect(await findCallByLinkedId(db, 'w2')).toMatchObject({ state: 'held', skill: 'general' });
  });

  it('keep a write that does more than set columns, however a later one overlaps it', async () => {
    const db = await arrived('w3');
    const writes = new CallWrites(db, testLogger());
    const ran: string[] = [];
    writes.together('w3', () => {
      writes.write('w3', 'state ivr, and more', async (tx) => {
        ran.push('first');
        await setCallState(tx, 'w3', 'ivr');
      }, { sets: ['state'] });
      writes.write('w3', 'state queued', async (tx) => {
        ran.push('second');
        await setCallState(tx, 'w3', 'queued');
      }, { sets: ['state'], only: true });
    });
    await writes.drain('w3');
    expect(ran).toEqual(['first', 'second']);
    expect((await findCallByLinkedId(db, 'w3'))?.state).toBe('queued');
  });
});
