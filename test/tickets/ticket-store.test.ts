/**
 * The ticket and matter-tree repositories on the database `CTI_TEST_DB` selects (SQLite by default,
 * PostgreSQL with `CTI_TEST_DB=postgres`): one ticket per call also when arrivals overlap, the search's
 * LIKE patterns and confidentiality filter, the once-only moves, and the tree's rules.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  appendTicketEvent,
  changeTicketStatus,
  findTicketByNumber,
  isTicketRegistered,
  listTicketsOfCaller,
  recordSurvey,
  setTicketDeadlines,
  setTicketRecording,
  createHandlingUnit,
  createTicketMatter,
  grantExtension,
  isSelectableMatter,
  flagTicketDeadline,
  listTicketsToFlag,
  markTicketRegistered,
  matterLineage,
  openTicketForCall,
  saveTicketForm,
  searchTickets,
  ticketHistory,
  updateHandlingUnit,
  updateTicketMatter,
  type Store,
  type TicketForCall,
} from '../../store/index.js';
import { TestClock } from '../support/test-clock.js';
import { openTestStore } from '../support/test-database.js';

const stores: Store[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
});

async function open(): Promise<Store> {
  const store = await openTestStore(new TestClock());
  stores.push(store);
  return store;
}

const arrival = (key: string, at = new Date('2026-06-10T02:00:00Z')): TicketForCall => ({
  callKey: key,
  callId: null,
  callerNumber: '13800138000',
  dialledNumber: '12345',
  routeId: null,
  hotline: '12345 政务服务便民热线',
  at,
});

describe('tickets on either database', () => {
  it('overlapping arrivals of one call make one ticket, and the day numbers stay without gaps', async () => {
    const { db } = await open();
    const results = await Promise.all([openTicketForCall(db, arrival('dup.1')), openTicketForCall(db, arrival('dup.1')), openTicketForCall(db, arrival('dup.1'))]);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.ticket.number))).toEqual(new Set(['2606100001']));
    expect((await ticketHistory(db, results[0]?.ticket.id ?? 0)).map((e) => e.kind)).toEqual(['created']);
    expect((await openTicketForCall(db, arrival('dup.2'))).ticket.number).toBe('2606100002');
  });

  it('searches take %, _ and \\ literally, count as a number, and hide a confidential caller from other agents', async () => {
    const { db } = await open();
    const a = (await openTicketForCall(db, { ...arrival('s.1'), hotline: '12315 市场监管_投诉', callerNumber: '13900000001' })).ticket;
    await openTicketForCall(db, { ...arrival('s.2'), callerNumber: '13900000002' });
    await saveTicketForm(db, a.id, { confidential: true, callerName: '王女士', content: '举报油烟直排 100%' });
    const hotline = async (text: string) => (await searchTickets(db, { hotline: text, page: 1, pageSize: 10 })).items.map((t) => t.callKey);
    expect(await hotline('%')).toEqual([]);
    expect(await hotline('1_315')).toEqual([]);
    expect(await hotline('\\')).toEqual([]);
    expect(await hotline('监管_投诉')).toEqual(['s.1']);
    const all = await searchTickets(db, { page: 1, pageSize: 1 });
    expect(all.total).toBe(2);
    expect(all.items).toHaveLength(1);
    expect((await searchTickets(db, { text: '100%', page: 1, pageSize: 10 })).items.map((t) => t.callKey)).toEqual(['s.1']);
    expect((await searchTickets(db, { text: '0%%', page: 1, pageSize: 10 })).total).toBe(0);
    // The ticket has no agent: only a viewer with none finds it by the caller's number or name.
    expect((await searchTickets(db, { callerNumber: '13900000001', viewerAgentId: 7, page: 1, pageSize: 10 })).total).toBe(0);
    expect((await searchTickets(db, { callerName: '王', viewerAgentId: 7, page: 1, pageSize: 10 })).total).toBe(0);
    expect((await searchTickets(db, { callerNumber: '13900000001', viewerAgentId: null, page: 1, pageSize: 10 })).total).toBe(1);
    expect((await searchTickets(db, { callerNumber: '13900000002', viewerAgentId: 7, page: 1, pageSize: 10 })).total).toBe(1);
  });

  it('a move, 登记完成, an extension and each of the deadline watch flags apply once', async () => {
    const { db } = await open();
    const { ticket } = await openTicketForCall(db, arrival('m.1'));
    const move = { ticketId: ticket.id, from: 'accepted', to: 'dispatched', actor: '1001', kind: 'dispatch', at: new Date('2026-06-10T03:00:00Z') } as const;
    expect(await changeTicketStatus(db, move)).toBe(true);
    expect(await changeTicketStatus(db, move)).toBe(false);
    expect(await markTicketRegistered(db, ticket.id, '1001', '登记完成')).toBe(true);
    expect(await markTicketRegistered(db, ticket.id, '1001', '登记完成')).toBe(false);
    const extension = { ticketId: ticket.id, expectedCount: 0, dueAt: '2026-06-20T10:00:00.000Z', actor: 'super', note: '延期' };
    expect(await grantExtension(db, extension)).toBe(true);
    expect(await grantExtension(db, extension)).toBe(false);
    const due = '2026-06-20T10:00:00.000Z';
    const dueSoon = { ticketId: ticket.id, level: 'due-soon', dueAt: due, note: '即将到期', at: new Date('2026-06-19T12:00:00Z') } as const;
    expect((await listTicketsToFlag(db, '2026-06-19T12:00:00.000Z', '2026-06-20T12:00:00.000Z')).map((t) => t.id)).toEqual([ticket.id]);
    expect(await flagTicketDeadline(db, dueSoon)).toBe(true);
    expect(await flagTicketDeadline(db, dueSoon)).toBe(false);
    expect(await listTicketsToFlag(db, '2026-06-19T12:00:00.000Z', '2026-06-20T12:00:00.000Z')).toEqual([]);
    // Past the deadline: news again, once.
    const overdue = { ...dueSoon, level: 'overdue', note: '已超期', at: new Date('2026-06-20T11:00:00Z') } as const;
    expect((await listTicketsToFlag(db, '2026-06-20T11:00:00.000Z', '2026-06-21T11:00:00.000Z')).map((t) => t.id)).toEqual([ticket.id]);
    expect(await flagTicketDeadline(db, overdue)).toBe(true);
    expect(await flagTicketDeadline(db, overdue)).toBe(false);
    expect(await flagTicketDeadline(db, dueSoon)).toBe(false);
    expect(await listTicketsToFlag(db, '2026-06-20T11:00:00.000Z', '2026-06-21T11:00:00.000Z')).toEqual([]);
    // A flag for a deadline the ticket no longer has is not written.
    expect(await flagTicketDeadline(db, { ...overdue, dueAt: '2026-06-01T10:00:00.000Z' })).toBe(false);
    expect(await findTicketByNumber(db, ticket.number)).toMatchObject({ deadlineWatchLevel: 'overdue', deadlineWatchDueAt: due, supervisedAt: '2026-06-20T11:00:00.000Z' });
    // A second extension: a new deadline, news for the watch again.
    expect(await grantExtension(db, { ...extension, expectedCount: 1, dueAt: '2026-06-27T10:00:00.000Z' })).toBe(true);
    expect((await listTicketsToFlag(db, '2026-06-27T00:00:00.000Z', '2026-06-28T00:00:00.000Z')).map((t) => t.id)).toEqual([ticket.id]);
    expect((await ticketHistory(db, ticket.id)).map((e) => e.kind)).toEqual(['created', 'dispatch', 'registered', 'extended', 'supervise-mark', 'supervise-mark', 'extended']);
  });

  it('an edit of a registered ticket names the fields changed, each once in a run of the same actor’s edits', async () => {
    const { db } = await open();
    const { ticket } = await openTicketForCall(db, arrival('e.1'));
    await saveTicketForm(db, ticket.id, { content: '草稿' }, { actor: '1001', fields: ['诉求内容'] });
    await saveTicketForm(db, ticket.id, { content: '草稿二', callerName: '王女士' }, { actor: '1001', fields: ['诉求内容', '来电人姓名'] });
    await saveTicketForm(db, ticket.id, { content: '草稿三' }, { actor: '1001', fields: ['诉求内容'] });
    await saveTicketForm(db, ticket.id, { content: '草稿四' }, { actor: 'admin', fields: ['诉求内容'] });
    await saveTicketForm(db, ticket.id, { address: '民族路' });
    expect((await ticketHistory(db, ticket.id)).map((e) => [e.kind, e.actor, e.note])).toEqual([
      ['created', 'system', '来电受理'],
      ['edited', '1001', '修改：诉求内容'],
      ['edited', '1001', '修改：来电人姓名'],
      ['edited', 'admin', '修改：诉求内容'],
    ]);
    expect(await findTicketByNumber(db, ticket.number)).toMatchObject({ content: '草稿四', callerName: '王女士', address: '民族路' });
  });

  it('history lines, the survey, deadlines and the recording land on the ticket; a caller lists newest first', async () => {
    const { db } = await open();
    const older = (await openTicketForCall(db, arrival('h.1', new Date('2026-06-09T02:00:00Z')))).ticket;
    const { ticket } = await openTicketForCall(db, arrival('h.2'));
    await appendTicketEvent(db, { ticketId: ticket.id, actor: 'ivr', kind: 'transferred', note: '转接 12366', at: new Date('2026-06-10T02:01:00Z') });
    await recordSurvey(db, ticket.id, 'basically-satisfied');
    await setTicketRecording(db, ticket.id, 'call-2606100001');
    await setTicketDeadlines(db, ticket.id, { dispatchDueAt: '2026-06-10T06:00:00.000Z', dueAt: '2026-06-11T02:00:00.000Z' });
    expect(await isTicketRegistered(db, ticket.id)).toBe(false);
    expect(await findTicketByNumber(db, ticket.number)).toMatchObject({ satisfaction: 'basically-satisfied', recording: 'call-2606100001', dueAt: '2026-06-11T02:00:00.000Z' });
    expect(await findTicketByNumber(db, 'none')).toBeUndefined();
    expect((await ticketHistory(db, ticket.id)).map((e) => [e.kind, e.note])).toEqual([
      ['created', '来电受理'],
      ['transferred', '转接 12366'],
      ['survey', '通话后评价: 基本满意'],
    ]);
    expect((await listTicketsOfCaller(db, '13800138000')).map((t) => t.id)).toEqual([ticket.id, older.id]);
    // Each limit is its own statement (written into its text): one asked for later is not cut to an earlier one's.
    expect((await listTicketsOfCaller(db, '13800138000', 1)).map((t) => t.id)).toEqual([ticket.id]);
    expect((await listTicketsOfCaller(db, '13800138000', 2)).map((t) => t.id)).toEqual([ticket.id, older.id]);
    expect(await listTicketsOfCaller(db, '13800138000', 0)).toEqual([]);
    expect((await searchTickets(db, { overdueAt: '2026-06-12T00:00:00.000Z', page: 1, pageSize: 10 })).items.map((t) => t.id)).toEqual([ticket.id]);
  });

  it('the matter tree keeps three levels, no cycles and no twin names; units keep unique names', async () => {
    const { db } = await open();
    const top = await createTicketMatter(db, { parentId: null, name: '城乡建设' });
    const mid = await createTicketMatter(db, { parentId: top.id, name: '物业管理' });
    const leaf = await createTicketMatter(db, { parentId: mid.id, name: '物业服务收费' });
    await expect(createTicketMatter(db, { parentId: leaf.id, name: '第四级' })).rejects.toThrow('诉求分类最多3级');
    await expect(createTicketMatter(db, { parentId: mid.id, name: '物业服务收费' })).rejects.toMatchObject({ kind: 'conflict' });
    await expect(updateTicketMatter(db, top.id, { parentId: leaf.id })).rejects.toThrow('不能把分类移到它自己或它的下级之下');
    expect((await matterLineage(db, leaf.id)).map((n) => n.name)).toEqual(['城乡建设', '物业管理', '物业服务收费']);
    expect(await isSelectableMatter(db, mid.id)).toEqual({ ok: false, reason: '诉求分类请选到最末一级' });
    await updateTicketMatter(db, top.id, { enabled: false });
    expect(await isSelectableMatter(db, leaf.id)).toEqual({ ok: false, reason: '诉求分类已停用，请重新选择' });

    const unit = await createHandlingUnit(db, { name: '市生态环境局' });
    await createHandlingUnit(db, { name: '市交通运输局' });
    await expect(createHandlingUnit(db, { name: '市生态环境局' })).rejects.toMatchObject({ kind: 'conflict' });
    await expect(updateHandlingUnit(db, unit.id, { name: '市交通运输局' })).rejects.toMatchObject({ kind: 'conflict' });
    expect((await updateHandlingUnit(db, unit.id, { enabled: false })).enabled).toBe(false);
  });
});
