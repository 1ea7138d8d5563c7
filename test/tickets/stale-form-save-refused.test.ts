/**
 * The desk saves the ticket form as the agent types. A save names, in `previous`, the value each field
 * it sends had in the copy it was made from: when someone else (an admin's correction, another session
 * of the ticket) has changed one of those fields since, the save is refused with 409 and writes
 * nothing, so the correction is never overwritten unnoticed. A save of fields nobody else touched
 * still goes through, and a save without `previous` (an older client) is applied as before.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { api, login } from '../admin-api/admin-client.js';
import { registerPhones, useHarness } from '../support/harness.js';
import { answeredCall, fullForm } from '../support/ticket-calls.js';

const h = useHarness();
beforeAll(() => registerPhones(h.sim));

interface Read {
  ticket: { address: string | null; content: string; callerName: string | null; urgency: string | null; updatedAt: string };
  history: { kind: string; actor: string; note: string | null }[];
}
const CONFLICT = '工单已被他人修改，请刷新后重试';

describe('a save made from a stale copy of the ticket', () => {
  it('is refused when another session changed a field it sends, and goes through for untouched fields', async () => {
    const db = h.server.store.db;
    const call = await answeredCall({ httpUrl: h.server.httpUrl, simUrl: h.sim.httpUrl }, '1001', '13800137501');
    const path = `/api/v1/tickets/${call.number}`;
    const agent = call.desk.token;
    const admin = await login(h.server.httpUrl, 'admin');
    const form = await fullForm(db);
    expect((await api(h.server.httpUrl, 'PATCH', path, { token: agent, body: form })).status).toBe(200);

    // The desk holds this copy while the admin corrects the address.
    const seen = (await api<Read>(h.server.httpUrl, 'GET', path, { token: agent })).body.ticket;
    const corrected = await api<Read>(h.server.httpUrl, 'PATCH', path, {
      token: admin,
      body: { address: '民族路 188 号 3 栋', previous: { address: seen.address } },
    });
    expect(corrected.status).toBe(200);

    // The agent's next save still carries the old address: refused, nothing written.
    const stale = await api<{ error: string; fields: string[] }>(h.server.httpUrl, 'PATCH', path, {
      token: agent,
      body: { address: '民族路 188 号', content: '物业擅自上调物业费', previous: { address: seen.address, content: seen.content } },
    });
    expect(stale).toMatchObject({ status: 409, body: { error: CONFLICT, fields: ['详细地址'] } });
    const afterRefusal = (await api<Read>(h.server.httpUrl, 'GET', path, { token: agent })).body.ticket;
    expect(afterRefusal).toMatchObject({ address: '民族路 188 号 3 栋', content: seen.content, updatedAt: corrected.body.ticket.updatedAt });

    // A save of a field nobody else changed goes through on the same stale copy, and keeps the correction.
    const untouched = await api<Read>(h.server.httpUrl, 'PATCH', path, {
      token: agent,
      body: { content: '物业擅自上调物业费', previous: { content: seen.content } },
    });
    expect(untouched.status).toBe(200);
    expect(untouched.body.ticket).toMatchObject({ address: '民族路 188 号 3 栋', content: '物业擅自上调物业费' });

    // Both making the same change is no conflict.
    const same = await api(h.server.httpUrl, 'PATCH', path, { token: agent, body: { address: '民族路 188 号 3 栋', previous: { address: seen.address } } });
    expect(same.status).toBe(200);
    await call.hangUp();
    call.desk.close();
  });

  it('is refused when another session of the same agent saved the field first', async () => {
    const call = await answeredCall({ httpUrl: h.server.httpUrl, simUrl: h.sim.httpUrl }, '1002', '13800137502');
    const path = `/api/v1/tickets/${call.number}`;
    const first = call.desk.token;
    const second = await login(h.server.httpUrl, '1002');
    const seen = (await api<Read>(h.server.httpUrl, 'GET', path, { token: first })).body.ticket;

    const saved = await api(h.server.httpUrl, 'PATCH', path, { token: second, body: { urgency: 'A', previous: { urgency: seen.urgency } } });
    expect(saved.status).toBe(200);
    const stale = await api(h.server.httpUrl, 'PATCH', path, { token: first, body: { urgency: 'C', callerName: '李先生', previous: { urgency: seen.urgency, callerName: seen.callerName } } });
    expect(stale).toMatchObject({ status: 409, body: { error: CONFLICT, fields: ['紧急程度'] } });
    expect((await api<Read>(h.server.httpUrl, 'GET', path, { token: first })).body.ticket).toMatchObject({ urgency: 'A', callerName: seen.callerName });
    await call.hangUp();
    call.desk.close();
  });

  it('must name the previous value of every field it sends once it names any', async () => {
    const call = await answeredCall({ httpUrl: h.server.httpUrl, simUrl: h.sim.httpUrl }, '1003', '13800137503');
    const path = `/api/v1/tickets/${call.number}`;
    const token = call.desk.token;
    const half = await api<{ error: string }>(h.server.httpUrl, 'PATCH', path, { token, body: { content: '噪音扰民', urgency: 'B', previous: { content: '' } } });
    expect(half.status).toBe(400);
    expect(half.body.error).toContain('紧急程度');
    expect((await api<Read>(h.server.httpUrl, 'GET', path, { token })).body.ticket.content).toBe('');
    await call.hangUp();
    call.desk.close();
  });
});

describe('a save without previous values (an older client)', () => {
  it('is applied as before: the last save wins', async () => {
    const call = await answeredCall({ httpUrl: h.server.httpUrl, simUrl: h.sim.httpUrl }, '1005', '13800137504');
    const path = `/api/v1/tickets/${call.number}`;
    const admin = await login(h.server.httpUrl, 'admin');
    expect((await api(h.server.httpUrl, 'PATCH', path, { token: admin, body: { content: '管理员更正' } })).status).toBe(200);
    expect((await api(h.server.httpUrl, 'PATCH', path, { token: call.desk.token, body: { content: '坐席草稿' } })).status).toBe(200);
    expect((await api<Read>(h.server.httpUrl, 'GET', path, { token: admin })).body.ticket.content).toBe('坐席草稿');
    await call.hangUp();
    call.desk.close();
  });
});
