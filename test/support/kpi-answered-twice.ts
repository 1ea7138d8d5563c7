/**
 * What the KPI report must say of the day's one call answered by two agents in turn (the first sent
 * the caller back in line, or lost their line; the second took them): the call counts once, each
 * agent has their answered ring, their own talk and their own conversation's 平均通话时长, and the
 * call's 平均通话时长 is the time the two conversations cover — not the first answer to the hang-up.
 * Ranges, since the real time a test takes runs on top of the injected clock's steps.
 */
import { expect } from 'vitest';
import { client, login } from '../admin-api/admin-client.js';

interface KpiRowOnWire {
  key: string;
  offered: number;
  answered: number;
  offersAnswered: number;
  talkSeconds: number;
  averageHandleSeconds: number | null;
}

/** Seconds at least `min`, under `max`. */
export interface Span {
  min: number;
  max: number;
}

const within = (value: number | null, span: Span, what: string): void => {
  expect(value ?? Number.NaN, what).toBeGreaterThanOrEqual(span.min);
  expect(value ?? Number.NaN, what).toBeLessThan(span.max);
};

export async function expectAnsweredTwice(
  httpUrl: string,
  day: string,
  first: { login: string; talk: Span },
  second: { login: string; talk: Span },
  call: Span,
): Promise<void> {
  const supervisor = client(httpUrl, await login(httpUrl, 'super'));
  const total = await supervisor<{ totals: KpiRowOnWire }>('GET', `/api/v1/kpis?date=${day}&by=total`);
  expect(total.status).toBe(200);
  expect(total.body.totals).toMatchObject({ offered: 1, answered: 1, offersAnswered: 2 });
  const byAgent = await supervisor<{ rows: KpiRowOnWire[]; totals: KpiRowOnWire }>('GET', `/api/v1/kpis?date=${day}&by=agent`);
  expect(byAgent.status).toBe(200);
  expect(byAgent.body.totals).toMatchObject({ offered: 1, answered: 1, offersAnswered: 2 });
  const row = (key: string): KpiRowOnWire => {
    const found = byAgent.body.rows.find((r) => r.key === key);
    expect(found, `the row of agent ${key}`).toBeDefined();
    return found as KpiRowOnWire;
  };
  const [a, b] = [row(first.login), row(second.login)];
  // The call's figures go to the agent who first answered it; each ring to the agent rung.
  expect(a).toMatchObject({ offered: 1, answered: 1, offersAnswered: 1 });
  expect(b).toMatchObject({ offered: 0, answered: 0, offersAnswered: 1 });
  // Talk and 平均通话时长: each agent their own conversation, not the first one's stretched to the hang-up.
  within(a.talkSeconds, first.talk, `${first.login}'s talk`);
  within(b.talkSeconds, second.talk, `${second.login}'s talk`);
  within(a.averageHandleSeconds, first.talk, `${first.login}'s 平均通话时长`);
  within(b.averageHandleSeconds, second.talk, `${second.login}'s 平均通话时长`);

  // The call's 平均通话时长 (total, by hotline, by skill): the time its two conversations cover, without
  // the wait back in line and the second ring.
  const handle = total.body.totals.averageHandleSeconds ?? Number.NaN;
  within(handle, call, "the call's 平均通话时长");
  for (const by of ['hotline', 'skill'] as const) {
    const grouped = await supervisor<{ rows: KpiRowOnWire[]; totals: KpiRowOnWire }>('GET', `/api/v1/kpis?date=${day}&by=${by}`);
    expect(grouped.body.rows.map((r) => r.averageHandleSeconds), `by ${by}`).toEqual([handle]);
    expect(grouped.body.totals.averageHandleSeconds, `by ${by}`).toBe(handle);
  }
  // The agent report's total averages the two conversations per conversation, the total report per call.
  expect(byAgent.body.totals.averageHandleSeconds ?? Number.NaN).toBeCloseTo(handle / 2, 0);
}
