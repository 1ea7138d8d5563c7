/**
 * The supervisor wallboard (班长监控): the live `snapshot` of `/ws/supervisor` (SUPERVISOR.md) —
 * queues per skill, agents by state with time in state, calls in progress, today's figures, the
 * day's chart and the alerts — and the monitoring commands (监听/耳语/强插, force 示忙/签出).
 * Rates are coloured against the centre's targets; 大屏模式 (or `?wall=1`) lays everything out for
 * one 1920×1080 wall screen, without buttons.
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
  agentName?: string;
  agentLogin?: string;
  ticketNumber?: string;
  callerNumber?: string;
  surgeId?: string;
  ticketNumbers?: string[];
}
type Level = 'ok' | 'amber' | 'red' | null;
interface Targets {
  answerRate: number;
  answeredWithin15sRate: number;
  amberBand: number;
  queueWaitRedSeconds: number;
}
interface NodeRow {
  name: string;
  ami: boolean;
  ari: boolean;
  calls: number;
}
interface Snapshot {
  at: string;
  nodes: NodeRow[];
  skills: SkillRow[];
  agents: AgentRow[];
  calls: CallRow[];
  today: Today;
  series: HourFigures[];
  alerts: Alert[];
  targets: Targets;
  levels: { answerRate: Level; answeredWithin15sRate: Level };
}

const app = byId('app');
const who = byId('who');
const link = byId('link');
const nodesEl = byId('nodes');
const banner = byId('banner');
const clockEl = byId('clock');
const logoutButton = byId<HTMLButtonElement>('logout');
const wallToggle = byId<HTMLButtonElement>('wall-toggle');
const SHANGHAI = 'Asia/Shanghai';
/** In wall mode the board fits one screen and shows no buttons. */
let wall = new URLSearchParams(location.search).get('wall') === '1';

let session: Session | null = loadSession(SESSION_KEY);
let socket: LiveSocket | null = null;
let snapshot: Snapshot | null = null;
let receivedAt = Date.now();
/** Agents this supervisor is monitoring, and how. */
const monitoring = new Map<number, string>();
const MODE_LABELS = { listen: '监听', whisper: '耳语', barge: '强插' } as const;
const isMode = (mode: unknown): mode is keyof typeof MODE_LABELS => typeof mode === 'string' && Object.hasOwn(MODE_LABELS, mode);
const seenAlerts = new Set<string>();
const LEVEL_TEXT = { ok: '达标', amber: '低于目标', red: '严重低于目标' } as const;

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
    loginEnded: loginCheck(s.token),
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
  } else if (message.type === 'monitoring') {
    // On (re)connect, what the supervisor's phone is monitoring now (it outlives the page).
    const sessions = Array.isArray(message.sessions) ? (message.sessions as { agentId?: unknown; mode?: unknown }[]) : [];
    monitoring.clear();
    for (const { agentId, mode } of sessions) if (typeof agentId === 'number' && isMode(mode)) monitoring.set(agentId, MODE_LABELS[mode]);
    render();
  } else if (message.type === 'monitor.stopped') {
    // The agent left the call monitored (transferred it, the caller went back in line) or it ended.
    const agentId = Number(message.agentId);
    if (monitoring.delete(agentId)) {
      const name = snapshot?.agents.find((a) => a.agentId === agentId)?.name ?? '';
      toast(message.reason === 'agent-left' ? `${name} 已离开该通话，监控结束` : `对 ${name} 的监控已结束`);
      render();
    }
  } else if (message.type === 'alert') {
    const alert = message as unknown as Alert;
    // One toast per surge: its updates only refresh its entry.
    const first = !alert.surgeId || !surgeShown.has(alert.surgeId);
    addAlert(alert, first);
    if (first) toast(`${alertKind(alert.kind)}：${alert.message}`, alert.kind === 'emergency-transfer' || alert.kind === 'hotspot' ? 'error' : 'info');
  }
}

/** A surge's alerts share one entry (its later ones update it); any other alert is its own. */
const alertKey = (a: Alert) => (a.surgeId ? `surge|${a.surgeId}` : `${a.kind}|${a.at}|${a.callId ?? ''}|${a.agentId ?? ''}`);
/** The last version of each surge shown, so that a repeat in the snapshot does not replace a newer one. */
const surgeShown = new Map<string, string>();

function addAlert(alert: Alert, fresh: boolean): void {
  const key = alertKey(alert);
  if (alert.surgeId) {
    const version = `${alert.at}|${alert.message}|${alert.ticketNumbers?.length ?? 0}`;
    if (surgeShown.get(alert.surgeId) === version) return;
    surgeShown.set(alert.surgeId, version);
    alertList.querySelector(`[data-key="${CSS.escape(key)}"]`)?.remove();
  } else {
    if (seenAlerts.has(key)) return;
    seenAlerts.add(key);
  }
  const item = h(
    'li',
    { class: `alert-${alert.kind}${fresh ? ' fresh' : ''}`, 'data-testid': 'alert' },
    // In the centre's time, as the page's clock and chart (not the wall PC's zone).
    h('span', { class: 'timer' }, clock(alert.at, SHANGHAI)),
    h('span', { class: 'tag' }, alertKind(alert.kind)),
    h('span', null, alert.message),
    ...alertSubjects(alert),
  );
  item.dataset.key = key;
  // Newest first, whatever order they arrive in.
  const later = [...alertList.children].find((li) => (li as HTMLElement).dataset.at! < alert.at);
  item.dataset.at = alert.at;
  alertList.insertBefore(item, later ?? null);
  while (alertList.children.length > 50) alertList.lastElementChild?.remove();
}

/** Who and what an alert is about: the agent (name and login), the ticket, the masked caller, and a link to the live call. */
function alertSubjects(alert: Alert): (HTMLElement | string)[] {
  const parts: (HTMLElement | string)[] = [];
  if (alert.ticketNumbers?.length) {
    const shown = alert.ticketNumbers.slice(0, 30);
    parts.push(
      h(
        'details',
        { 'data-testid': 'alert-tickets' },
        h('summary', null, `涉及工单 ${alert.ticketNumbers.length} 件`),
        shown.join('、') + (alert.ticketNumbers.length > shown.length ? ` 等` : ''),
      ),
    );
  }
  if (alert.agentName) parts.push(h('span', { class: 'who' }, `${alert.agentName}（${alert.agentLogin ?? ''}）`));
  if (alert.ticketNumber) parts.push(h('span', null, `工单 ${alert.ticketNumber}`));
  if (alert.callerNumber) parts.push(h('span', null, `来电 ${alert.callerNumber}`));
  if (alert.ticketNumber) {
    const ticketNumber = alert.ticketNumber;
    parts.push(
      h(
        'a',
        {
          href: `#call-${ticketNumber}`,
          'data-testid': 'alert-call-link',
          'data-wall-hidden': '',
          onclick: (event: Event) => {
            event.preventDefault();
            showCall(ticketNumber);
          },
        },
        '查看通话',
      ),
    );
  }
  return parts;
}

/** Brings the call's row into view and marks it for a moment, or says the call is over. */
function showCall(ticketNumber: string): void {
  const row = callsCard.querySelector<HTMLElement>(`[data-testid="call-${ticketNumber}"]`);
  if (!row) {
    toast(`工单 ${ticketNumber} 的通话已结束`);
    return;
  }
  row.scrollIntoView({ block: 'nearest' });
  row.classList.add('spotlight');
  setTimeout(() => row.classList.remove('spotlight'), 3000);
}

async function send(type: string, fields: Record<string, unknown>, done: string): Promise<boolean> {
  if (!socket) return false;
  const result = await socket.command(type, fields);
  if (result.ok) toast(done);
  else toast(result.error ?? '操作失败', 'error');
  return result.ok;
}

function monitor(agent: AgentRow, how: 'listen' | 'whisper' | 'barge'): void {
  const label = MODE_LABELS[how];
  const done = monitoring.has(agent.agentId) ? `已切换为${label} ${agent.name}` : `${label} ${agent.name}：请接听分机 ${session?.endpoint ?? ''}`;
  void send(`monitor.${how}`, { agentId: agent.agentId }, done).then((ok) => {
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
    // While monitoring, the other two modes switch on the same phone call (no 停止 first).
    button('监听', 'btn-listen', onCall && watching !== '监听', () => monitor(agent, 'listen')),
    button('耳语', 'btn-whisper', onCall && watching !== '耳语', () => monitor(agent, 'whisper')),
    button('强插', 'btn-barge', onCall && watching !== '强插', () => monitor(agent, 'barge')),
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

/** 交换节点 a 正常 · b 中断: each Asterisk node's links, and its calls. */
function renderNodes(nodes: NodeRow[]): void {
  replace(
    nodesEl,
    '交换节点 ',
    ...nodes.map((n) => {
      const up = n.ami && n.ari;
      const down = [n.ami ? null : 'AMI', n.ari ? null : 'ARI'].filter(Boolean).join('/');
      return h(
        'span',
        { class: `node ${up ? 'node-up' : 'node-down'}`, 'data-node': n.name, 'data-up': String(up), title: `当前通话 ${n.calls} 通` },
        `${n.name} ${up ? '正常' : `${down} 中断`}`,
      );
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
  renderNodes(snap.nodes);
  const t = snap.today;
  const kpi = (label: string, value: string, testid: string, judged?: { level: Level; target: number }) =>
    h(
      'div',
      { class: `kpi${judged?.level ? ` level-${judged.level}` : ''}`, 'data-testid': testid, 'data-level': judged?.level ?? '' },
      h('div', { class: 'label' }, label),
      h('div', { class: 'value' }, value),
      judged ? h('div', { class: 'target' }, `目标 ≥ ${percent(judged.target)}${judged.level ? `，${LEVEL_TEXT[judged.level]}` : ''}`) : null,
    );
  const rate = (value: number | null) => (t.offered ? percent(value) : '—');
  replace(
    kpis,
    kpi('今日呼入', String(t.offered), 'kpi-offered'),
    kpi('接通', String(t.answered), 'kpi-answered'),
    kpi('放弃', String(t.abandoned), 'kpi-abandoned'),
    kpi('接通率', rate(t.answerRate), 'kpi-answer-rate', { level: snap.levels.answerRate, target: snap.targets.answerRate }),
    kpi('15 秒接通率', rate(t.answeredWithin15sRate), 'kpi-15s', { level: snap.levels.answeredWithin15sRate, target: snap.targets.answeredWithin15sRate }),
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
            h(
              'td',
              { class: `num${s.waiting && s.longestWaitSeconds + elapsed > snap.targets.queueWaitRedSeconds ? ' wait-red' : ''}`, 'data-testid': `wait-${s.code}` },
              s.waiting ? duration(s.longestWaitSeconds + elapsed) : '—',
            ),
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
  const stateWhat = (a: AgentRow) => agentState(a.state) + (a.reason ? ` · ${a.reason}` : '');
  replace(
    agentsCard,
    h('h2', null, '坐席状态 ', ...order.filter((s) => byState.get(s)).map((s) => h('span', { class: `tag state-${s}` }, `${agentState(s)} ${byState.get(s)}`))),
    wall
      ? h(
          'div',
          { class: 'agent-tiles' },
          agents.map((a) =>
            h(
              'div',
              { class: `agent-tile state-${a.state}`, 'data-testid': `agent-${a.login}`, 'data-state': a.state },
              h('span', { class: 'tile-name' }, a.name),
              h('span', { class: 'tile-login' }, a.login),
              h('span', { class: 'tile-what', title: stateWhat(a) }, stateWhat(a)),
              h('span', { class: 'tile-since timer' }, duration(a.stateSeconds + elapsed)),
            ),
          ),
        )
      : h(
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
    h('p', { class: 'more', hidden: true }),
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
    h('p', { class: 'more', hidden: true }),
  );
  if (wall) {
    fitToCard(agentsCard, '.agent-tile', (n) => `另有 ${n} 位坐席未显示`);
    fitToCard(callsCard, 'tbody tr', (n) => `另有 ${n} 路通话未显示`);
  }

  for (const alert of [...snap.alerts].reverse()) addAlert(alert, false);
  if (alertList.children.length === 0 && !alertsCard.querySelector('.empty')) alertsCard.append(h('p', { class: 'muted empty' }, '暂无告警'));
  if (alertList.children.length > 0) alertsCard.querySelector('.empty')?.remove();
}

/**
 * Wall mode has no scroll bar: items that would fall below the card are hidden, and the card says
 * how many (agents are sorted busiest first, so the hidden ones are the offline and 示忙 ones).
 */
function fitToCard(card: HTMLElement, selector: string, note: (hidden: number) => string): void {
  const items = [...card.querySelectorAll<HTMLElement>(selector)];
  const more = card.querySelector<HTMLElement>('.more');
  if (!more) return;
  more.hidden = true;
  for (const item of items) item.hidden = false;
  let hidden = 0;
  for (let i = items.length - 1; i >= 0 && card.scrollHeight > card.clientHeight + 1; i--) {
    items[i]!.hidden = true;
    hidden++;
    more.hidden = false;
    more.textContent = note(hidden);
  }
}

function setWall(on: boolean): void {
  wall = on;
  document.body.classList.toggle('wall', on);
  wallToggle.textContent = on ? '退出大屏' : '大屏模式';
  const url = new URL(location.href);
  if (on) url.searchParams.set('wall', '1');
  else url.searchParams.delete('wall');
  history.replaceState(null, '', url);
  // Full screen needs a click; a wall PC opening /wallboard?wall=1 runs its browser in kiosk mode instead.
  if (on && !document.fullscreenElement) document.documentElement.requestFullscreen?.().catch(() => undefined);
  if (!on && document.fullscreenElement) document.exitFullscreen().catch(() => undefined);
  render();
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
wallToggle.addEventListener('click', () => setWall(!wall));
setWall(wall);
// The server's time in the centre's zone, whatever the wall PC's clock and zone say: the clock, the
// chart's hours and the figures then tell the same time.
setInterval(() => {
  const at = snapshot ? Date.parse(snapshot.at) + (Date.now() - receivedAt) : Date.now();
  clockEl.textContent = new Date(at).toLocaleString('zh-CN', { hour12: false, timeZone: SHANGHAI });
}, 1000);

if (session) startBoard();
else showLogin();
