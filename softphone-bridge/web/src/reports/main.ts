/**
 * The reports page (话务报表): a Shanghai day's KPIs from `GET /api/v1/kpis` (definitions in
 * softphone-bridge/reports/kpis.ts) in total or per hotline, skill or agent — charts first (people
 * read them faster), then the table with every figure, and the same figures as a CSV download.
 * Supervisors and admins; a login made on the wallboard in this tab is used as it is.
 */
import type { KpiGrouping, KpiRow } from '../../../reports/kpi-row.js';
import { api, ApiError, listOf } from '../shared/api.js';
import { chartLegend, drawBarChart } from '../shared/chart.js';
import { byId, h, options, percent, replace } from '../shared/dom.js';
import { clearSession, endSession, loadSession, loginForm, saveSession, type Session } from '../shared/session.js';

const SESSION_KEY = 'cti.reports.session';
/** The wallboard's login (wallboard/main.ts), good here too. */
const WALLBOARD_SESSION_KEY = 'cti.supervisor.session';

type Grouping = KpiGrouping;
const GROUPINGS: [Grouping, string][] = [
  ['total', '总计'],
  ['hotline', '按热线'],
  ['skill', '按技能组'],
  ['agent', '按坐席'],
];
const KEY_HEADER: Record<Grouping, string> = { total: '范围', hotline: '热线', skill: '技能组', agent: '坐席' };

interface KpiReply {
  date: string;
  by: Grouping;
  rows: KpiRow[];
}

type Kind = 'count' | 'rate' | 'seconds';
/** Every figure of a row, in the endpoint's (and the CSV's) order, with what it means. */
const COLUMNS: { key: Exclude<keyof KpiRow, 'key'>; label: string; kind: Kind; help: string }[] = [
  { key: 'offered', label: '呼入量', kind: 'count', help: '到达的来电，黑名单拦截的不计' },
  { key: 'answered', label: '接通量', kind: 'count', help: '接到坐席（或由语音导航转给外部）的来电' },
  { key: 'answerRate', label: '接通率', kind: 'rate', help: '接通量 ÷ 呼入量' },
  { key: 'answeredWithin15sRate', label: '15秒接通率', kind: 'rate', help: '排队 15 秒内接通的来电 ÷ 呼入量' },
  { key: 'averageWaitSeconds', label: '平均等待', kind: 'seconds', help: '接通来电接通前的平均排队时长' },
  { key: 'p90WaitSeconds', label: 'P90等待', kind: 'seconds', help: '九成接通来电的排队时长不超过此值' },
  { key: 'abandoned', label: '放弃量', kind: 'count', help: '接通前挂机的来电' },
  { key: 'averageAbandonWaitSeconds', label: '放弃平均等待', kind: 'seconds', help: '放弃的来电挂机前的平均等待' },
  { key: 'averageHandleSeconds', label: '平均处理时长', kind: 'seconds', help: '接通到挂机的平均时长' },
  { key: 'transfers', label: '转接', kind: 'count', help: '完成的转接次数' },
  { key: 'conferences', label: '三方通话', kind: 'count', help: '三方通话次数' },
  { key: 'satisfactionRate', label: '满意率', kind: 'rate', help: '（满意＋基本满意）÷ 有评价的来电' },
  { key: 'repeatCallRate', label: '重复来电率', kind: 'rate', help: '24 小时内来电过的号码再次来电 ÷ 呼入量' },
  { key: 'ticketsOverdue', label: '超期工单', kind: 'count', help: '已过办理时限且未办结的工单（按查询时刻）' },
  { key: 'outbound', label: '外呼量', kind: 'count', help: '中心拨出的电话（坐席外呼、漏接回拨），不计入以上来电指标' },
  { key: 'outboundAnswered', label: '外呼接通', kind: 'count', help: '市民接听的外呼' },
  { key: 'knowledgeAnswered', label: '知识库解答数', kind: 'count', help: '坐席关联了知识库条目作答的接通来电' },
  { key: 'knowledgeAnswerRate', label: '知识库解答率', kind: 'rate', help: '知识库解答数 ÷ 接通量' },
];

const format = (kind: Kind, value: number): string => (kind === 'rate' ? percent(value) : kind === 'seconds' ? `${value.toFixed(1)} 秒` : String(value));

const COLORS = { offered: '#7fa7e0', answered: '#1d5fbf', answerRate: '#1d5fbf', within15s: '#f0a04b' };

/** Today's date in Shanghai, as YYYY-MM-DD. */
function shanghaiToday(): string {
  const parts = new Intl.DateTimeFormat('en', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(new Date());
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}

const app = byId('app');
const who = byId('who');
const logoutButton = byId<HTMLButtonElement>('logout');

let session: Session | null = loadSession(SESSION_KEY) ?? loadSession(WALLBOARD_SESSION_KEY);
/** Display names of skill codes and agent logins (best effort: codes are shown without them). */
const names = { skill: new Map<string, string>(), agent: new Map<string, string>() };
/** Only the answer to the latest query is shown. */
let querySeq = 0;
let namesReady: Promise<void> = Promise.resolve();

const query = new URLSearchParams(location.search);
const dateInput = h('input', { type: 'date', value: query.get('date') || shanghaiToday(), 'data-testid': 'report-date', required: true });
const bySelect = h('select', { 'data-testid': 'report-by' }, options(GROUPINGS, GROUPINGS.some(([g]) => g === query.get('by')) ? (query.get('by') ?? 'total') : 'total'));
const csvButton = h('button', { type: 'button', 'data-testid': 'btn-csv' }, '下载 CSV');
const errorBox = h('p', { class: 'form-error span-12', role: 'alert', 'data-testid': 'report-error', hidden: true });
const status = h('span', { class: 'muted', 'data-testid': 'report-status' });
const volumeCard = h('section', { class: 'card span-6 chart', 'data-testid': 'chart-volume' });
const ratesCard = h('section', { class: 'card span-6 chart', 'data-testid': 'chart-rates' });
const tableCard = h('section', { class: 'card span-12', 'data-testid': 'report-table' });

const grouping = () => bySelect.value as Grouping;

function keyLabel(by: Grouping, key: string): string {
  if (by === 'total') return '合计';
  if (key === '-') return by === 'agent' ? '（无坐席）' : by === 'skill' ? '（无技能组）' : '（无）';
  const name = by === 'skill' || by === 'agent' ? names[by].get(key) : undefined;
  return name ? `${key} ${name}` : key;
}

function showLogin(): void {
  who.textContent = '';
  logoutButton.hidden = true;
  replace(
    app,
    loginForm({
      title: '话务报表 · 班长登录',
      roles: ['supervisor', 'admin'],
      wrongRole: '该账号没有查看报表的权限',
      endpointLabel: null,
      onLogin(s) {
        session = s;
        saveSession(SESSION_KEY, s);
        startPage();
      },
    }),
  );
}

function startPage(): void {
  const s = session;
  if (!s) return showLogin();
  logoutButton.hidden = false;
  who.textContent = s.name;
  const controls = h(
    'section',
    { class: 'card span-12 report-controls' },
    h('label', { class: 'inline' }, '日期', dateInput),
    h('label', { class: 'inline' }, '分组', bySelect),
    h('button', { type: 'button', class: 'primary', 'data-testid': 'btn-query', onclick: () => void load() }, '查询'),
    csvButton,
    status,
  );
  replace(app, h('div', { class: 'board' }, controls, errorBox, volumeCard, ratesCard, tableCard));
  namesReady = loadNames(s.token);
  void load();
}

async function loadNames(token: string): Promise<void> {
  const read = (path: string) => api<unknown>('GET', path, { token }).then(listOf<Record<string, unknown>>, () => []);
  const [skills, agents] = await Promise.all([read('/api/v1/skills'), read('/api/v1/agents')]);
  for (const s of skills) if (typeof s.code === 'string' && typeof s.name === 'string') names.skill.set(s.code, s.name);
  for (const a of agents) if (typeof a.login === 'string' && typeof a.name === 'string') names.agent.set(a.login, a.name);
}

function kpiPath(format: 'json' | 'csv'): string {
  return `/api/v1/kpis?${new URLSearchParams({ date: dateInput.value, by: grouping(), format }).toString()}`;
}

/** What went wrong, in words a supervisor can act on. */
function explain(error: unknown): string {
  if (!(error instanceof ApiError)) return error instanceof Error ? error.message : String(error);
  if (error.status === 401) return '登录已失效，请重新登录';
  if (error.status === 403) return '该账号无权查看话务报表';
  if (error.status === 400) {
    const fields: Record<string, string> = { '/date': '日期', '/by': '分组', '/format': '格式' };
    const details = (error.body as { details?: { field: string; message: string }[] } | null)?.details ?? [];
    const why = details.map((d) => `${fields[d.field] ?? d.field}：${d.message}`).join('；');
    return `查询条件不正确${why ? `（${why}）` : `：${error.message}`}`;
  }
  return error.message;
}

function fail(error: unknown): void {
  errorBox.textContent = explain(error);
  errorBox.hidden = false;
  status.textContent = '';
  if (error instanceof ApiError && error.status === 401) {
    errorBox.append(' ', h('button', { class: 'small', 'data-testid': 'btn-relogin', onclick: () => logout() }, '重新登录'));
  }
}

async function load(): Promise<void> {
  const s = session;
  if (!s) return;
  const seq = ++querySeq;
  errorBox.hidden = true;
  status.textContent = '查询中…';
  history.replaceState(null, '', `?${new URLSearchParams({ date: dateInput.value, by: grouping() }).toString()}`);
  try {
    const reply = await api<KpiReply>('GET', kpiPath('json'), { token: s.token });
    await namesReady;
    if (seq !== querySeq) return;
    render(reply);
    status.textContent = `${reply.date} · ${GROUPINGS.find(([g]) => g === reply.by)?.[1] ?? reply.by} · 共 ${reply.rows.length} 行`;
  } catch (error) {
    if (seq !== querySeq) return;
    // No figures of another day or grouping stay on screen under the new choice.
    for (const card of [volumeCard, ratesCard, tableCard]) card.hidden = true;
    fail(error);
  }
}

function render(reply: KpiReply): void {
  const rows = reply.rows;
  for (const card of [volumeCard, ratesCard, tableCard]) card.hidden = false;
  const labels = rows.map((r) => keyLabel(reply.by, r.key));
  const tip = (i: number) => {
    const r = rows[i];
    return r ? `${labels[i]}：呼入 ${r.offered}，接通 ${r.answered}，接通率 ${percent(r.answerRate)}，15秒接通率 ${percent(r.answeredWithin15sRate)}` : '';
  };
  const empty = rows.length === 0 ? h('p', { class: 'muted' }, '当日没有来电记录') : null;
  const volume = { offered: { name: '呼入量', color: COLORS.offered }, answered: { name: '接通量', color: COLORS.answered } };
  replace(
    volumeCard,
    h('h2', null, '呼入量与接通量'),
    chartLegend([volume.offered, volume.answered]),
    empty ??
      drawBarChart({
        title: '呼入量与接通量',
        slots: labels,
        scale: 'count',
        bars: [
          { ...volume.offered, values: rows.map((r) => r.offered) },
          { ...volume.answered, values: rows.map((r) => r.answered) },
        ],
        valueLabels: rows.length <= 12,
        tip,
      }),
  );
  const rates = { answer: { name: '接通率', color: COLORS.answerRate }, within15s: { name: '15秒接通率', color: COLORS.within15s } };
  replace(
    ratesCard,
    h('h2', null, '接通率与15秒接通率'),
    chartLegend([rates.answer, rates.within15s]),
    empty?.cloneNode(true) ??
      drawBarChart({
        title: '接通率与15秒接通率',
        slots: labels,
        scale: 'rate',
        bars: [
          { ...rates.answer, values: rows.map((r) => r.answerRate) },
          { ...rates.within15s, values: rows.map((r) => r.answeredWithin15sRate) },
        ],
        valueLabels: rows.length <= 8,
        tip,
      }),
  );
  replace(
    tableCard,
    h('h2', null, '指标明细 ', h('span', { class: 'muted', style: 'font-weight:400;font-size:12px' }, '（表头悬停可看口径）')),
    h(
      'div',
      { class: 'table-scroll' },
      h(
        'table',
        { class: 'table', 'data-testid': 'kpi-table' },
        h('thead', null, h('tr', null, h('th', null, KEY_HEADER[reply.by]), COLUMNS.map((c) => h('th', { class: 'num', title: c.help, 'data-column': c.key }, c.label)))),
        h(
          'tbody',
          null,
          rows.map((r, i) =>
            h(
              'tr',
              { 'data-key': r.key },
              h('td', { class: 'nowrap', 'data-column': 'key' }, labels[i]),
              COLUMNS.map((c) => h('td', { class: 'num', 'data-column': c.key }, format(c.kind, r[c.key]))),
            ),
          ),
        ),
      ),
      empty?.cloneNode(true),
    ),
  );
}

/** The same query as CSV, fetched with the login and saved under the server's file name. */
async function downloadCsv(): Promise<void> {
  const s = session;
  if (!s) return;
  errorBox.hidden = true;
  csvButton.disabled = true;
  try {
    let response: Response;
    try {
      response = await fetch(kpiPath('csv'), { headers: { authorization: `Bearer ${s.token}` } });
    } catch {
      throw new ApiError(0, '无法连接服务器', null);
    }
    if (!response.ok) {
      const text = await response.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // not JSON: keep the text
      }
      const message = (body as { error?: unknown } | null)?.error;
      throw new ApiError(response.status, typeof message === 'string' ? message : `请求失败 (HTTP ${response.status})`, body);
    }
    const name = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? `kpis-${dateInput.value}-${grouping()}.csv`;
    const url = URL.createObjectURL(await response.blob());
    const link = h('a', { href: url, download: name, hidden: true });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  } catch (error) {
    fail(error);
  } finally {
    csvButton.disabled = false;
  }
}

function logout(): void {
  if (session) endSession(session.token);
  session = null;
  clearSession(SESSION_KEY);
  clearSession(WALLBOARD_SESSION_KEY);
  showLogin();
}

dateInput.addEventListener('change', () => void load());
bySelect.addEventListener('change', () => void load());
csvButton.addEventListener('click', () => void downloadCsv());
logoutButton.addEventListener('click', logout);

if (session) startPage();
else showLogin();
