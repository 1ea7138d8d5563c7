/**
 * The reports page (话务报表): the KPIs of a range of Shanghai days from `GET /api/v1/kpis`
 * (definitions in softphone-bridge/reports/kpis.ts) in total or per hotline, skill or agent, over the
 * whole range, per day or per half hour (staffing) — the GB/T 33358 figures against their targets
 * first, then charts, then the table with a 合计 row, and the same figures as a CSV download (Chinese
 * headers, or the English keys). A figure with no data shows "—". Below, 每周热点 and 工单录音 (a
 * ticket's every recording, for quality inspection). Supervisors and admins; a login made on the
 * wallboard in this tab is used as it is.
 */
import type { KpiGrouping, KpiInterval, KpiReport, KpiRow } from '../../../reports/kpi-row.js';
import { api, ApiError, listOf } from '../shared/api.js';
import { chartLegend, drawBarChart } from '../shared/chart.js';
import { byId, h, options, percent, replace } from '../shared/dom.js';
import { clearSession, endSession, loadSession, loginForm, saveSession, type Session } from '../shared/session.js';
import { GROUPINGS, INTERVALS, periodLabel } from './format.js';
import { COLUMN_GROUPS, reportTable, type ColumnGroup } from './report-table.js';
import { targetFigures } from './target-card.js';
import { HotTopicsPanel } from './hot-topics-panel.js';
import { TicketRecordingsPanel } from './ticket-recordings-panel.js';

const SESSION_KEY = 'cti.reports.session';
/** The wallboard's login (wallboard/main.ts), good here too. */
const WALLBOARD_SESSION_KEY = 'cti.supervisor.session';

type Grouping = KpiGrouping;

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
const pick = <T extends string>(pairs: [T, string][], value: string | null, fallback: T): T => pairs.find(([v]) => v === value)?.[0] ?? fallback;
const today = shanghaiToday();
const fromInput = h('input', { type: 'date', value: query.get('from') || query.get('date') || today, 'data-testid': 'report-from', required: true });
const toInput = h('input', { type: 'date', value: query.get('to') || query.get('date') || fromInput.value, 'data-testid': 'report-to', required: true });
const bySelect = h('select', { 'data-testid': 'report-by' }, options(GROUPINGS, pick(GROUPINGS, query.get('by'), 'total')));
const intervalSelect = h('select', { 'data-testid': 'report-interval' }, options(INTERVALS, pick(INTERVALS, query.get('interval'), 'none')));
const columnSelect = h('select', { 'data-testid': 'report-columns' }, options(COLUMN_GROUPS, pick(COLUMN_GROUPS, query.get('columns'), 'calls')));
const csvButton = h('button', { type: 'button', 'data-testid': 'btn-csv' }, '下载 CSV');
const csvEnglish = h('input', { type: 'checkbox', 'data-testid': 'csv-english' });
const errorBox = h('p', { class: 'form-error span-12', role: 'alert', 'data-testid': 'report-error', hidden: true });
const status = h('span', { class: 'muted', 'data-testid': 'report-status' });
const targetCard = h('section', { class: 'card span-12', 'data-testid': 'report-targets' });
const volumeCard = h('section', { class: 'card span-6 chart', 'data-testid': 'chart-volume' });
const ratesCard = h('section', { class: 'card span-6 chart', 'data-testid': 'chart-rates' });
const tableCard = h('section', { class: 'card span-12', 'data-testid': 'report-table' });
const cards = [targetCard, volumeCard, ratesCard, tableCard];

const grouping = () => bySelect.value as Grouping;
const interval = () => intervalSelect.value as KpiInterval;
/** The last report shown: switching the column group re-draws it without asking the server again. */
let shown: KpiReport | null = null;

function keyLabel(by: Grouping, key: string): string {
  if (by === 'total') return '全部来电';
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
    h('label', { class: 'inline' }, '起始日期', fromInput),
    h('label', { class: 'inline' }, '结束日期', toInput),
    h('label', { class: 'inline' }, '分组', bySelect),
    h('label', { class: 'inline' }, '时段', intervalSelect),
    h('label', { class: 'inline' }, '指标', columnSelect),
    h('button', { type: 'button', class: 'primary', 'data-testid': 'btn-query', onclick: () => void load() }, '查询'),
    csvButton,
    h('label', { class: 'inline', title: '供程序读取：表头用 JSON 的英文字段名' }, csvEnglish, '英文表头'),
    status,
  );
  const hotTopics = new HotTopicsPanel(() => session?.token ?? '');
  const recordings = new TicketRecordingsPanel(() => session?.token ?? '');
  replace(app, h('div', { class: 'board' }, controls, errorBox, ...cards, hotTopics.element, recordings.element));
  namesReady = loadNames(s.token);
  void load();
  void hotTopics.load();
}

async function loadNames(token: string): Promise<void> {
  const read = (path: string) => api<unknown>('GET', path, { token }).then(listOf<Record<string, unknown>>, () => []);
  const [skills, agents] = await Promise.all([read('/api/v1/skills'), read('/api/v1/agents')]);
  for (const s of skills) if (typeof s.code === 'string' && typeof s.name === 'string') names.skill.set(s.code, s.name);
  for (const a of agents) if (typeof a.login === 'string' && typeof a.name === 'string') names.agent.set(a.login, a.name);
}

function reportQuery(): Record<string, string> {
  return { from: fromInput.value, to: toInput.value, by: grouping(), interval: interval() };
}

function kpiPath(format: 'json' | 'csv'): string {
  const csv: Record<string, string> = format === 'csv' && csvEnglish.checked ? { lang: 'en' } : {};
  return `/api/v1/kpis?${new URLSearchParams({ ...reportQuery(), format, ...csv }).toString()}`;
}

/** What went wrong, in words a supervisor can act on. */
function explain(error: unknown): string {
  if (!(error instanceof ApiError)) return error instanceof Error ? error.message : String(error);
  if (error.status === 401) return '登录已失效，请重新登录';
  if (error.status === 403) return '该账号无权查看话务报表';
  if (error.status === 400) {
    const fields: Record<string, string> = { '/date': '日期', '/from': '起始日期', '/to': '结束日期', '/by': '分组', '/interval': '时段', '/format': '格式' };
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
  history.replaceState(null, '', `?${new URLSearchParams({ ...reportQuery(), columns: columnSelect.value }).toString()}`);
  try {
    const reply = await api<KpiReport>('GET', kpiPath('json'), { token: s.token });
    await namesReady;
    if (seq !== querySeq) return;
    shown = reply;
    render(reply);
    const span = reply.from === reply.to ? reply.from : `${reply.from} 至 ${reply.to}`;
    const by = GROUPINGS.find(([g]) => g === reply.by)?.[1] ?? reply.by;
    const per = reply.interval === 'none' ? '' : ` · ${INTERVALS.find(([i]) => i === reply.interval)?.[1] ?? reply.interval}`;
    status.textContent = `${span} · ${by}${per} · 共 ${reply.rows.length} 行`;
  } catch (error) {
    if (seq !== querySeq) return;
    // No figures of another day or grouping stay on screen under the new choice.
    shown = null;
    for (const card of cards) card.hidden = true;
    fail(error);
  }
}

function render(reply: KpiReport): void {
  const rows = reply.rows;
  for (const card of cards) card.hidden = false;
  const severalDays = reply.from !== reply.to;
  // Chart slots: a half hour by its start (the table gives the span), a day by its date.
  const periodSlot = (period: string) => (period.length > 10 ? periodLabel(period, severalDays).split('–')[0] ?? period : period);
  const labels = rows.map((r) => [periodSlot(r.period), reply.by === 'total' && r.period !== '' ? '' : keyLabel(reply.by, r.key)].filter(Boolean).join(' '));
  const tip = (i: number) => {
    const r: KpiRow | undefined = rows[i];
    return r ? `${labels[i]}：呼入 ${r.offered}，接通 ${r.answered}，接通率 ${percent(r.answerRate)}，15秒接通率 ${percent(r.answeredWithin15sRate)}` : '';
  };
  const empty = rows.length === 0 ? h('p', { class: 'muted' }, '所选日期没有来电记录') : null;
  replace(targetCard, h('h2', null, '服务指标与目标'), targetFigures(reply));
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
  renderTable(reply);
}

function renderTable(reply: KpiReport): void {
  replace(
    tableCard,
    h('h2', null, '指标明细 ', h('span', { class: 'muted', style: 'font-weight:400;font-size:12px' }, '（表头悬停可看口径；“—”表示没有可计算的数据）')),
    h('div', { class: 'table-scroll' }, reportTable(reply, columnSelect.value as ColumnGroup, (key) => keyLabel(reply.by, key))),
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
    const name = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? `kpis-${fromInput.value}-${grouping()}.csv`;
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

for (const control of [fromInput, toInput, bySelect, intervalSelect]) control.addEventListener('change', () => void load());
columnSelect.addEventListener('change', () => {
  history.replaceState(null, '', `?${new URLSearchParams({ ...reportQuery(), columns: columnSelect.value }).toString()}`);
  if (shown) renderTable(shown);
});
csvButton.addEventListener('click', () => void downloadCsv());
logoutButton.addEventListener('click', logout);

if (session) startPage();
else showLogin();
