/**
 * The supervisor wallboard (班长监控): the live `snapshot` of `/ws/supervisor` (SUPERVISOR.md) —
 * queues per skill, agents by state with time in state, calls in progress, today's figures, the
 * day's chart and the alerts — and the monitoring commands (监听/耳语/强插, force 示忙/签出).
 */
import { byId, clock, duration, h, percent, replace, toast } from '../shared/dom.js';
import { agentState, alertKind, callState, mode } from '../shared/labels.js';
import { LiveSocket, linkText, loginCheck, type LinkStatus, type WireMessage } from '../shared/live-socket.js';
import { clearSession, endSession, loadSession, loginForm, saveSession, type Session } from '../shared/session.js';
import { dayChartLegend, drawDayChart, type HourFigures } from './chart.js';

const SESSION_KEY = 'cti.supervisor.session';

interface SkillRow {
  code: string;
  name: string;
  waiting: number;
  longestWaitSeconds: number;
}
interface AgentRow {
  agentId: number;
  login: string;
  name: string;
  endpoint: string | null;
  state: string;
  reason: string | null;
  stateSeconds: number;
  callId: string | null;
}
interface CallRow {
  callId: string;
  callerNumber: string;
  hotline: string;
  mode: string;
  state: string;
  agentId: number | null;
  seconds: number;
  ticketNumber: string;
}
interface Today {
  offered: number;
  answered: number;
  abandoned: number;
  answerRate: number | null;
  answeredWithin15sRate: number | null;
  averageWaitSeconds: number | null;
  averageHandleSeconds: number | null;
}
interface Alert {
  kind: string;
  message: string;
  at: string;
  callId?: string;
  agentId?: number;
}
interface Snapshot {
  at: string;
  skills: SkillRow[];
  agents: AgentRow[];
  calls: CallRow[];
  today: Today;
  series: HourFigures[];
  alerts: Alert[];
}

const app = byId('app');
const who = byId('who');
const link = byId('link');
const banner = byId('banner');
const clockEl = byId('clock');
const logoutButton = byId<HTMLButtonElement>('logout');

let session: Session | null = loadSession(SESSION_KEY);
let socket: LiveSocket | null = null;
let snapshot: Snapshot | null = null;
let receivedAt = Date.now();
/** Agents this supervisor is monitoring, and how. */
const monitoring = new Map<number, string>();
const seenAlerts = new Set<string>();

const kpis = h('section', { class: 'kpis span-12', 'data-testid': 'kpis' });
const skillsCard = h('section', { class: 'card span-4', 'data-testid': 'skills' });
const chartCard = h('section', { class: 'card span-8 chart', 'data-testid': 'chart' });
const agentsCard = h('section', { class: 'card span-7', 'data-testid': 'agents' });
const callsCard = h('section', { class: 'card span-5', 'data-testid': 'calls' });
const alertsCard = h('section', { class: 'card span-12', 'data-testid': 'alerts' });
const alertList = h('ul', { class: 'alerts' });

function showLogin(): void {
  who.textContent = '';
  link.textContent = '';
  banner.hidden = true;
  logoutButton.hidden = true;
  replace(
    app,
    loginForm({
      title: '班长登录',
      roles: ['supervisor', 'admin'],
      wrongRole: '该账号没有班长权限',
      endpointLabel: '监听分机（监听/耳语/强插时振铃）',
      endpointHint: '例如 1005',
      onLogin(s) {
        session = s;
        saveSession(SESSION_KEY, s);
        startBoard();
      },
    }),
  );
}

function startBoard(): void {
  const s = session;
  if (!s) return showLogin();
  logoutButton.hidden = false;
  who.textContent = `${s.name}${s.endpoint ? `（监听分机 ${s.endpoint}）` : '（未设监听分机）'}`;
  replace(alertsCard, h('h2', null, '告警'), alertList);
  replace(app, h('div', { class: 'board' }, kpis, skillsCard, chartCard, agentsCard, callsCard, alertsCard));
  render();
  socket = new LiveSocket({
    path: '/ws/supervisor',
    token: s.token,
    onMessage: handle,
    onStatus: showLink,
    loginValid: loginCheck(s.token),
  });
  socket.start();
}

function showLink(status: LinkStatus): void {
  link.textContent = linkText(status);
  link.className = `link link-${status.kind}`;
  const down = status.kind === 'waiting' || status.kind === 'stopped' || (status.kind === 'connecting' && status.attempt > 1);
  banner.hidden = !down;
  banner.className = 'banner banner-down';
  banner.textContent = `${linkText(status)}（画面停留在最后一次更新）`;
  if (status.kind === 'stopped' && status.reason !== '已退出') banner.append(' ', h('button', { class: 'ghost', onclick: logout }, '重新登录'));
}

function handle(message: WireMessage): void {
  if (message.type === 'snapshot') {
    snapshot = message as unknown as Snapshot;
    receivedAt = Date.now();
    // Monitoring ends with the call: forget agents no longer on one.
    for (const agentId of monitoring.keys()) {
      if (!snapshot.agents.some((a) => a.agentId === agentId && a.callId)) monitoring.delete(agentId);
    }
    render();
  } else if (message.type === 'alert') {
    const alert = message as unknown as Alert;
    addAlert(alert, true);
    toast(`${alertKind(alert.kind)}：${alert.message}`, alert.kind === 'emergency-transfer' ? 'error' : 'info');
  }
}

const alertKey = (a: Alert) => `${a.kind}|${a.at}|${a.callId ?? ''}|${a.agentId ?? ''}`;

function addAlert(alert: Alert, fresh: boolean): void {
  const key = alertKey(alert);
  if (seenAlerts.has(key)) return;
  seenAlerts.add(key);
  const item = h(
    'li',
    { class: `alert-${alert.kind}${fresh ? ' fresh' : ''}`, 'data-testid': 'alert' },
    h('span', { class: 'timer' }, clock(alert.at)),
    h('span', { class: 'tag' }, alertKind(alert.kind)),
    h('span', null, alert.message),
  );
  // Newest first, whatever order they arrive in.
  const later = [...alertList.children].find((li) => (li as HTMLElement).dataset.at! < alert.at);
  item.dataset.at = alert.at;
  alertList.insertBefore(item, later ?? null);
  while (alertList.children.length > 50) alertList.lastElementChild?.remove();
}

async function send(type: string, fields: Record<string, unknown>, done: string): Promise<boolean> {
  if (!socket) return false;
  const result = await socket.command(type, fields);
  if (result.ok) toast(done);
  else toast(result.error ?? '操作失败', 'error');
  return result.ok;
}

function monitor(agent: AgentRow, how: 'listen' | 'whisper' | 'barge'): void {
  const label = { listen: '监听', whisper: '耳语', barge: '强插' }[how];
  void send(`monitor.${how}`, { agentId: agent.agentId }, `${label} ${agent.name}：请接听分机 ${session?.endpoint ?? ''}`).then((ok) => {
    if (ok) {
      monitoring.set(agent.agentId, label);
      render();
    }
  });
}

function agentActions(agent: AgentRow): HTMLElement {
  const onCall = Boolean(agent.callId);
  const watching = monitoring.get(agent.agentId);
  const button = (label: string, testid: string, enabled: boolean, action: () => void, cls = 'small') =>
    h('button', { class: cls, 'data-testid': testid, disabled: !enabled, onclick: action }, label);
  return h(
    'div',
    { class: 'actions', style: 'margin:0' },
    watching ? h('span', { class: 'tag tag-ok', 'data-testid': 'monitoring' }, `${watching}中`) : null,
    button('监听', 'btn-listen', onCall, () => monitor(agent, 'listen')),
    button('耳语', 'btn-whisper', onCall, () => monitor(agent, 'whisper')),
    button('强插', 'btn-barge', onCall, () => monitor(agent, 'barge')),
    button('停止', 'btn-stop', Boolean(watching), () => {
      void send('monitor.stop', { agentId: agent.agentId }, `已停止监控 ${agent.name}`).then((ok) => {
        if (ok) {
          monitoring.delete(agent.agentId);
          render();
        }
      });
    }),
    button('示忙', 'btn-force-not-ready', agent.state === 'ready', () => void send('agent.forceNotReady', { agentId: agent.agentId, reason: '班长示忙' }, `已将 ${agent.name} 置为示忙`)),
    button('签出', 'btn-force-logout', agent.state !== 'offline' && !onCall, () => {
      if (confirm(`确定将 ${agent.name}（${agent.login}）签出？`)) void send('agent.forceLogout', { agentId: agent.agentId }, `已将 ${agent.name} 签出`);
    }),
  );
}

function render(): void {
  if (!snapshot) {
    replace(kpis, h('p', { class: 'muted' }, '等待数据…'));
    return;
  }
  const snap = snapshot;
  const elapsed = Math.max(0, (Date.now() - receivedAt) / 1000);
  const t = snap.today;
  const kpi = (label: string, value: string, testid: string) =>
    h('div', { class: 'kpi', 'data-testid': testid }, h('div', { class: 'label' }, label), h('div', { class: 'value' }, value));
  replace(
    kpis,
    kpi('今日呼入', String(t.offered), 'kpi-offered'),
    kpi('接通', String(t.answered), 'kpi-answered'),
    kpi('放弃', String(t.abandoned), 'kpi-abandoned'),
    kpi('接通率', percent(t.answerRate), 'kpi-answer-rate'),
    kpi('15 秒接通率', percent(t.answeredWithin15sRate), 'kpi-15s'),
    kpi('平均等待', t.averageWaitSeconds === null ? '—' : `${t.averageWaitSeconds.toFixed(1)} 秒`, 'kpi-wait'),
    kpi('平均通话', t.averageHandleSeconds === null ? '—' : duration(t.averageHandleSeconds), 'kpi-handle'),
  );

  const waitingTotal = snap.skills.reduce((n, s) => n + s.waiting, 0);
  replace(
    skillsCard,
    h('h2', null, '排队情况 ', h('span', { class: waitingTotal ? 'tag tag-warn' : 'tag' }, `共 ${waitingTotal} 人排队`)),
    h(
      'table',
      { class: 'table' },
      h('thead', null, h('tr', null, h('th', null, '技能组'), h('th', { class: 'num' }, '排队'), h('th', { class: 'num' }, '最长等待'))),
      h(
        'tbody',
        null,
        snap.skills.map((s) =>
          h(
            'tr',
            { class: s.waiting ? 'hot' : '' },
            h('td', null, s.name),
            h('td', { class: 'num' }, String(s.waiting)),
            h('td', { class: 'num' }, s.waiting ? duration(s.longestWaitSeconds + elapsed) : '—'),
          ),
        ),
      ),
    ),
  );

  replace(
    chartCard,
    h('h2', null, '今日走势'),
    dayChartLegend(),
    drawDayChart(snap.series),
  );

  const byState = new Map<string, number>();
  for (const a of snap.agents) byState.set(a.state, (byState.get(a.state) ?? 0) + 1);
  const order = ['on_call', 'ringing', 'ready', 'wrap_up', 'not_ready', 'offline'];
  const agents = [...snap.agents].sort((a, b) => order.indexOf(a.state) - order.indexOf(b.state) || a.login.localeCompare(b.login));
  replace(
    agentsCard,
    h('h2', null, '坐席状态 ', ...order.filter((s) => byState.get(s)).map((s) => h('span', { class: `tag state-${s}` }, `${agentState(s)} ${byState.get(s)}`))),
    h(
      'table',
      { class: 'table' },
      h('thead', null, h('tr', null, h('th', null, '工号'), h('th', null, '姓名'), h('th', null, '状态'), h('th', { class: 'num' }, '时长'), h('th', null, '操作'))),
      h(
        'tbody',
        null,
        agents.map((a) =>
          h(
            'tr',
            { 'data-testid': `agent-${a.login}`, 'data-state': a.state },
            h('td', null, a.login),
            h('td', null, a.name),
            h('td', null, h('span', { class: `tag state-${a.state}` }, agentState(a.state)), a.reason ? h('span', { class: 'muted' }, ` ${a.reason}`) : null),
            h('td', { class: 'num timer' }, duration(a.stateSeconds + elapsed)),
            h('td', null, agentActions(a)),
          ),
        ),
      ),
    ),
  );

  const agentName = (id: number | null) => snap.agents.find((a) => a.agentId === id)?.name ?? '—';
  replace(
    callsCard,
    h('h2', null, '进行中的通话 ', h('span', { class: 'tag' }, `${snap.calls.length} 路`)),
    snap.calls.length === 0
      ? h('p', { class: 'muted' }, '当前没有通话')
      : h(
          'table',
          { class: 'table' },
          h('thead', null, h('tr', null, h('th', null, '工单'), h('th', null, '来电'), h('th', null, '热线'), h('th', null, '状态'), h('th', null, '坐席'), h('th', { class: 'num' }, '时长'))),
          h(
            'tbody',
            null,
            snap.calls.map((c) =>
              h(
                'tr',
                { 'data-testid': `call-${c.ticketNumber}`, 'data-state': c.state },
                h('td', { class: 'nowrap' }, c.ticketNumber),
                h('td', { class: 'nowrap' }, c.callerNumber),
                h('td', null, c.hotline, ' ', h('span', { class: 'tag' }, mode(c.mode))),
                h('td', { class: 'nowrap' }, callState(c.state)),
                h('td', { class: 'nowrap' }, agentName(c.agentId)),
                h('td', { class: 'num timer' }, duration(c.seconds + elapsed)),
              ),
            ),
          ),
        ),
  );

  for (const alert of [...snap.alerts].reverse()) addAlert(alert, false);
  if (alertList.children.length === 0 && !alertsCard.querySelector('.empty')) alertsCard.append(h('p', { class: 'muted empty' }, '暂无告警'));
  if (alertList.children.length > 0) alertsCard.querySelector('.empty')?.remove();
}

function logout(): void {
  if (session) endSession(session.token);
  socket?.stop();
  socket = null;
  session = null;
  snapshot = null;
  monitoring.clear();
  clearSession(SESSION_KEY);
  showLogin();
}

logoutButton.addEventListener('click', logout);
setInterval(() => {
  clockEl.textContent = new Date().toLocaleString('zh-CN', { hour12: false });
}, 1000);

if (session) startBoard();
else showLogin();
