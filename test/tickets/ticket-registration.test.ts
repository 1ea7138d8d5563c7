/**
 * The 12345 ticket through HTTP, on tickets opened by real calls in the simulator: the draft saved as
 * the agent types, 登记完成 refused with every missing field named, the category tree and the
 * administrative divisions checked, dispatch to a unit with a deadline that may be shorter but longer
 * only with a reason, 直接答复 closing at once, 我的工单, search, and a confidential caller masked for
 * everyone but the agent who took the call.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { isTicketRegistered, queryAudit } from '../../store/index.js';
import { api, login } from '../admin-api/admin-client.js';
import { registerPhones, useHarness } from '../support/harness.js';
import { placeCall, simRequest } from '../support/sim-client.js';
import { answeredCall, demoRefs, fullForm } from '../support/ticket-calls.js';
import { AgentDesktop } from '../support/agent-desktop.js';

const h = useHarness();
beforeAll(() => registerPhones(h.sim));

interface Ticket {
  id: number;
  number: string;
  status: string;
  callerNumber: string;
  callerName: string | null;
  contactPhone: string | null;
  confidential: boolean;
  matterPath: string | null;
  districtName: string | null;
  streetName: string | null;
  address: string | null;
  content: string;
  handlingUnit: string | null;
  dueAt: string | null;
  registeredAt: string | null;
}
type One = { ticket: Ticket };
const servers = () => ({ httpUrl: h.server.httpUrl, simUrl: h.sim.httpUrl });
const db = () => h.server.store.db;

describe('registering a 12345 ticket', () => {
  it('keeps a draft, refuses 登记完成 naming every missing field, then registers the full form', async () => {
    const call = await answeredCall(servers(), '1001', '13800130001');
    const tok = call.desk.token;
    const path = `/api/v1/tickets/${call.number}`;

    // A draft: what was typed is on the server, the ticket is not registered.
    const draft = await api<One>(h.server.httpUrl, 'PATCH', path, { token: tok, body: { callerName: '王女士', content: '物业费上涨' } });
    expect(draft.status).toBe(200);
    expect(draft.body.ticket.registeredAt).toBeNull();
    expect((await api<One>(h.server.httpUrl, 'GET', path, { token: tok })).body.ticket).toMatchObject({ callerName: '王女士', content: '物业费上涨' });

    const refused = await api<{ error: string; missing: string[] }>(h.server.httpUrl, 'POST', `${path}/register`, { token: tok });
    expect(refused.status).toBe(422);
    expect(refused.body.missing).toEqual(['联系电话', '诉求类型', '诉求分类', '紧急程度', '事发区/县', '事发乡镇/街道', '详细地址', '处理方式']);
    expect(refused.body.error).toBe('缺少必填项：联系电话、诉求类型、诉求分类、紧急程度、事发区/县、事发乡镇/街道、详细地址、处理方式');
    const ticketId = (await api<One>(h.server.httpUrl, 'GET', path, { token: tok })).body.ticket.id;
    expect(await isTicketRegistered(db(), ticketId)).toBe(false);

    // A consultation needs no place.
    const consult = await api<One>(h.server.httpUrl, 'PATCH', path, { token: tok, body: { category: 'consult' } });
    expect(consult.status).toBe(200);
    const consultMissing = await api<{ missing: string[] }>(h.server.httpUrl, 'POST', `${path}/register`, { token: tok });
    expect(consultMissing.body.missing).toEqual(['联系电话', '诉求分类', '紧急程度', '处理方式']);

    const saved = await api<One>(h.server.httpUrl, 'PATCH', path, { token: tok, body: await fullForm(db()) });
    expect(saved.status).toBe(200);
    expect(saved.body.ticket).toMatchObject({
      matterPath: '城乡建设 > 物业管理 > 物业服务收费',
      districtName: '渝中区',
      streetName: '解放碑街道',
      address: '民族路 188 号',
      contactPhone: '13911112222',
    });
    const registered = await api<One>(h.server.httpUrl, 'POST', `${path}/register`, { token: tok });
    expect(registered.status).toBe(200);
    expect(registered.body.ticket.registeredAt).not.toBeNull();
    expect(await isTicketRegistered(db(), ticketId)).toBe(true);

    // Registered: a save may not empty a required field.
    const emptied = await api<{ missing: string[] }>(h.server.httpUrl, 'PATCH', path, { token: tok, body: { callerName: '' } });
    expect(emptied).toMatchObject({ status: 422, body: { missing: ['来电人姓名'] } });
    const history = await api<{ history: { kind: string; note: string | null }[] }>(h.server.httpUrl, 'GET', path, { token: tok });
    expect(history.body.history.find((e) => e.kind === 'registered')?.note).toBe('登记完成：城乡建设 > 物业管理 > 物业服务收费；渝中区解放碑街道');
    await call.hangUp();
    call.desk.close();
  });

  it('takes 区/县 and 乡镇/街道 only from the centre city, and a classification only at its last enabled level', async () => {
    const call = await answeredCall(servers(), '1002', '13800130002');
    const tok = call.desk.token;
    const path = `/api/v1/tickets/${call.number}`;
    const refs = await demoRefs(db());
    const yuzhong = refs.district('渝中区');
    const shapingba = refs.district('沙坪坝区');
    const wrongStreet = await api<{ error: string }>(h.server.httpUrl, 'PATCH', path, { token: tok, body: { districtCode: yuzhong.code, streetCode: shapingba.street('小龙坎街道').code } });
    expect(wrongStreet).toMatchObject({ status: 409, body: { error: '事发乡镇/街道不在所选区/县内' } });
    // 110101: 北京市东城区, not in 重庆.
    expect((await api<{ error: string }>(h.server.httpUrl, 'PATCH', path, { token: tok, body: { districtCode: '110101' } })).body.error).toBe('事发区/县不在本市');
    const badCode = await api<{ error: string; details: { field: string; message: string }[] }>(h.server.httpUrl, 'PATCH', path, { token: tok, body: { districtCode: '5001' } });
    expect(badCode.status).toBe(400);
    expect(badCode.body.details[0]?.message).toContain('区/县代码，6 位数字');
    expect((await api<{ error: string }>(h.server.httpUrl, 'PATCH', path, { token: tok, body: { matterId: refs.matter('物业管理').id } })).body.error).toBe('诉求分类请选到最末一级');
    await call.hangUp();
    call.desk.close();
  });

  it('dispatches to a unit with a deadline: shorter allowed, longer only with a reason, never in the past', async () => {
    const call = await answeredCall(servers(), '1003', '13800130003');
    const tok = call.desk.token;
    const path = `/api/v1/tickets/${call.number}`;
    const refs = await demoRefs(db());
    const act = (action: string) => api<One & { error: string }>(h.server.httpUrl, 'POST', `${path}/actions`, { token: tok, body: { action } });

    expect((await act('dispatch')).body.error).toBe('工单尚未登记完成，不能派单');
    expect((await api<One>(h.server.httpUrl, 'PATCH', path, { token: tok, body: await fullForm(db()) })).status).toBe(200);
    const rule = (await api<One>(h.server.httpUrl, 'POST', `${path}/register`, { token: tok })).body.ticket.dueAt ?? '';
    expect(Date.parse(rule)).toBeGreaterThan(h.clock.now().getTime() + 10 * 86_400_000);
    expect((await act('dispatch')).body.error).toBe('缺少必填项：承办单位');

    const later = new Date(Date.parse(rule) + 2 * 86_400_000).toISOString();
    const noReason = await api<{ error: string }>(h.server.httpUrl, 'PATCH', path, { token: tok, body: { handlingUnitId: refs.unit('市住房和城乡建设委员会').id, dueOverride: later } });
    expect(noReason).toMatchObject({ status: 409, body: { error: '办理时限晚于规定时限，须填写延长理由' } });
    const past = await api<{ error: string }>(h.server.httpUrl, 'PATCH', path, { token: tok, body: { dueOverride: new Date(h.clock.now().getTime() - 60_000).toISOString() } });
    expect(past.body.error).toBe('办理时限须晚于当前时间');
    const farTooLate = new Date(Date.parse(rule) + 60 * 86_400_000).toISOString();
    expect((await api<{ error: string }>(h.server.httpUrl, 'PATCH', path, { token: tok, body: { dueOverride: farTooLate, dueReason: '需跨部门会商' } })).body.error).toBe(
      '办理时限超过规定时限加最长延期，不能设定',
    );
    const withReason = await api<One>(h.server.httpUrl, 'PATCH', path, {
      token: tok,
      body: { handlingUnitId: refs.unit('市住房和城乡建设委员会').id, dueOverride: later, dueReason: '需业主大会表决' },
    });
    expect(withReason.status).toBe(200);
    expect(withReason.body.ticket.dueAt).toBe(later);
    const sooner = new Date(h.clock.now().getTime() + 3 * 86_400_000).toISOString();
    expect((await api<One>(h.server.httpUrl, 'PATCH', path, { token: tok, body: { dueOverride: sooner, dueReason: null } })).body.ticket.dueAt).toBe(sooner);

    const dispatched = await act('dispatch');
    expect(dispatched.status).toBe(200);
    expect(dispatched.body.ticket).toMatchObject({ status: 'dispatched', handlingUnit: '市住房和城乡建设委员会', dueAt: sooner });
    // Dispatched: the unit and the deadline change only by return, re-dispatch or extension.
    const moved = await api<{ error: string }>(h.server.httpUrl, 'PATCH', path, { token: tok, body: { handlingUnitId: refs.unit('市交通运输局').id } });
    expect(moved).toMatchObject({ status: 409, body: { error: '工单已派出或办结，承办单位和办理时限须经退单、改派或延期变更' } });
    await call.hangUp();
    call.desk.close();
  });

  it('直接答复 closes handling at once, only once registered, with the linked knowledge entry', async () => {
    const call = await answeredCall(servers(), '1001', '13800130004');
    const tok = call.desk.token;
    const path = `/api/v1/tickets/${call.number}`;
    const refs = await demoRefs(db());
    const act = () => api<One & { error: string }>(h.server.httpUrl, 'POST', `${path}/actions`, { token: tok, body: { action: 'answer-directly', note: '按知识库答复' } });
    expect((await act()).body.error).toBe('工单尚未登记完成，不能直接答复办结');
    const form = await fullForm(db(), { category: 'consult', matterId: refs.matter('综合政策').id, disposition: 'answered', districtCode: null, streetCode: null, address: null });
    const saved = await api<{ ticket: { knowledgeLinks: unknown[] } }>(h.server.httpUrl, 'PATCH', path, { token: tok, body: { ...form, knowledgeLinks: [{ entryId: 7, title: '物业费调整的规定' }] } });
    expect(saved.body.ticket.knowledgeLinks).toEqual([{ entryId: 7, title: '物业费调整的规定' }]);
    expect((await api(h.server.httpUrl, 'POST', `${path}/register`, { token: tok })).status).toBe(200);
    const closed = await act();
    expect(closed.body.ticket.status).toBe('closed');
    await call.hangUp();
    call.desk.close();
  });

  it('a confidential caller is shown in full to the agent who took the call and masked for a supervisor, in reads, search and later pops', async () => {
    const call = await answeredCall(servers(), '1002', '13800130005');
    const tok = call.desk.token;
    const path = `/api/v1/tickets/${call.number}`;
    await api(h.server.httpUrl, 'PATCH', path, { token: tok, body: await fullForm(db(), { confidential: true, content: '举报某饭店油烟直排', contactPhone: '13922223333' }) });
    expect((await api(h.server.httpUrl, 'POST', `${path}/register`, { token: tok })).status).toBe(200);

    const own = await api<One>(h.server.httpUrl, 'GET', path, { token: tok });
    expect(own.body.ticket).toMatchObject({ callerNumber: '13800130005', callerName: '王女士', contactPhone: '13922223333', confidential: true });

    const sup = await login(h.server.httpUrl, 'super');
    const read = await api<One>(h.server.httpUrl, 'GET', path, { token: sup });
    expect(read.body.ticket).toMatchObject({ callerNumber: '138****0005', callerName: '（保密）', contactPhone: '139****3333', content: '举报某饭店油烟直排' });
    const byText = await api<{ items: Ticket[] }>(h.server.httpUrl, 'GET', `/api/v1/tickets?text=${encodeURIComponent('油烟直排')}`, { token: sup });
    expect(byText.body.items.map((t) => [t.number, t.callerNumber, t.callerName])).toEqual([[call.number, '138****0005', '（保密）']]);
    // A search by the caller's number or name does not find it for anyone but its agent.
    expect((await api<{ total: number }>(h.server.httpUrl, 'GET', '/api/v1/tickets?caller=13800130005', { token: sup })).body.total).toBe(0);
    expect((await api<{ total: number }>(h.server.httpUrl, 'GET', `/api/v1/tickets?callerName=${encodeURIComponent('王')}&text=${encodeURIComponent('油烟')}`, { token: sup })).body.total).toBe(0);
    expect((await api<{ total: number }>(h.server.httpUrl, 'GET', '/api/v1/tickets?caller=13800130005', { token: tok })).body.total).toBe(1);
    await call.hangUp();
    call.desk.close();

    // The same citizen calls again: the pop lists the ticket without its content.
    const desk = await AgentDesktop.login(h.server.httpUrl, '1003');
    await desk.command('agent.ready');
    const again = await placeCall(h.sim.httpUrl, '13800130005', '12345');
    const pop = await desk.next('call.offered', (m) => m.callId === again);
    expect(pop.history).toEqual([expect.objectContaining({ ticketNumber: call.number, content: '（保密工单，内容不显示）' })]);
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${again}/hangup`);
    await desk.next('call.offer.withdrawn', (m) => m.callId === again);
    desk.close();
  });

  it('我的工单 lists the agent’s tickets of the day with their stages; others’ are not there', async () => {
    const tok = await login(h.server.httpUrl, '1001');
    const mine = await api<{ day: string; items: Ticket[] }>(h.server.httpUrl, 'GET', '/api/v1/tickets/mine', { token: tok });
    expect(mine.status).toBe(200);
    expect(mine.body.items.map((t) => [t.callerNumber, t.status])).toEqual([
      ['13800130004', 'closed'],
      ['13800130001', 'accepted'],
    ]);
    const other = await api<{ items: Ticket[] }>(h.server.httpUrl, 'GET', '/api/v1/tickets/mine', { token: await login(h.server.httpUrl, '1004') });
    expect(other.body.items).toEqual([]);
  });
});

describe('the category tree and handling units (admin)', () => {
  it('adds, renames, moves and disables nodes, refuses a fourth level, and audits every change', async () => {
    const admin = await login(h.server.httpUrl, 'admin');
    const refs = await demoRefs(db());
    const post = (body: unknown) => api<{ id: number; error: string }>(h.server.httpUrl, 'POST', '/api/v1/ticket-matters', { token: admin, body });
    const patch = (id: number, body: unknown) => api<{ error: string; name: string; parentId: number | null }>(h.server.httpUrl, 'PATCH', `/api/v1/ticket-matters/${id}`, { token: admin, body });

    const added = await post({ parentId: refs.matter('物业管理').id, name: '电梯维保' });
    expect(added.status).toBe(201);
    expect((await post({ parentId: added.body.id, name: '第四级' })).body.error).toBe('诉求分类最多3级');
    expect((await post({ parentId: refs.matter('物业管理').id, name: '电梯维保' })).status).toBe(409);
    expect((await patch(added.body.id, { name: '电梯维护保养' })).body.name).toBe('电梯维护保养');
    expect((await patch(added.body.id, { parentId: refs.matter('市政设施').id })).body.parentId).toBe(refs.matter('市政设施').id);
    expect((await patch(refs.matter('城乡建设').id, { parentId: refs.matter('物业管理').id })).body.error).toBe('不能把分类移到它自己或它的下级之下');
    const agentTok = await login(h.server.httpUrl, '1005');
    expect((await api(h.server.httpUrl, 'PATCH', `/api/v1/ticket-matters/${added.body.id}`, { token: agentTok, body: { enabled: false } })).status).toBe(403);

    // Disabling 物业服务收费: no longer offered, refused for a new choice; the tickets that have it keep it.
    const fee = refs.matter('物业服务收费');
    expect((await patch(fee.id, { enabled: false })).status).toBe(200);
    const options = await api<{ matters: { id: number }[] }>(h.server.httpUrl, 'GET', '/api/v1/ticket-options', { token: agentTok });
    expect(options.body.matters.some((m) => m.id === fee.id)).toBe(false);
    expect(options.body.matters.some((m) => m.id === added.body.id)).toBe(true);
    const call = await answeredCall(servers(), '1005', '13800130006');
    const refused = await api<{ error: string }>(h.server.httpUrl, 'PATCH', `/api/v1/tickets/${call.number}`, { token: call.desk.token, body: { matterId: fee.id } });
    expect(refused.body.error).toBe('诉求分类已停用，请重新选择');
    await call.hangUp();
    call.desk.close();
    const sup = await login(h.server.httpUrl, 'super');
    const old = await api<{ items: Ticket[] }>(h.server.httpUrl, 'GET', '/api/v1/tickets?caller=13800130001', { token: sup });
    expect(old.body.items[0]?.matterPath).toBe('城乡建设 > 物业管理 > 物业服务收费');

    const unit = await api<{ id: number }>(h.server.httpUrl, 'POST', '/api/v1/handling-units', { token: admin, body: { name: '市城市管理局' } });
    expect(unit.status).toBe(201);
    expect((await api(h.server.httpUrl, 'PATCH', `/api/v1/handling-units/${unit.body.id}`, { token: admin, body: { enabled: false } })).status).toBe(200);
    const units = await api<{ units: { name: string }[] }>(h.server.httpUrl, 'GET', '/api/v1/ticket-options', { token: agentTok });
    expect(units.body.units.map((u) => u.name)).not.toContain('市城市管理局');

    const audit = (await queryAudit(db(), { limit: 100, entity: 'ticket-matter' })).map((a) => a.action);
    expect(audit).toEqual(expect.arrayContaining(['create', 'update']));
    expect(audit.length).toBeGreaterThanOrEqual(4);
    expect((await queryAudit(db(), { limit: 100, entity: 'handling-unit' })).length).toBe(2);
  });

  it('the centre city is a setting: an unknown code is refused', async () => {
    const admin = await login(h.server.httpUrl, 'admin');
    expect((await api(h.server.httpUrl, 'GET', '/api/v1/centre-city', { token: admin })).body).toEqual({ code: '50', name: '重庆市', districts: 38 });
    expect((await api<{ error: string }>(h.server.httpUrl, 'PUT', '/api/v1/centre-city', { token: admin, body: { code: '9999' } })).body.error).toBe('行政区划代码不存在: 9999');
  });
});
