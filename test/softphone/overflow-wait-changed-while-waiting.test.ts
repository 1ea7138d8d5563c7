/**
 * An admin changes the overflow wait (setting `call-timings`, queueOverflowSeconds) while callers wait
 * for a specialised skill. The new wait applies to them at once, counted from when each joined the
 * line: one who has already waited longer is offered to a free general agent straight away, one who
 * has not is offered when the new wait is over, and a lengthened wait holds back a caller who had not
 * yet overflowed.
 */
import { eq } from 'drizzle-orm';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { calls } from '../../store/index.js';
import { first } from '../../store/prepared.js';
import { client, login, type ApiAnswer } from '../admin-api/admin-client.js';
import { OpenDesks } from '../support/agent-desktop.js';
import { hangUpEverything, registerPhones, useHarness } from '../support/harness.js';
import { placeCall, waitFor } from '../support/sim-client.js';

const h = useHarness({ queueOverflowSeconds: 120 });
const desks = new OpenDesks(() => h.server.httpUrl);
let admin: <T = unknown>(method: string, path: string, body?: unknown) => Promise<ApiAnswer<T>>;

beforeAll(async () => {
  await registerPhones(h.sim);
  admin = client(h.server.httpUrl, await login(h.server.httpUrl, 'admin'));
});
afterEach(async () => {
  desks.closeAll();
  await hangUpEverything(h);
});

const callRow = async (id: string) => first(await h.server.store.db.select().from(calls).where(eq(calls.linkedId, id)).limit(1));
const later = (ms: number) => h.clock.set(new Date(h.clock.now().getTime() + ms).toISOString());

async function overflowWait(seconds: number): Promise<void> {
  // Ring timeout and wrap-up as the harness configures them: only the overflow wait changes.
  const put = await admin('PUT', '/api/v1/settings/call-timings', { ringTimeoutSeconds: 15, wrapUpSeconds: 1, queueOverflowSeconds: seconds });
  expect(put.status).toBe(200);
}

/** A 12315 caller waiting in line for the market skill (no agent of it is logged in). */
async function waiting12315(number: string): Promise<string> {
  const id = await placeCall(h.sim.httpUrl, number, '12315');
  await waitFor(async () => (await callRow(id))?.state === 'queued', 'the caller queued for 12315');
  expect((await callRow(id))?.skill).toBe('market-12315');
  // In the line itself (in the holding bridge), waiting since now: the test clock moves on from here.
  await waitFor(() => h.server.calls.queue.queuedAt(id) !== undefined, 'the caller in the line');
  return id;
}

describe('the overflow wait changed while callers wait', () => {
  it('shortened below what a caller has waited: a free general agent is offered the caller at once', async () => {
    await overflowWait(120);
    // 1002 (general only) is ready before the call and stays so: no agent's state change offers the call.
    const general = await desks.open('1002', true);
    const id = await waiting12315('13800007101');
    later(60_000);
    expect(general.received.some((m) => m.type === 'call.offered' && m.callId === id)).toBe(false);

    await overflowWait(30);
    expect(await general.next('call.offered', (m) => m.callId === id)).toMatchObject({ callId: id, dialledNumber: '12315' });
  });

  it('shortened to a wait the caller has not reached yet: offered when the new wait is over', async () => {
    await overflowWait(3600);
    const general = await desks.open('1002', true);
    const id = await waiting12315('13800007102');
    later(60_000);
    // Two seconds more to wait, counted from when the caller joined (not from the change).
    await overflowWait(62);
    expect(await general.next('call.offered', (m) => m.callId === id)).toMatchObject({ callId: id, dialledNumber: '12315' });
  });

  it('lengthened: a caller not yet overflowed waits for their skill, and a 12345 caller gets the general agent', async () => {
    await overflowWait(30);
    const general = await desks.open('1002', true);
    const market = await waiting12315('13800007103');
    await overflowWait(600);
    // Past the old wait, well before the new one.
    later(60_000);
    // The 12345 caller joining runs the ACD: the 12315 caller (higher priority, first in line) would
    // be paired with 1002 first if the old wait still held.
    const general12345 = await placeCall(h.sim.httpUrl, '13800007104', '12345');
    const offered = await general.next('call.offered');
    expect(offered.callId).toBe(general12345);
    expect(general.received.some((m) => m.type === 'call.offered' && m.callId === market)).toBe(false);
  });
});
