/**
 * The knowledge base in the store, on whichever database the test runs on (SQLite by default,
 * PostgreSQL with `CTI_TEST_DB=postgres`): the Chinese search over the demo entries (segmentation,
 * synonyms, title above answer, highlighting, full-width letters and digits), validity by the injected
 * clock's day, the index kept in step with publishing and withdrawing and refilled after a migration
 * empties it, versions, the editors' list, suggestions, links to tickets
 * and the index's document frequencies.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createKnowledgeEntry,
  documentFrequencies,
  findKnowledgeEntry,
  findKnowledgeVersion,
  hotlineKnowledge,
  indexMissingKnowledge,
  linkKnowledgeToTicket,
  listKnowledgeDepartments,
  listKnowledgeEntries,
  listKnowledgeLinksOfTicket,
  listKnowledgeVersions,
  markExpiredKnowledge,
  publishKnowledgeEntry,
  searchKnowledge,
  setKnowledgeStatus,
  shanghaiDay,
  suggestKnowledge,
  ticketEvents,
  tickets,
  updateKnowledgeEntry,
  withdrawKnowledgeEntry,
  type Db,
  type KnowledgeFields,
  type Store,
} from '../../store/index.js';
import { seedKnowledgeEntries } from '../../store/knowledge/seed-knowledge.js';
import { TestClock } from '../support/test-clock.js';
import { alterSchema, openTestStore } from '../support/test-database.js';

const clock = new TestClock();
let store: Store;
let db: Db;

beforeAll(async () => {
  store = await openTestStore(clock);
  db = store.db;
  await seedKnowledgeEntries(db);
});
afterAll(async () => {
  await store.close();
});

const today = () => shanghaiDay(clock.now());
const addDays = (day: string, days: number) => new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
const search = (text: string, over: { hotline?: string; limit?: number } = {}) => searchKnowledge(db, { text, today: today(), ...over });
const titles = async (text: string) => (await search(text)).map((hit) => hit.title);

const fields = (over: Partial<KnowledgeFields> = {}): KnowledgeFields => ({
  title: '门诊慢特病待遇申请',
  answer: '患高血压、糖尿病等门诊慢特病的参保人，可持二级以上医院诊断证明到定点医院医保窗口申请。',
  department: '市医疗保障局',
  categories: ['医疗保障'],
  hotline: null,
  keywords: '',
  validFrom: null,
  validUntil: null,
  ...over,
});

/** Written and published at once (the review steps are the routes' business). */
async function published(over: Partial<KnowledgeFields> = {}) {
  const entry = await createKnowledgeEntry(db, fields(over), 'kb-ybj', 'review');
  await publishKnowledgeEntry(db, entry, 'super');
  return entry;
}

describe('Chinese search', () => {
  it('finds 医疗保障卡挂失补办 for “医保卡丢了怎么办”, first, with the matches marked', async () => {
    const [hit] = await search('医保卡丢了怎么办');
    expect(hit?.title).toBe('医疗保障卡挂失补办');
    expect(hit?.titleHtml).toContain('<mark>挂失</mark>');
    expect(hit?.snippetHtml).toMatch(/<mark>[^<]+<\/mark>/);
    expect(hit).toMatchObject({ version: 1, department: '市医疗保障局', categories: ['医疗保障', '证件办理'], hotline: null, validUntil: null });
  });

  it('reads colloquial questions through the synonyms', async () => {
    expect((await titles('公积金怎么取出来'))[0]).toBe('住房公积金提取条件和材料');
    expect((await titles('暂住证怎么办'))[0]).toBe('居住证办理');
    expect((await titles('家里没电了'))[0]).toBe('计划停电通知查询');
    expect((await titles('驾照到期了'))[0]).toBe('机动车驾驶证到期换证');
    // 12333 is named in the answers of other entries, but this one is titled with the words.
    expect((await titles('社保缴费记录'))[0]).toBe('社会保险缴费记录查询');
  });

  it('ranks an entry titled with the words above one whose answer mentions them', async () => {
    const mentioned = await published({ title: '住院费用报销比例', answer: '住院费用按比例报销；门诊慢特病另有待遇，见相关条目。', keywords: '' });
    const titled = await published({ keywords: '慢病 特病' });
    const hits = await search('门诊慢特病');
    expect(hits.map((h) => h.entryId).slice(0, 2)).toEqual([titled.id, mentioned.id]);
    expect(hits[0]?.titleHtml).toContain('<mark>');
  });

  it('ranks the call’s hotline’s own entry first among similar ones', async () => {
    const plain = await titles('养老保险');
    const ofHotline = (await search('养老保险', { hotline: '12333' })).map((h) => [h.title, h.hotline]);
    expect(plain.length).toBeGreaterThan(0);
    expect(ofHotline[0]?.[1]).toBe('12333');
  });

  it('escapes what an entry says, so a highlighted snippet never carries markup of its own', async () => {
    await published({ title: '网上申报<b>操作</b>指南', answer: '登录后点击 <script>申报</script> 按钮 & 填写表单。', keywords: '' });
    const [hit] = await search('申报操作指南');
    expect(hit?.titleHtml).toBe('网上<mark>申报</mark>&lt;b&gt;<mark>操作</mark>&lt;/b&gt;<mark>指南</mark>');
    expect(hit?.snippetHtml).toContain('&lt;script&gt;<mark>申报</mark>&lt;/script&gt;');
    expect(hit?.snippetHtml).toContain('&amp;');
  });

  it('answers nothing for words not in the knowledge base, nor for punctuation, quotes or operators', async () => {
    expect(await search('火星移民签证')).toEqual([]);
    expect(await search('？！，。')).toEqual([]);
    expect(await search(`o'neil | ! & (x) "y" \\ :*`)).toEqual([]);
  });

  it('matches Latin words and numbers case-insensitively, as the index stores them', async () => {
    const entry = await published({ title: 'APP 登录失败 12366 处理', answer: '请更新 App 后重试。', keywords: 'app' });
    expect((await search('app登录失败')).map((h) => h.entryId)).toContain(entry.id);
    expect((await search('12366')).map((h) => h.entryId)).toContain(entry.id);
  });
});

describe('full-width letters and digits (全角)', () => {
  it('are the same characters as half-width ones, on both sides, and marked as the entry writes them', async () => {
    const fullWidth = await published({ title: 'ＥＴＣ 通行费发票开具', answer: '高速公路ＥＴＣ通行费电子发票在票根平台开具，咨询 ９５０２２。', keywords: '' });
    const halfWidth = await published({ title: '12366 纳税服务热线转接', answer: '涉税问题可转接 12366。', keywords: '' });
    expect((await search('ETC')).map((h) => h.entryId)).toContain(fullWidth.id);
    expect((await search('95022')).map((h) => h.entryId)).toContain(fullWidth.id);
    expect((await search('１２３６６')).map((h) => h.entryId)).toContain(halfWidth.id);
    const hit = (await search('etc通行费')).find((h) => h.entryId === fullWidth.id);
    expect(hit?.titleHtml).toBe('<mark>ＥＴＣ</mark> <mark>通行费</mark>发票开具');
    // A compatibility character folding into several (㍻ is 平成) is marked whole, once.
    const era = await published({ title: '平成年间档案查询 ㍻', answer: '日文档案。', keywords: '' });
    expect((await search('平成')).find((h) => h.entryId === era.id)?.titleHtml).toBe('<mark>平成</mark>年间档案查询 <mark>㍻</mark>');
  });

  it('an index emptied by a migration is filled again with every published entry, and only those', async () => {
    const entry = await published({ title: 'ＡＰＰ 电子社保卡申领', answer: '在“电子社保卡”ＡＰＰ 申领。', keywords: '' });
    const withdrawn = await published({ title: 'ＡＰＰ 旧版下载', answer: '已停用。', keywords: '' });
    await withdrawKnowledgeEntry(db, withdrawn.id, 'super', '停用');
    const searchable = (await searchKnowledge(db, { text: '电子社保卡', today: today(), limit: 50 })).length;
    await alterSchema(store, store.dialect === 'postgres' ? 'delete from knowledge_search' : 'delete from knowledge_fts');
    expect(await search('电子社保卡')).toEqual([]);

    const publishedCount = (await listKnowledgeEntries(db, { limit: 1000, offset: 0 })).items.filter((e) => e.publishedVersion !== null).length;
    expect(await indexMissingKnowledge(db)).toBe(publishedCount);
    expect((await search('app')).map((h) => h.entryId)).toEqual(expect.arrayContaining([entry.id]));
    expect((await search('app')).map((h) => h.entryId)).not.toContain(withdrawn.id);
    expect((await searchKnowledge(db, { text: '电子社保卡', today: today(), limit: 50 })).length).toBe(searchable);
    // Nothing is missing any more.
    expect(await indexMissingKnowledge(db)).toBe(0);
  });
});

describe('validity by the clock’s day', () => {
  it('never shows an entry before its valid-from day or after its valid-until day, and marks it expired for editors', async () => {
    const day = today();
    const ending = await published({ title: '端午节医保窗口调整', answer: '端午节期间医保服务大厅暂停现场服务，线上业务照常办理。', keywords: '放假 节假日', validUntil: addDays(day, 1) });
    const future = await published({ title: '国庆节医保窗口调整', answer: '国庆节期间医保服务大厅暂停现场服务。', keywords: '放假 节假日', validFrom: addDays(day, 1) });
    expect((await search('端午节医保窗口')).map((h) => h.entryId)).toContain(ending.id);
    expect((await search('国庆节医保窗口')).map((h) => h.entryId)).not.toContain(future.id);
    expect(await markExpiredKnowledge(db, today())).toEqual([]);

    clock.set(`${addDays(day, 2)}T02:00:00.000Z`);
    try {
      expect((await search('端午节医保窗口')).map((h) => h.entryId)).not.toContain(ending.id);
      expect((await search('国庆节医保窗口')).map((h) => h.entryId)).toContain(future.id);
      expect(await markExpiredKnowledge(db, today())).toEqual([ending.id]);
      expect((await findKnowledgeEntry(db, ending.id))?.status).toBe('expired');
      const listed = await listKnowledgeEntries(db, { text: '端午节', limit: 10, offset: 0 });
      expect(listed).toMatchObject({ total: 1, items: [{ id: ending.id, status: 'expired' }] });
    } finally {
      clock.set(`${day}T02:00:00.000Z`);
    }
  });

  it('the demo’s temporary notices are in force around the seeding day', async () => {
    const [hit] = await search('停水通知');
    expect(hit?.title).toBe('计划停水通知查询');
    expect(hit?.validUntil).toBe(addDays(today(), 20));
  });
});

describe('the index follows publishing', () => {
  it('a draft is not found; each publication replaces the indexed text; a withdrawn entry is gone, its versions stay', async () => {
    const entry = await createKnowledgeEntry(db, fields({ title: '生育津贴申领', answer: '生育津贴在产假结束后一年内申领，由单位申报。', keywords: '生孩子 产假 津贴' }), 'kb-ybj');
    expect(entry.status).toBe('draft');
    expect(await search('生育津贴')).toEqual([]);

    const v1 = await publishKnowledgeEntry(db, entry, 'super');
    expect(v1.version).toBe(1);
    expect((await search('生孩子津贴怎么领'))[0]).toMatchObject({ entryId: entry.id, version: 1 });

    // A change is a new draft; agents keep finding version 1 until version 2 is published.
    const changed = await updateKnowledgeEntry(db, entry.id, fields({ title: '生育津贴申领（2026年版）', answer: '可由本人在“市医保”公众号直接申领。', keywords: '生孩子 产假 津贴' }), 'kb-ybj');
    expect(changed).toMatchObject({ status: 'draft', publishedVersion: 1 });
    expect((await search('生育津贴'))[0]).toMatchObject({ entryId: entry.id, version: 1, title: '生育津贴申领' });
    const inReview = await setKnowledgeStatus(db, entry.id, 'review', 'kb-ybj');
    if (!inReview) throw new Error('no entry');
    await publishKnowledgeEntry(db, inReview, 'super');
    expect((await search('生育津贴'))[0]).toMatchObject({ entryId: entry.id, version: 2, title: '生育津贴申领（2026年版）' });
    // The old answer's words no longer find it.
    expect((await search('单位申报')).map((h) => h.entryId)).not.toContain(entry.id);

    expect((await listKnowledgeVersions(db, entry.id)).map((v) => [v.version, v.title, v.writtenBy, v.publishedBy])).toEqual([
      [2, '生育津贴申领（2026年版）', 'kb-ybj', 'super'],
      [1, '生育津贴申领', 'kb-ybj', 'super'],
    ]);

    const withdrawn = await withdrawKnowledgeEntry(db, entry.id, 'super', '政策调整');
    expect(withdrawn).toMatchObject({ status: 'withdrawn', publishedVersion: null, reviewNote: '政策调整' });
    expect((await search('生育津贴')).map((h) => h.entryId)).not.toContain(entry.id);
    expect((await findKnowledgeVersion(db, entry.id, 1))?.answer).toContain('产假结束后一年内');
    expect(await findKnowledgeVersion(db, entry.id, 3)).toBeUndefined();
  });
});

describe('lists, suggestions and links', () => {
  it('lists entries for editors by status, department and text (a % is a character, not a wildcard)', async () => {
    await createKnowledgeEntry(db, fields({ title: '报销比例 100% 的情形', department: '市医疗保障局' }), 'kb-ybj');
    const byText = await listKnowledgeEntries(db, { text: '100%', limit: 10, offset: 0 });
    expect(byText.items.map((e) => e.title)).toEqual(['报销比例 100% 的情形']);
    expect((await listKnowledgeEntries(db, { text: '0%的', limit: 10, offset: 0 })).total).toBe(0);
    const drafts = await listKnowledgeEntries(db, { status: 'draft', department: '市医疗保障局', limit: 1, offset: 0 });
    expect(drafts.total).toBeGreaterThanOrEqual(1);
    expect(drafts.items).toHaveLength(1);
    const all = await listKnowledgeEntries(db, { limit: 100, offset: 0 });
    expect(all.total).toBe(all.items.length);
    expect(await listKnowledgeDepartments(db)).toEqual([...new Set(all.items.map((e) => e.department))].sort());
  });

  it('suggests the hotline’s own entries without any text, and entries matching the call’s texts first', async () => {
    const own = await hotlineKnowledge(db, '12333', today(), 3);
    expect(own).toHaveLength(3);
    expect(own.every((hit) => hit.hotline === '12333' && !hit.titleHtml.includes('<mark>'))).toBe(true);
    expect((await suggestKnowledge(db, { today: today(), hotline: '12333', texts: [] })).every((hit) => hit.hotline === '12333')).toBe(true);
    const typed = await suggestKnowledge(db, { today: today(), hotline: '12345', texts: ['来电人称医保卡丢了，问如何补办', ''] });
    expect(typed[0]?.title).toBe('医疗保障卡挂失补办');
  });

  it('links an entry to a ticket once, in its history and its list of links', async () => {
    const [ticket] = await db
      .insert(tickets)
      .values({ number: '202606109001', callerNumber: '13800000009', dialledNumber: '12345', hotline: '12345 政务服务便民热线' })
      .returning();
    if (!ticket) throw new Error('no ticket');
    const [hit] = await search('医保卡丢了怎么办');
    if (!hit) throw new Error('no hit');
    const link = { ticket, entryId: hit.entryId, version: hit.version, title: hit.title, actor: '1001' };
    expect(await linkKnowledgeToTicket(db, link)).toBe(true);
    expect(await linkKnowledgeToTicket(db, link)).toBe(false);
    const events = await db.select().from(ticketEvents).where(eq(ticketEvents.ticketId, ticket.id));
    expect(events.filter((e) => e.kind === 'knowledge-linked').map((e) => [e.actor, e.note])).toEqual([['1001', `知识库解答：医疗保障卡挂失补办（条目 ${hit.entryId} 第 1 版）`]]);
    const [after] = await db.select().from(tickets).where(eq(tickets.id, ticket.id));
    expect(after?.knowledgeLinks).toEqual([{ entryId: hit.entryId, title: '医疗保障卡挂失补办' }]);
    expect((await listKnowledgeLinksOfTicket(db, '202606109001')).map((l) => [l.entryId, l.version, l.title, l.linkedBy])).toEqual([[hit.entryId, 1, '医疗保障卡挂失补办', '1001']]);
  });

  it('keeps both of two entries linked to one ticket at the same moment', async () => {
    const [ticket] = await db
      .insert(tickets)
      .values({ number: '202606109002', callerNumber: '13800000010', dialledNumber: '12345', hotline: '12345 政务服务便民热线' })
      .returning();
    if (!ticket) throw new Error('no ticket');
    const [first] = await search('医保卡丢了怎么办');
    const [second] = await search('公积金怎么取出来');
    if (!first || !second) throw new Error('no hits');
    // Both read the ticket before either links: each must add to the list as it is by then.
    await Promise.all([first, second].map((hit) => linkKnowledgeToTicket(db, { ticket, entryId: hit.entryId, version: hit.version, title: hit.title, actor: '1001' })));
    const [after] = await db.select().from(tickets).where(eq(tickets.id, ticket.id));
    expect((after?.knowledgeLinks ?? []).map((l) => l.entryId).sort()).toEqual([first.entryId, second.entryId].sort());
  });
});

describe('the index’s document frequencies', () => {
  it('counts the published entries each word occurs in (withdrawn ones no longer)', async () => {
    const docs = await documentFrequencies(db, ['医疗', '公积金', '火星']);
    expect(docs.get('火星')).toBe(0);
    expect(docs.get('公积金')).toBe(2);
    expect(docs.get('医疗')).toBeGreaterThanOrEqual(3);
    const entry = await published({ title: '火星基地医疗保障', answer: '试验条目。' });
    expect((await documentFrequencies(db, ['火星'])).get('火星')).toBe(1);
    await withdrawKnowledgeEntry(db, entry.id, 'super', '试验结束');
    expect((await documentFrequencies(db, ['火星'])).get('火星')).toBe(0);
  });
});
