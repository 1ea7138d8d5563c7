/**
 * A ticket closed (办结) — here answered on the call (直接答复) — is the record of what the citizen
 * asked and what was done: a draft save that would rewrite 诉求内容 or 诉求类型 is refused (409) and
 * changes nothing, while a save that sends the form as it stands (the desktop saves the whole form)
 * still answers 200. Before it is closed, an edit of a registered ticket is named in its history by
 * the fields changed — never their contents (a contact phone would reach every reader of the history).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { api, login } from '../admin-api/admin-client.js';
import { registerPhones, useHarness } from '../support/harness.js';
import { answeredCall, demoRefs, fullForm } from '../support/ticket-calls.js';

const h = useHarness();
beforeAll(() => registerPhones(h.sim));

interface Read {
  ticket: { status: string; content: string; category: string; updatedAt: string };
  history: { kind: string; actor: string; note: string | null }[];
}

describe('a closed ticket', () => {
  it('cannot be rewritten by a draft save', async () => {
    const db = h.server.store.db;
    const call = await answeredCall({ httpUrl: h.server.httpUrl, simUrl: h.sim.httpUrl }, '1001', '13800137401');
    const path = `/api/v1/tickets/${call.number}`;
    const token = call.desk.token;
    const form = await fullForm(db, { category: 'consult', disposition: 'answered', content: '咨询物业费标准' });
    expect((await api(h.server.httpUrl, 'PATCH', path, { token, body: form })).status).toBe(200);
    expect((await api(h.server.httpUrl, 'POST', `${path}/register`, { token })).status).toBe(200);
    const closed = await api<Read>(h.server.httpUrl, 'POST', `${path}/actions`, { token, body: { action: 'answer-directly', note: '已告知收费标准' } });
    expect(closed.body.ticket.status).toBe('closed');
    await call.hangUp();
    const before = await api<Read>(h.server.httpUrl, 'GET', path, { token });

    const rewrite = await api<{ error?: string }>(h.server.httpUrl, 'PATCH', path, { token, body: { content: '投诉物业乱收费', category: 'complaint' } });
    expect(rewrite).toMatchObject({ status: 409, body: { error: '工单已办结，登记内容不能再修改' } });
    // The desktop's save of the form as it stands changes nothing and is not an error.
    expect((await api(h.server.httpUrl, 'PATCH', path, { token, body: { ...form, knowledgeLinks: [] } })).status).toBe(200);
    const after = await api<Read>(h.server.httpUrl, 'GET', path, { token });
    expect(after.body.ticket).toMatchObject({ content: '咨询物业费标准', category: 'consult', updatedAt: before.body.ticket.updatedAt });
    expect(after.body.history).toEqual(before.body.history);

    // Nor after the 回访 and its evaluation.
    const supervisor = await login(h.server.httpUrl, 'super');
    for (const body of [{ action: 'start-callback' }, { action: 'evaluate', satisfaction: 'satisfied' }]) {
      expect((await api(h.server.httpUrl, 'POST', `${path}/actions`, { token: supervisor, body })).status).toBe(200);
    }
    const admin = await login(h.server.httpUrl, 'admin');
    expect(await api(h.server.httpUrl, 'PATCH', path, { token: admin, body: { content: '投诉物业乱收费' } })).toMatchObject({
      status: 409,
      body: { error: '工单已评价，登记内容不能再修改' },
    });
    call.desk.close();
  });
});

describe('a registered ticket not yet closed', () => {
  it('names each edit in its history, by the fields changed and not their contents', async () => {
    const db = h.server.store.db;
    const call = await answeredCall({ httpUrl: h.server.httpUrl, simUrl: h.sim.httpUrl }, '1002', '13800137402');
    const path = `/api/v1/tickets/${call.number}`;
    const token = call.desk.token;
    const form = await fullForm(db, { handlingUnitId: (await demoRefs(db)).unit('市住房和城乡建设委员会').id });
    // Drafts before 登记完成 write no history.
    expect((await api(h.server.httpUrl, 'PATCH', path, { token, body: { ...form, content: '草稿' } })).status).toBe(200);
    expect((await api(h.server.httpUrl, 'PATCH', path, { token, body: form })).status).toBe(200);
    expect((await api(h.server.httpUrl, 'POST', `${path}/register`, { token })).status).toBe(200);

    // The agent goes on typing after 登记完成: each field changed is named once in a run of saves.
    const typing = async (extra: Record<string, unknown>) => expect((await api(h.server.httpUrl, 'PATCH', path, { token, body: { ...form, ...extra } })).status).toBe(200);
    await typing({ contactPhone: '13922223333' });
    await typing({ contactPhone: '13922223333', content: '物业擅自上调' });
    await typing({ contactPhone: '13922223333', content: '物业擅自上调物业费' });
    // Sent as it stands: no line.
    await typing({ contactPhone: '13922223333', content: '物业擅自上调物业费' });
    expect((await api(h.server.httpUrl, 'POST', `${path}/actions`, { token, body: { action: 'dispatch' } })).status).toBe(200);
    // After the dispatch, a new line.
    expect((await api(h.server.httpUrl, 'PATCH', path, { token, body: { urgency: 'B' } })).status).toBe(200);
    await call.hangUp();

    const read = await api<Read>(h.server.httpUrl, 'GET', path, { token });
    expect(read.body.history.map((e) => [e.kind, e.actor, e.note])).toEqual([
      ['created', 'system', '来电受理'],
      ['answered', expect.any(String), expect.anything()],
      ['registered', '1002', expect.any(String)],
      ['edited', '1002', '修改：联系电话'],
      ['edited', '1002', '修改：诉求内容'],
      ['dispatch', '1002', null],
      ['edited', '1002', '修改：紧急程度'],
    ]);
    expect(JSON.stringify(read.body.history)).not.toContain('13922223333');
    call.desk.close();
  });
});
