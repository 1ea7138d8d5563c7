/**
 * Phase 4 of `npm run bench`, "knowledge": the agents' knowledge search over a large knowledge base.
 * Before the server starts, bench.ts calls `seedKnowledgeBench`: 10,000 published entries (word
 * segmentation and the full-text index as publishing does them) made of the kinds of titles and
 * answers departments write. Then `knowledgePhase` asks `GET /api/v1/knowledge/search` the questions
 * citizens ask, as an agent would (one at a time), and `…/suggestions` with a ticket's text:
 * latency end to end (p50, p99; target p99 under 50 ms), and what one question costs inside the
 * store alone.
 */
import { performance } from 'node:perf_hooks';
import { atomically, createKnowledgeEntry, openDatabase, publishKnowledgeEntry, searchKnowledge, shanghaiDay } from '../../store/index.js';
import { simRequest } from '../support/sim-client.js';
import { fixed, percentile } from './figures.js';

export const KNOWLEDGE_ENTRIES = 10_000;
const ROUNDS = 3;
const SEARCH_P99_GOAL_MS = 50;

const PLACES = ['渝中区', '江北区', '南岸区', '沙坪坝区', '九龙坡区', '大渡口区', '北碚区', '渝北区', '巴南区', '两江新区'];
const DEPARTMENTS = ['市医疗保障局', '市人力资源和社会保障局', '市住房公积金管理中心', '市公安局', '市自来水公司', '市供电公司', '市市场监督管理局', '市教育局', '市税务局', '市住房和城乡建设委员会'];
const SUBJECTS = [
  '医疗保障卡', '职工养老保险', '失业保险金', '住房公积金', '居住证', '居民身份证', '户口迁移', '自来水水费', '电费缴纳', '燃气开户',
  '消费投诉', '食品经营许可', '小学入学', '个人所得税', '物业服务收费', '房屋维修基金', '公租房申请', '驾驶证换证', '新能源汽车补贴', '残疾人补贴',
  '高龄津贴', '生育津贴', '工伤认定', '劳动仲裁', '营业执照', '社会保障卡', '异地就医', '门诊慢特病', '长期护理保险', '退役军人优待证',
];
const ACTIONS = ['办理流程', '所需材料', '申请条件', '查询方式', '挂失补办', '变更登记', '办理时限', '收费标准', '线上办理', '咨询电话'];
const SENTENCES = [
  '可携带本人身份证到各区政务服务中心窗口办理，也可通过“渝快办”App 线上申请。',
  '材料齐全的当场受理，一般 5 个工作日内办结，办结后短信通知申请人。',
  '如对办理结果有异议，可在收到通知之日起 60 日内申请复核。',
  '办理过程中不收取任何费用，请勿轻信代办中介。',
  '节假日期间窗口暂停现场服务，线上业务照常受理。',
  '行动不便的老年人可预约上门服务，由社区工作人员协助办理。',
  '具体以主管部门最新公告为准，政策调整时本条目同步更新。',
];
/** What citizens say on the phone: colloquial, with synonyms and abbreviations. */
const QUESTIONS = [
  '医保卡丢了怎么办', '公积金怎么取出来', '暂住证在哪里办', '身份证掉了怎么补', '家里没水了', '停电什么时候来电', '孩子上学需要什么材料',
  '个税怎么退税', '工资被拖欠了去哪投诉', '退休金领取认证', '异地看病怎么报销', '营业执照变更要带什么', '物业乱收费', '公租房申请条件',
  '驾照到期换证', '残疾人补贴怎么申请', '生孩子津贴怎么领', '工伤认定流程', '燃气开户要多久', '新能源车补贴查询',
];
const TICKET_TEXTS = ['来电人称医保卡丢失，询问补办需要哪些材料，能否线上办理', '市民反映小区物业服务收费标准不透明，要求公示', '来电人咨询住房公积金租房提取的条件和到账时间'];

const pick = <T>(list: readonly T[], i: number): T => list[i % list.length] as T;

/** 10,000 published entries, written straight into the store the server child will open. */
export async function seedKnowledgeBench(dbPath: string): Promise<{ ms: number }> {
  const started = performance.now();
  const store = await openDatabase(dbPath);
  const db = store.db;
  await atomically(db, async (tx) => {
    for (let i = 0; i < KNOWLEDGE_ENTRIES; i++) {
      const subject = pick(SUBJECTS, i);
      const action = pick(ACTIONS, Math.floor(i / SUBJECTS.length));
      const place = pick(PLACES, Math.floor(i / (SUBJECTS.length * ACTIONS.length)));
      const answer = [0, 1, 2].map((k) => pick(SENTENCES, i + k * 3)).join('');
      const entry = await createKnowledgeEntry(
        tx,
        {
          title: `${place}${subject}${action}`,
          answer: `${place}${subject}${action}：${answer}`,
          department: pick(DEPARTMENTS, i),
          categories: [subject],
          hotline: i % 7 === 0 ? '12333' : null,
          keywords: '',
          validFrom: null,
          validUntil: null,
        },
        'bench',
        'review',
      );
      await publishKnowledgeEntry(tx, entry, 'bench');
    }
  });
  await store.close();
  return { ms: performance.now() - started };
}

async function timed(url: string, token: string, rounds: number, paths: string[]): Promise<{ ms: number[]; hits: number; failed: number }> {
  const ms: number[] = [];
  let hits = 0;
  let failed = 0;
  for (let r = 0; r < rounds; r++) {
    for (const path of paths) {
      const started = performance.now();
      try {
        const res = await fetch(new URL(path, url), { headers: { authorization: `Bearer ${token}` } });
        const body = (await res.json()) as { items?: unknown[] };
        ms.push(performance.now() - started);
        if (res.status !== 200) failed++;
        else hits += body.items?.length ?? 0;
      } catch {
        failed++;
      }
    }
  }
  return { ms, hits, failed };
}

/** Runs the searches against the server child; returns the table's lines. */
export async function knowledgePhase(serverUrl: string, dbPath: string, seeded: { ms: number }): Promise<string[]> {
  const login = await simRequest<{ token: string }>(serverUrl, 'POST', '/api/v1/auth/login', { username: '1001', password: 'bench' });
  if (login.status !== 200) return [`knowledge: agent 1001 could not log in (${login.status})`];
  const token = login.body.token;
  const searchPaths = QUESTIONS.map((q) => `/api/v1/knowledge/search?q=${encodeURIComponent(q)}&limit=10`);
  const suggestPaths = TICKET_TEXTS.map((t) => `/api/v1/knowledge/suggestions?hotline=12333&text=${encodeURIComponent(t)}`);
  await timed(serverUrl, token, 1, searchPaths); // warm-up: the dictionary, prepared statements
  const search = await timed(serverUrl, token, ROUNDS * 5, searchPaths);
  const suggest = await timed(serverUrl, token, ROUNDS * 10, suggestPaths);

  // The same questions inside the store, without HTTP: what the search itself costs.
  const store = await openDatabase(dbPath);
  const inStore: number[] = [];
  const today = shanghaiDay(new Date());
  for (let r = 0; r < ROUNDS; r++) {
    for (const q of QUESTIONS) {
      const started = performance.now();
      await searchKnowledge(store.db, { text: q, today, limit: 10 });
      inStore.push(performance.now() - started);
    }
  }
  await store.close();

  const p99 = percentile(search.ms, 99);
  const row = (label: string, ms: number[], extra: string) => `| ${label} | ${ms.length} | ${fixed(percentile(ms, 50), 1)} | ${fixed(percentile(ms, 99), 1)} | ${extra} |`;
  return [
    '',
    `## 4. Knowledge search over ${KNOWLEDGE_ENTRIES.toLocaleString('en')} published entries`,
    '',
    '| request | n | p50 ms | p99 ms | |',
    '|---|---|---|---|---|',
    row('GET /api/v1/knowledge/search (20 citizens’ questions)', search.ms, `${fixed(search.hits / Math.max(1, search.ms.length), 1)} hits per question, ${search.failed} failed`),
    row('GET /api/v1/knowledge/suggestions (hotline + ticket text)', suggest.ms, `${suggest.failed} failed`),
    row('searchKnowledge in the store (no HTTP)', inStore, 'segmentation, FTS5 bm25, re-ranking, highlighting'),
    '',
    `seeding ${KNOWLEDGE_ENTRIES.toLocaleString('en')} entries (segmented and indexed as publishing does): ${fixed(seeded.ms / 1000, 1)} s`,
    `target: search p99 under ${SEARCH_P99_GOAL_MS} ms — ${Number.isFinite(p99) && p99 < SEARCH_P99_GOAL_MS ? 'met' : 'NOT met'} (${fixed(p99, 1)} ms)`,
  ];
}
