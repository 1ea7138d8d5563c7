/**
 * The knowledge base over HTTP against the real server: Chinese search (segmentation, synonyms,
 * ranking, highlighting), writing by department editors, review and publishing by supervisors with
 * versions and audit, expiry by the clock, the CSV import with its per-row report, suggestions, and
 * a link to a ticket counted in the KPIs.
 */
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { auditLog, knowledgeLinks, listAgents, setTicketAgent, shanghaiDay, ticketEvents, tickets } from '../../store/index.js';
import { client, login, type ErrorBody } from '../admin-api/admin-client.js';
import { useHarness } from '../support/harness.js';
import { seedCall } from '../support/seed-calls.js';

const h = useHarness();

interface Hit {
  entryId: number;
  version: number;
  title: string;
  answer: string;
  titleHtml: string;
  snippetHtml: string;
  hotline: string | null;
}
interface Entry {
  id: number;
  title: string;
  status: string;
  statusName: string;
  publishedVersion: number | null;
  reviewNote: string | null;
}
type Call = ReturnType<typeof client>;

let agent: Call;
let agent2: Call;
let editor: Call;
let supervisor: Call;
let admin: Call;

beforeAll(async () => {
  const url = h.server.httpUrl;
  const as = async (who: string) => client(url, await login(url, who));
  [agent, agent2, editor, supervisor, admin] = [await as('1001'), await as('1002'), await as('kb-ybj'), await as('super'), await as('admin')];
});

const search = async (q: string, as: Call = agent) => {
  const answer = await as<{ items: Hit[] }>('GET', `/api/v1/knowledge/search?q=${encodeURIComponent(q)}`);
  expect(answer.status).toBe(200);
  return answer.body.items;
};
const today = () => shanghaiDay(h.clock.now());
const addDays = (day: string, days: number) => new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

const draft = (over: Record<string, unknown> = {}) => ({
  title: '门诊慢特病待遇申请',
  answer: '患高血压、糖尿病等门诊慢特病的参保人，可持二级以上医院诊断证明到定点医院医保窗口申请，审核通过后门诊费用按住院比例报销。',
  department: '市医疗保障局',
  categories: ['医疗保障'],
  hotline: null,
  keywords: '慢病 特病 门特',
  validFrom: null,
  validUntil: null,
  ...over,
});

/** Written by the editor, submitted, published by the supervisor. */
async function published(over: Record<string, unknown> = {}): Promise<Entry> {
  const created = await editor<Entry>('POST', '/api/v1/knowledge/entries', { ...draft(over), submit: true });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const approved = await supervisor<Entry>('POST', `/api/v1/knowledge/entries/${created.body.id}/actions`, { action: 'approve' });
  expect(approved.status, JSON.stringify(approved.body)).toBe(200);
  return approved.body;
}

describe('Chinese search', () => {
  it('finds 医疗保障卡挂失补办 for “医保卡丢了怎么办”, first, with the matches marked', async () => {
    const hits = await search('医保卡丢了怎么办');
    expect(hits[0]?.title).toBe('医疗保障卡挂失补办');
    expect(hits[0]?.titleHtml).toContain('<mark>挂失</mark>');
    expect(hits[0]?.snippetHtml).toMatch(/<mark>[^<]+<\/mark>/);
  });

  it('reads colloquial questions through the synonyms and ranks a title match above a mention in an answer', async () => {
    expect((await search('公积金怎么取出来'))[0]?.title).toBe('住房公积金提取条件和材料');
    expect((await search('暂住证怎么办'))[0]?.title).toBe('居住证办理');
    expect((await search('家里没电了'))[0]?.title).toBe('计划停电通知查询');
    // 12333 is named in the answers of other entries, but this one is titled with the words.
    expect((await search('社保缴费记录'))[0]?.title).toBe('社会保险缴费记录查询');
  });

  it('escapes what an entry says, so a highlighted snippet never carries markup of its own', async () => {
    await published({ title: '网上申报<b>操作</b>指南', answer: '登录后点击 <script>申报</script> 按钮 & 填写表单。', keywords: '' });
    const [hit] = await search('申报操作指南');
    expect(hit?.titleHtml).toBe('网上<mark>申报</mark>&lt;b&gt;<mark>操作</mark>&lt;/b&gt;<mark>指南</mark>');
    expect(hit?.snippetHtml).toContain('&lt;script&gt;<mark>申报</mark>&lt;/script&gt;');
    expect(hit?.snippetHtml).toContain('&amp;');
  });

  it('answers nothing for words that are not in the knowledge base, and refuses an empty query in Chinese', async () => {
    expect(await search('火星移民签证')).toEqual([]);
    const empty = await agent<ErrorBody>('GET', '/api/v1/knowledge/search?q=');
    expect(empty.status).toBe(400);
    expect(empty.body.details?.[0]?.field).toContain('q');
  });
});

describe('writing, review and publishing', () => {
  it('an editor writes entries of their own department only; agents do not write at all', async () => {
    const other = await editor<ErrorBody>('POST', '/api/v1/knowledge/entries', draft({ department: '市公安局' }));
    expect(other.status).toBe(403);
    expect(other.body.error).toBe('只能编写本部门（市医疗保障局）的知识条目');
    const byAgent = await agent<ErrorBody>('POST', '/api/v1/knowledge/entries', draft());
    expect(byAgent.status).toBe(403);
    const badDates = await editor<ErrorBody>('POST', '/api/v1/knowledge/entries', draft({ validFrom: '2026-07-01', validUntil: '2026-06-01' }));
    expect(badDates.status).toBe(400);
    expect(badDates.body.details?.[0]?.message).toBe('失效日期不能早于生效日期');
  });

  it('draft → review → published by a supervisor, a new version on each publication, old versions readable, every step audited', async () => {
    const created = await editor<Entry>('POST', '/api/v1/knowledge/entries', draft({ title: '生育津贴申领' , keywords: '生孩子 产假 津贴' }));
    expect(created.body).toMatchObject({ status: 'draft', statusName: '草稿', publishedVersion: null });
    const id = created.body.id;
    expect(await search('生育津贴')).toEqual([]);

    expect((await editor<ErrorBody>('POST', `/api/v1/knowledge/entries/${id}/actions`, { action: 'approve' })).status).toBe(403);
    expect((await supervisor<ErrorBody>('POST', `/api/v1/knowledge/entries/${id}/actions`, { action: 'approve' })).body.error).toBe('只有待审核的条目可以发布');
    expect((await editor<Entry>('POST', `/api/v1/knowledge/entries/${id}/actions`, { action: 'submit' })).body.status).toBe('review');
    expect((await editor<ErrorBody>('PUT', `/api/v1/knowledge/entries/${id}`, draft({ title: '生育津贴申领' }))).status).toBe(409);

    // Sent back with a reason, corrected, submitted again.
    expect((await supervisor<ErrorBody>('POST', `/api/v1/knowledge/entries/${id}/actions`, { action: 'reject' })).status).toBe(400);
    const rejected = await supervisor<Entry>('POST', `/api/v1/knowledge/entries/${id}/actions`, { action: 'reject', note: '请补充申领时限' });
    expect(rejected.body).toMatchObject({ status: 'draft', reviewNote: '请补充申领时限' });
    await editor('PUT', `/api/v1/knowledge/entries/${id}`, { ...draft({ title: '生育津贴申领', answer: '生育津贴在产假结束后一年内申领，由单位在医保经办系统申报。', keywords: '生孩子 产假 津贴' }), submit: true });
    const v1 = await supervisor<Entry>('POST', `/api/v1/knowledge/entries/${id}/actions`, { action: 'approve' });
    expect(v1.body).toMatchObject({ status: 'published', statusName: '已发布', publishedVersion: 1 });
    expect((await search('生孩子津贴怎么领'))[0]).toMatchObject({ entryId: id, version: 1 });

    // A change is a new draft; agents keep reading version 1 until version 2 is published.
    await editor('PUT', `/api/v1/knowledge/entries/${id}`, draft({ title: '生育津贴申领（2026年版）', answer: '生育津贴可由本人在“市医保”公众号直接申领。', keywords: '生孩子 产假 津贴' }));
    expect((await search('生育津贴'))[0]).toMatchObject({ entryId: id, version: 1, title: '生育津贴申领' });
    await editor('POST', `/api/v1/knowledge/entries/${id}/actions`, { action: 'submit' });
    await supervisor('POST', `/api/v1/knowledge/entries/${id}/actions`, { action: 'approve' });
    expect((await search('生育津贴'))[0]).toMatchObject({ entryId: id, version: 2, title: '生育津贴申领（2026年版）' });

    const detail = await supervisor<{ entry: Entry; versions: { version: number; title: string; publishedBy: string; writtenBy: string }[] }>('GET', `/api/v1/knowledge/entries/${id}`);
    expect(detail.body.versions.map((v) => [v.version, v.title, v.publishedBy, v.writtenBy])).toEqual([
      [2, '生育津贴申领（2026年版）', 'super', 'kb-ybj'],
      [1, '生育津贴申领', 'super', 'kb-ybj'],
    ]);
    const old = await agent<{ answer: string }>('GET', `/api/v1/knowledge/entries/${id}/versions/1`);
    expect(old.body.answer).toContain('产假结束后一年内');

    const audit = await h.server.store.db.select().from(auditLog).where(and(eq(auditLog.entity, 'knowledge-entry'), eq(auditLog.entityId, String(id)))).orderBy(auditLog.id);
    expect(audit.map((a) => `${a.actor}:${a.action}`)).toEqual([
      'kb-ybj:create',
      'kb-ybj:submit',
      'super:reject',
      'kb-ybj:update',
      'super:approve',
      'kb-ybj:update',
      'kb-ybj:submit',
      'super:approve',
    ]);

    // Withdrawn: agents no longer find it; its versions stay readable.
    expect((await supervisor<ErrorBody>('POST', `/api/v1/knowledge/entries/${id}/actions`, { action: 'withdraw', note: '政策调整' })).status).toBe(200);
    expect((await search('生育津贴')).map((hit) => hit.entryId)).not.toContain(id);
    expect((await supervisor('GET', `/api/v1/knowledge/entries/${id}/versions/2`)).status).toBe(200);
  });

  it('an entry past its valid-until day is never shown to agents, and shows 已失效 to editors', async () => {
    const day = today();
    const entry = await published({ title: '端午节医保窗口调整', answer: '端午节期间医保服务大厅暂停现场服务，线上业务照常办理。', keywords: '放假 节假日', validUntil: addDays(day, 1) });
    expect((await search('端午节医保窗口'))[0]?.entryId).toBe(entry.id);
    h.clock.set(`${addDays(day, 2)}T02:00:00.000Z`);
    try {
      // Logins last 12 hours: two days on, everyone logs in again.
      const url = h.server.httpUrl;
      const agentNow = client(url, await login(url, '1001'));
      const editorNow = client(url, await login(url, 'kb-ybj'));
      expect((await search('端午节医保窗口', agentNow)).map((hit) => hit.entryId)).not.toContain(entry.id);
      const listed = await editorNow<{ items: Entry[] }>('GET', `/api/v1/knowledge/entries?q=${encodeURIComponent('端午节')}`);
      expect(listed.body.items[0]).toMatchObject({ id: entry.id, status: 'expired', statusName: '已失效' });
    } finally {
      h.clock.set(`${day}T02:00:00.000Z`);
    }
  });
});

describe('CSV import', () => {
  it('imports the rows that are right as drafts and names the row and column of every problem in Chinese', async () => {
    const csv = [
      '\uFEFF标题,答复内容,部门,分类,热线,关键词,生效日期,失效日期',
      '医保电子凭证激活,"打开微信或支付宝搜索“医保电子凭证”，按提示激活，激活后可扫码就医购药。",市医疗保障局,医疗保障、电子凭证,,电子医保卡,2026/6/1,',
      '"长期护理保险, 申请条件","失能人员经评估后可享受长护险待遇。\r\n评估由区医保局组织。",市医疗保障局,医疗保障,12345,长护险 护理,,2027-12-31',
      ',缺标题的行,市医疗保障局,,,,,',
      '日期不对,答复,市医疗保障局,,,,2026-02-30,',
      '日期颠倒,答复,市医疗保障局,,,,2026-08-01,2026-07-01',
      '别的部门,答复,市公安局,,,,,',
      '热线不对,答复,市医疗保障局,,一二三,,,',
    ].join('\r\n');
    const answer = await editor<{ created: number; ids: number[]; errors: { row: number; field: string; message: string }[] }>('POST', '/api/v1/knowledge/import', { csv });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body.created).toBe(2);
    expect(answer.body.errors).toEqual([
      { row: 4, field: '标题', message: '必填' },
      { row: 5, field: '生效日期', message: '不是有效的日期（如 2026-03-01）' },
      { row: 6, field: '失效日期', message: '失效日期不能早于生效日期' },
      { row: 7, field: '部门', message: '只能编写本部门（市医疗保障局）的知识条目' },
      { row: 8, field: '热线', message: '应为热线号码，3–20 位数字' },
    ]);
    const read = async (id: number | undefined) => (await editor<{ entry: Entry & { categories: string[]; validFrom: string | null; answer: string } }>('GET', `/api/v1/knowledge/entries/${id}`)).body.entry;
    const first = await read(answer.body.ids[0]);
    const second = await read(answer.body.ids[1]);
    expect(first).toMatchObject({ title: '医保电子凭证激活', status: 'draft', categories: ['医疗保障', '电子凭证'], validFrom: '2026-06-01' });
    expect(second).toMatchObject({ title: '长期护理保险, 申请条件', status: 'draft' });
    expect(second?.answer).toContain('\n评估由区医保局组织');
  });

  it('can send the imported entries straight to review, and says so when the file is not UTF-8', async () => {
    const csv = '标题,答复内容,部门\n医保目录查询,在国家医保服务平台查询药品目录。,市医疗保障局\n';
    const answer = await editor<{ ids: number[] }>('POST', '/api/v1/knowledge/import', { csv, submit: true });
    const entry = await editor<{ entry: Entry }>('GET', `/api/v1/knowledge/entries/${answer.body.ids[0]}`);
    expect(entry.body.entry.status).toBe('review');
    const gbk = await editor<{ created: number; errors: { message: string }[] }>('POST', '/api/v1/knowledge/import', { csv: '\uFFFD\uFFFD,\uFFFD\n' });
    expect(gbk.body.created).toBe(0);
    expect(gbk.body.errors[0]?.message).toContain('CSV UTF-8');
    const noHeader = await editor<{ errors: { message: string }[] }>('POST', '/api/v1/knowledge/import', { csv: 'a,b,c\n1,2,3\n' });
    expect(noHeader.body.errors[0]?.message).toContain('缺少列：标题、答复内容、部门');
  });
});

describe('suggestions and links to tickets', () => {
  it('suggests the hotline’s own entries without any text, and entries matching what the agent types', async () => {
    const byHotline = await agent<{ items: Hit[] }>('GET', '/api/v1/knowledge/suggestions?hotline=12333');
    expect(byHotline.body.items.length).toBeGreaterThan(0);
    expect(byHotline.body.items.every((hit) => hit.hotline === '12333')).toBe(true);
    const typed = await agent<{ items: Hit[] }>('GET', `/api/v1/knowledge/suggestions?hotline=12345&text=${encodeURIComponent('来电人称医保卡丢了，问如何补办')}`);
    expect(typed.body.items[0]?.title).toBe('医疗保障卡挂失补办');
  });

  it('links an entry to the agent’s ticket once, in its history, and counts the call as answered from the knowledge base', async () => {
    const db = h.server.store.db;
    await seedCall(db, today(), { id: 'kb-call', caller: '13800000009', dialled: '12345', hotline: '12345 政务服务便民热线', at: '09:00', skill: 'general', waitS: 5, handleS: 60, agent: '1001', outcome: 'answered' });
    const ticket = (await db.select().from(tickets).where(eq(tickets.callKey, 'kb-call')).limit(1))[0];
    if (!ticket) throw new Error('no ticket');
    // The agent who answers a call is the ticket's agent (as call handling records it).
    await setTicketAgent(db, ticket.id, (await listAgents(db)).find((a) => a.login === '1001')?.id ?? 0);
    const [hit] = await search('医保卡丢了怎么办');
    if (!hit) throw new Error('no hit');

    expect((await agent2<ErrorBody>('POST', `/api/v1/tickets/${ticket.number}/knowledge`, { entryId: hit.entryId })).status).toBe(404);
    const linked = await agent<{ created: boolean; title: string; version: number }>('POST', `/api/v1/tickets/${ticket.number}/knowledge`, { entryId: hit.entryId });
    expect(linked.body).toMatchObject({ created: true, title: '医疗保障卡挂失补办', version: 1 });
    expect((await agent<{ created: boolean }>('POST', `/api/v1/tickets/${ticket.number}/knowledge`, { entryId: hit.entryId })).body.created).toBe(false);

    expect(await db.select().from(knowledgeLinks).where(eq(knowledgeLinks.ticketId, ticket.id))).toHaveLength(1);
    const events = await db.select().from(ticketEvents).where(and(eq(ticketEvents.ticketId, ticket.id), eq(ticketEvents.kind, 'knowledge-linked'))).orderBy(ticketEvents.id);
    expect(events.map((e) => [e.actor, e.note])).toEqual([['1001', `知识库解答：医疗保障卡挂失补办（条目 ${hit.entryId} 第 1 版）`]]);
    expect((await agent<{ title: string }[]>('GET', `/api/v1/tickets/${ticket.number}/knowledge`)).body.map((l) => l.title)).toEqual(['医疗保障卡挂失补办']);

    const kpis = await supervisor<{ rows: { knowledgeAnswered: number; knowledgeAnswerRate: number; answered: number }[] }>('GET', `/api/v1/kpis?date=${today()}`);
    expect(kpis.body.rows[0]).toMatchObject({ knowledgeAnswered: 1 });
    expect(kpis.body.rows[0]?.knowledgeAnswerRate).toBe(Math.round((1 / (kpis.body.rows[0]?.answered ?? 1)) * 1000) / 1000);
    const csv = await admin<string>('GET', `/api/v1/kpis?date=${today()}&format=csv`);
    // The CSV's header names the figure (in English keys or in its Chinese column title).
    expect(csv.body.split('\r\n')[0]).toMatch(/knowledgeAnswered|知识库解答数/);
  });
});
