/**
 * A confidential caller's numbers are for the agent who took the call only, in the ticket's history
 * too. The 回访 campaign writes a 联系电话 the dial policy refuses into the history (`无法回访：不能外呼
 * …`); a supervisor reading the ticket got the number there in full while the ticket itself showed it
 * masked. The history reads as the ticket does: the numbers masked for everyone but the ticket's agent.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { putSetting } from '../../store/index.js';
import { api, login } from '../admin-api/admin-client.js';
import { registerPhones, useHarness } from '../support/harness.js';
import { simRequest } from '../support/sim-client.js';
import { answeredCall, fullForm } from '../support/ticket-calls.js';

const h = useHarness();
beforeAll(() => registerPhones(h.sim));

interface TicketRead {
  ticket: { contactPhone: string | null; status: string };
  history: { kind: string; note: string | null }[];
}

const ABROAD = '0085212345678';

describe('the history of a confidential ticket', () => {
  it("masks the caller's 联系电话 in the 回访 refusal for everyone but the agent who took the call", async () => {
    const db = h.server.store.db;
    const call = await answeredCall({ httpUrl: h.server.httpUrl, simUrl: h.sim.httpUrl }, '1001', '13800137701');
    const path = `/api/v1/tickets/${call.number}`;
    const token = call.desk.token;
    const form = await fullForm(db, { confidential: true, contactPhone: ABROAD, disposition: 'answered' });
    expect((await api(h.server.httpUrl, 'PATCH', path, { token, body: form })).status).toBe(200);
    expect((await api(h.server.httpUrl, 'POST', `${path}/register`, { token })).status).toBe(200);
    expect((await api(h.server.httpUrl, 'POST', `${path}/actions`, { token, body: { action: 'answer-directly' } })).status).toBe(200);
    await call.hangUp();

    // The 回访: the 联系电话 is refused by the dial policy and the ticket is evaluated 未评价.
    await putSetting(db, 'callback-policy', { from: '00:00', to: '24:00', workdaysOnly: false, spacingMinutes: 0 });
    await simRequest(h.sim.httpUrl, 'PUT', '/sim/endpoints/PJSIP/trunk', { online: true, answer: 'busy' });
    await h.server.surveyCallbacks.runOnce();

    const supervisor = await login(h.server.httpUrl, 'super');
    const read = await api<TicketRead>(h.server.httpUrl, 'GET', path, { token: supervisor });
    expect(read.status).toBe(200);
    expect(read.body.ticket).toMatchObject({ status: 'evaluated', contactPhone: '008******5678' });
    const refusal = read.body.history.find((e) => e.kind === 'evaluate');
    expect(refusal?.note).toContain('无法回访：不能外呼 008******5678');
    expect(JSON.stringify(read.body)).not.toContain(ABROAD);

    // The agent who took the call reads it as it was written.
    const own = await api<TicketRead>(h.server.httpUrl, 'GET', path, { token });
    expect(own.body.history.find((e) => e.kind === 'evaluate')?.note).toContain(`无法回访：不能外呼 ${ABROAD}`);
    call.desk.close();
  });
});
