/**
 * The wallboard's day chart (`series`, 今日走势: 呼入 / 接通 / 接通率 per hour) tells the same story as
 * the day's figures beside it (`today`): SUPERVISOR.md has both computed from the call rows with the
 * reports' definitions. A caller who hangs up in the instant the agent picks up has an answered ring
 * (the agent went on the call) but no answer time on the row: the tiles say 接通 1 (100 %), and the
 * chart's hour said 接通 0 (0 %) while it counted only the row's answer time.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callOffers } from '../../store/index.js';
import { first } from '../../store/prepared.js';
import { OpenDesks } from '../support/agent-desktop.js';
import { HangUpAtPickUp } from '../support/hang-up-at-pick-up.js';
import { registerPhones, useHarness } from '../support/harness.js';
import { placeCall, waitFor } from '../support/sim-client.js';
import { SupervisorDesk } from '../support/supervisor-desk.js';

const pickUp = new HangUpAtPickUp(() => h);
const h = useHarness({}, { onAriAnswer: pickUp.onAriAnswer });
const desks = new OpenDesks(() => h.server.httpUrl);

beforeAll(async () => {
  await registerPhones(h.sim, ['1001']);
});
afterAll(() => desks.closeAll());

interface Today {
  offered: number;
  answered: number;
  answerRate: number | null;
}
interface Hour {
  hour: number;
  offered: number;
  answered: number;
  answerRate: number | null;
}

describe("the wallboard's day chart and day figures", () => {
  it('count the same calls answered, also a caller who hung up as the agent picked up', async () => {
    const sup = await SupervisorDesk.login(h.server.httpUrl, 'super');
    try {
      const desk = await desks.open('1001', true);
      const id = await placeCall(h.sim.httpUrl, '13800006301', '12345');
      pickUp.arm(id);
      await desk.next('call.offered', (m) => m.callId === id);
      await pickUp.done();
      await desk.next('call.ended', (m) => m.callId === id);
      // Settled: the ring's outcome written, the call gone from the live picture.
      await waitFor(async () => first(await h.server.store.db.select().from(callOffers).where(eq(callOffers.callKey, id)).limit(1))?.outcome, 'the ring closed');
      const mark = sup.received.length;
      const snap = await waitFor(
        () => sup.received.slice(mark).find((m) => m.type === 'snapshot' && (m.calls as unknown[]).length === 0 && (m.today as Today).offered === 1),
        'a picture after the call',
        10_000,
      );
      const today = snap.today as Today;
      const series = snap.series as Hour[];
      const chart = {
        offered: series.reduce((n, s) => n + s.offered, 0),
        answered: series.reduce((n, s) => n + s.answered, 0),
      };
      expect(chart, `the chart's hours against the day's figures (today: ${JSON.stringify(today)})`).toEqual({ offered: today.offered, answered: today.answered });
    } finally {
      sup.close();
    }
  });
});
