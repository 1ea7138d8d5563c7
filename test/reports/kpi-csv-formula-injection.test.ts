/**
 * The KPI CSV is made to be opened in Excel/WPS (BOM, Chinese headers). A cell that starts with `=`,
 * `+`, `-` or `@` is run there as a formula: a hotline name an admin typed as `=HYPERLINK(…)` would
 * turn into a live link (or worse) on every supervisor's spreadsheet. Text cells are neutralised
 * (prefixed with `'`, OWASP's CSV-injection advice); numbers, negative ones included, stay numbers.
 */
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { calls, shanghaiDay } from '../../store/index.js';
import { api, client, login } from '../admin-api/admin-client.js';
import { registerPhones, useHarness } from '../support/harness.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';

const h = useHarness();
let admin: ReturnType<typeof client>;
let token = '';
const EVIL = '=HYPERLINK("http://evil.example/x","社保热线")';
const ALSO_EVIL = '-2+3 市民热线';

/** RFC 4180 lines and cells (quoted cells may hold commas and doubled quotes). */
function parseCsv(text: string): string[][] {
  return text
    .replace(/^\uFEFF/, '')
    .split('\r\n')
    .filter(Boolean)
    .map((line) => [...line.matchAll(/(?:^|,)("(?:[^"]|"")*"|[^,]*)/g)].map((m) => (m[1]?.startsWith('"') ? m[1].slice(1, -1).replaceAll('""', '"') : (m[1] ?? ''))));
}

const csvOf = async (by: string) => {
  const answer = await api<string>(h.server.httpUrl, 'GET', `/api/v1/kpis?date=${shanghaiDay(h.clock.now())}&by=${by}&format=csv`, { token });
  expect(answer.status).toBe(200);
  return parseCsv(answer.body);
};

const callAndHangUp = async (caller: string, dialled: string) => {
  const id = await placeCall(h.sim.httpUrl, caller, dialled);
  await waitFor(async () => (await h.server.store.db.select().from(calls).where(eq(calls.linkedId, id)))[0], 'the call recorded');
  await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);
  await waitFor(async () => (await h.server.store.db.select().from(calls).where(eq(calls.linkedId, id)))[0]?.endedAt, 'the call ended');
};

beforeAll(async () => {
  await registerPhones(h.sim);
  token = await login(h.server.httpUrl, 'admin');
  admin = client(h.server.httpUrl, token);
  const routes = (await admin<{ id: number; number: string }[]>('GET', '/api/v1/routes')).body;
  for (const [number, name] of [
    ['12333', EVIL],
    ['12345', ALSO_EVIL],
  ]) {
    expect((await admin('PATCH', `/api/v1/routes/${routes.find((r) => r.number === number)?.id}`, { name })).status).toBe(200);
  }
  // Nobody is ready: both callers give up, so the answer rate (0) is below its target and its gap negative.
  await callAndHangUp('13800007002', '12333');
  await callAndHangUp('13800007003', '12345');
});

describe('the KPI CSV export', () => {
  it('never starts a text cell with a formula character', async () => {
    const rows = await csvOf('hotline');
    const header = rows[0] ?? [];
    const keys = rows.slice(1).map((r) => r[1]);
    // The names are kept, behind the quote that makes them text.
    expect(keys).toEqual(expect.arrayContaining([`'${EVIL}`, `'${ALSO_EVIL}`]));
    for (const row of rows) {
      for (const [i, cell] of row.entries()) {
        if (/^-?[0-9.]+$/.test(cell)) continue;
        expect(cell, `column ${header[i]}: ${cell}`).not.toMatch(/^[=+\-@\t\r]/);
      }
    }
  });

  it('keeps numbers numbers: a negative gap is not quoted', async () => {
    const rows = await csvOf('hotline');
    const gap = (rows[0] ?? []).indexOf('接通率差距');
    expect(gap).toBeGreaterThan(1);
    expect(rows.at(-1)?.[gap]).toMatch(/^-0\.\d+$/);
  });

  it("leaves the agent grouping's '-' (nobody answered) as it is", async () => {
    const keys = (await csvOf('agent')).slice(1).map((r) => r[1]);
    expect(keys).toContain('-');
  });
});
