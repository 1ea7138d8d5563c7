/**
 * The agent desktop (坐席工作台): login, 示闲/示忙, the screen-pop, call controls with the transfer
 * target picker, the ticket form and the missed-call callback list, over `/ws/agent` (PROTOCOL.md).
 */
import { api, ApiError, listOf } from '../shared/api.js';
import { byId, clock, dateTime, duration, h, options, replace, toast } from '../shared/dom.js';
import { agentState, callState, category, ivrAction, mode, NOT_READY_REASONS, outcome, ticketStatus } from '../shared/labels.js';
import { LiveSocket, linkText, loginCheck, type LinkStatus, type WireMessage } from '../shared/live-socket.js';
import { clearSession, endSession, loadSession, loginForm, saveSession, type Session } from '../shared/session.js';
import { addPanel, buildDesk, dropDesk } from './desk-layout.js';
import { describeTarget, loadTargets, type Target, type TargetList } from './directory.js';
import { TicketForm } from './ticket-form.js';

const SESSION_KEY = 'cti.agent.session';

interface HistoryItem {
  ticketNumber: string;
  status: string;
  category: string | null;
  createdAt: string;
  content: string;
}

interface ActiveCall {
  callId: string;
  ticketNumber: string;
  callerNumber: string;
  dialledNumber: string;
  hotline: string;
  mode: string;
  ivrChoices: { menu: string; digit: string | null; action: string }[];
  waitedSeconds: number | null;
  repeatCaller: boolean;
  history: HistoryItem[] | null;
  /** Call model state as the desktop sees it (`offered`, `connected`, `held`, `consulting`, `conference`, `ended`). */
  state: string;
  since: number;
  note: string;
  consultTarget: unknown;
  conferenceTarget: unknown;
}

const app = byId('app');
const who = byId('who');
const link = byId('link');
const banner = byId('banner');
const logoutButton = byId<HTMLButtonElement>('logout');

let session: Session | null = loadSession(SESSION_KEY);
let socket: LiveSocket | null = null;
let agent: { name: string; login: string; endpoint: string; state: string; reason: string | null; since: number } | null = null;
let call: ActiveCall | null = null;
let targets: TargetList[] = [];
let ticketForm: TicketForm | null = null;
/** The target picker's choice, kept across re-renders. */
let pickKind = 'contact';
let pickIndex = '0';

// Elements of the desk, made once after login.
const stateBadge = h('span', { class: 'state', 'data-testid': 'agent-state' });
const stateTimer = h('span', { class: 'timer', 'data-testid': 'agent-state-time' });
const popPanel = h('section', { class: 'card pop', id: 'pop', 'data-testid': 'screen-pop' });
const controlsPanel = h('section', { class: 'card', id: 'controls' });
const missedPanel = h('section', { class: 'card', id: 'missed' });

function showLogin(): void {
  who.textContent = '';
  link.textContent = '';
  banner.hidden = true;
  logoutButton.hidden = true;
  replace(
    app,
    loginForm({
      title: '坐席登录',
      roles: ['agent'],
      wrongRole: '该账号不是话务员：班长请使用 /wallboard，管理员请使用 /admin',
      endpointLabel: '分机（可选）',
      endpointHint: '例如 1003，默认使用本人分机',
      onLogin(s) {
        session = s;
        saveSession(SESSION_KEY, s);
        startDesk();
      },
    }),
  );
}

function startDesk(): void {
  const s = session;
  if (!s) return showLogin();
  logoutButton.hidden = false;
  ticketForm = new TicketForm(() => session?.token ?? '');
  const readyButton = h('button', { class: 'primary', 'data-testid': 'btn-ready', onclick: () => void command('agent.ready', {}, '已示闲') }, '示闲');
  const reason = h('select', { 'data-testid': 'not-ready-reason' }, ...options(NOT_READY_REASONS.map((r) => [r, r])));
  const notReadyButton = h(
    'button',
    { 'data-testid': 'btn-not-ready', onclick: () => void command('agent.notReady', { reason: reason.value }, `已示忙（${reason.value}）`) },
    '示忙',
  );
  addPanel('ticket', '工单登记', ticketForm.element, { order: 10 });
  addPanel('missed', '漏接回拨', missedPanel, { order: 90 });
  const frame = buildDesk({ token: () => session?.token ?? '', agentId: s.agentId, ticketNumber: () => call?.ticketNumber ?? null });
  frame.callBar.append(h('div', { class: 'status' }, h('div', { class: 'state-line' }, stateBadge, stateTimer), h('div', { class: 'actions' }, readyButton, reason, notReadyButton)));
  frame.callColumn.append(popPanel, controlsPanel);
  replace(app, frame.root);
  renderAgent();
  renderCall();
  refreshLists();

  socket = new LiveSocket({
    path: '/ws/agent',
    token: s.token,
    onMessage: handle,
    onStatus: showLink,
    fatal: { 4409: '该分机已被其他坐席占用，请重新登录并填写分机' },
    loginValid: loginCheck(s.token),
  });
  socket.start();
}

/** Transfer targets and the callback list, read again with every new call (an admin may have changed them). */
function refreshLists(): void {
  const s = session;
  if (!s) return;
  void loadTargets(s.token, s.agentId).then((lists) => {
    targets = lists;
    renderCall();
  });
  void loadMissedCalls();
}

function showLink(status: LinkStatus): void {
  link.textContent = linkText(status);
  link.className = `link link-${status.kind}`;
  const down = status.kind === 'waiting' || status.kind === 'stopped' || (status.kind === 'connecting' && status.attempt > 1);
  banner.hidden = !down && !(status.kind === 'open' && status.reconnected);
  banner.className = `banner ${down ? 'banner-down' : 'banner-up'}`;
  banner.textContent = down ? `${linkText(status)}（断线期间不会分配来电）` : linkText(status);
  if (status.kind === 'open' && status.reconnected) setTimeout(() => (banner.hidden = true), 4000);
  if (status.kind === 'stopped' && status.reason !== '已退出') {
    banner.append(' ', h('button', { class: 'ghost', onclick: logout }, '重新登录'));
  }
}

async function command(type: string, fields: Record<string, unknown>, done?: string): Promise<boolean> {
  if (!socket) return false;
  const result = await socket.command(type, fields);
  if (result.ok) {
    if (done) toast(done);
  } else toast(result.error ?? '操作失败', 'error');
  return result.ok;
}

function handle(message: WireMessage): void {
  const at = typeof message.at === 'string' ? Date.parse(message.at) || Date.now() : Date.now();
  switch (message.type) {
    case 'hello': {
      const a = message.agent as { name: string; login: string; endpoint: string; state: string; reason: string | null } | null;
      if (a) agent = { ...a, since: agent?.state === a.state ? agent.since : Date.now() };
      resync(message.call as Record<string, unknown> | null);
      break;
    }
    case 'agent.state':
      if (agent) agent = { ...agent, state: String(message.state), reason: (message.reason as string | null) ?? null, since: at };
      renderAgent();
      return;
    case 'error':
      toast(typeof message.error === 'string' ? message.error : '服务器拒绝了连接', 'error');
      return;
    case 'call.offered':
      call = {
        callId: String(message.callId),
        ticketNumber: String(message.ticketNumber),
        callerNumber: String(message.callerNumber),
        dialledNumber: String(message.dialledNumber),
        hotline: String(message.hotline),
        mode: String(message.mode),
        ivrChoices: (message.ivrChoices as ActiveCall['ivrChoices']) ?? [],
        waitedSeconds: Number(message.waitedSeconds),
        repeatCaller: message.repeatCaller === true,
        history: (message.history as HistoryItem[]) ?? [],
        state: 'offered',
        since: at,
        note: '',
        consultTarget: null,
        conferenceTarget: null,
      };
      refreshLists();
      break;
    default:
      if (!call || message.callId !== call.callId) break;
      onCallEvent(call, message, at);
  }
  renderAgent();
  renderCall();
}

function onCallEvent(c: ActiveCall, message: WireMessage, at: number): void {
  const set = (state: string, note = '') => {
    c.state = state;
    c.since = at;
    c.note = note;
  };
  switch (message.type) {
    case 'call.answered':
      return set('connected');
    case 'call.held':
      return set('held');
    case 'call.resumed':
      return set('connected');
    case 'call.consulting':
      c.consultTarget = message.target;
      return set('consulting', `正在咨询 ${describeTarget(message.target, targets)}，来电人听等待音乐`);
    case 'call.consult.cancelled':
      c.consultTarget = null;
      return set('connected', '咨询结束，已回到来电人');
    case 'call.conference':
      c.conferenceTarget = message.target;
      c.consultTarget = null;
      return set('conference', `三方通话：${describeTarget(message.target, targets)}`);
    case 'call.conference.ended':
      c.conferenceTarget = null;
      return message.left === 'agent' ? set('ended', '您已退出三方通话，来电人与第三方继续通话') : set('connected', '第三方已离开，三方通话结束');
    case 'call.transferred':
      return set('ended', `已转接至 ${describeTarget(message.target, targets)}`);
    case 'call.ended':
      if (c.state !== 'ended') set('ended', `通话结束（${outcome(String(message.outcome))}）`);
      return;
    case 'call.offer.withdrawn':
      // The ring stopped before the agent answered: the pop is over, nothing to hang up.
      if (c.state === 'offered') set('ended', WITHDRAWN[String(message.reason)] ?? '来电已取消');
      return;
  }
}

const WITHDRAWN: Record<string, string> = {
  'no-answer': '振铃超时未接',
  'caller-hung-up': '来电人已挂机',
  cancelled: '来电已取消',
  'not-reached': '外呼未接通',
};

/** After (re)connecting: the server's picture of the active call wins over what the page remembers. */
function resync(active: Record<string, unknown> | null): void {
  if (!active) {
    if (call && call.state !== 'ended') {
      call.state = 'ended';
      call.note = '通话已在断线期间结束';
    }
    return;
  }
  const callId = String(active.callId);
  const state = String(active.state);
  if (call?.callId === callId) {
    if (call.state !== state) {
      call.state = state;
      call.since = Date.now();
    }
    return;
  }
  call = {
    callId,
    ticketNumber: String(active.ticketNumber),
    callerNumber: String(active.callerNumber),
    dialledNumber: String(active.dialledNumber),
    hotline: String(active.hotline),
    mode: String(active.mode),
    ivrChoices: [],
    waitedSeconds: null,
    repeatCaller: false,
    history: null,
    state,
    since: Date.now(),
    note: '重新连接后恢复的通话',
    consultTarget: null,
    conferenceTarget: null,
  };
}

function renderAgent(): void {
  if (!agent || !session) return;
  who.textContent = `${agent.name}（工号 ${agent.login} · 分机 ${agent.endpoint}）`;
  stateBadge.textContent = agentState(agent.state) + (agent.reason && agent.state === 'not_ready' ? ` · ${agent.reason}` : '');
  stateBadge.className = `state state-${agent.state}`;
  stateBadge.dataset.state = agent.state;
  stateTimer.textContent = duration((Date.now() - agent.since) / 1000);
}

function renderCall(): void {
  ticketForm?.bind(call?.ticketNumber ?? null);
  if (!call) {
    replace(popPanel, h('h2', null, '来电弹屏'), h('p', { class: 'muted', 'data-testid': 'pop-empty' }, '等待来电…'));
    replace(controlsPanel, h('h2', null, '通话控制'), h('p', { class: 'muted' }, '无通话'));
    return;
  }
  const c = call;
  replace(
    popPanel,
    h('h2', null, '来电弹屏 ', h('span', { class: `call-state call-${c.state}`, 'data-testid': 'call-state', 'data-state': c.state }, callState(c.state))),
    h(
      'dl',
      { class: 'facts' },
      h('dt', null, '工单编号'),
      h('dd', { 'data-testid': 'pop-ticket' }, h('strong', null, c.ticketNumber)),
      h('dt', null, '来电号码'),
      h('dd', { 'data-testid': 'pop-caller' }, c.callerNumber, c.repeatCaller ? h('span', { class: 'tag tag-warn', 'data-testid': 'pop-repeat' }, '重复来电') : null),
      h('dt', null, '热线'),
      h('dd', { 'data-testid': 'pop-hotline' }, c.hotline, ' ', h('span', { class: 'tag' }, mode(c.mode)), c.dialledNumber ? ` 拨打 ${c.dialledNumber}` : ''),
      h('dt', null, '语音导航'),
      h('dd', null, c.ivrChoices.length ? c.ivrChoices.map((s) => h('span', { class: 'tag' }, `${s.menu}${s.digit ? ` 按 ${s.digit}` : ''} → ${ivrAction(s.action)}`)) : '未经菜单'),
      h('dt', null, '排队等待'),
      h('dd', null, c.waitedSeconds === null ? '—' : `${c.waitedSeconds} 秒`),
      h('dt', null, '状态时长'),
      h('dd', { class: 'timer', 'data-call-timer': '' }, duration((Date.now() - c.since) / 1000)),
    ),
    c.note ? h('p', { class: 'note', 'data-testid': 'call-note' }, c.note) : null,
    h('h3', null, '历史工单'),
    c.history === null
      ? h('p', { class: 'muted' }, '（重新连接后不含历史）')
      : c.history.length === 0
        ? h('p', { class: 'muted' }, '无历史来电')
        : h(
            'table',
            { class: 'table', 'data-testid': 'pop-history' },
            h('thead', null, h('tr', null, h('th', null, '工单编号'), h('th', null, '时间'), h('th', null, '类别'), h('th', null, '状态'), h('th', null, '内容'))),
            h(
              'tbody',
              null,
              c.history.map((t) =>
                h('tr', null, h('td', null, t.ticketNumber), h('td', null, dateTime(t.createdAt)), h('td', null, category(t.category)), h('td', null, ticketStatus(t.status)), h('td', null, t.content || '—')),
              ),
            ),
          ),
  );
  renderControls(c);
}

function renderControls(c: ActiveCall): void {
  const id = { callId: c.callId };
  const button = (label: string, testid: string, type: string, fields: Record<string, unknown>, enabled: boolean, extra = '') =>
    h('button', { class: extra, 'data-testid': testid, disabled: !enabled, onclick: () => void command(type, fields) }, label);
  const live = c.state !== 'ended' && c.state !== 'offered';
  const kindSelect = h('select', { 'data-testid': 'target-kind' }, ...options(targets.map((l) => [l.kind, l.label])));
  const targetSelect = h('select', { 'data-testid': 'target' });
  const hint = h('span', { class: 'muted' });
  const blind = h('button', { 'data-testid': 'btn-transfer-blind' }, '转接');
  const attended = h('button', { 'data-testid': 'btn-transfer-attended' }, '咨询转接');
  const conference = h('button', { 'data-testid': 'btn-conference' }, '三方通话');
  const fillTargets = () => {
    const list = targets.find((l) => l.kind === kindSelect.value);
    replace(targetSelect, ...options((list?.choices ?? []).map((choice, index) => [String(index), choice.label]), pickIndex));
    hint.textContent = list?.unavailable ?? (list && list.choices.length === 0 ? '列表为空' : '');
    const picked = list?.choices.length ? true : false;
    blind.disabled = !live || c.state === 'consulting' || c.state === 'conference' || !picked;
    // A skill is a queue: only a blind transfer can go back to it.
    attended.disabled = !live || c.state !== 'connected' || !picked || list?.kind === 'skill';
    conference.disabled = !live || (c.state !== 'connected' && c.state !== 'consulting') || !picked || list?.kind === 'skill';
  };
  const picked = (): Target | null => targets.find((l) => l.kind === kindSelect.value)?.choices[Number(targetSelect.value)]?.target ?? null;
  kindSelect.addEventListener('change', () => {
    pickKind = kindSelect.value;
    pickIndex = '0';
    fillTargets();
  });
  targetSelect.addEventListener('change', () => (pickIndex = targetSelect.value));
  blind.addEventListener('click', () => {
    const target = picked();
    if (target) void command('call.transfer', { ...id, target, mode: 'blind' }, `正在转接至 ${describeTarget(target, targets)}`);
  });
  attended.addEventListener('click', () => {
    const target = picked();
    if (target) void command('call.transfer', { ...id, target, mode: 'attended' }, `正在咨询 ${describeTarget(target, targets)}`);
  });
  conference.addEventListener('click', () => {
    const target = picked();
    if (target) void command('call.conference', { ...id, target }, `正在邀请 ${describeTarget(target, targets)} 加入三方通话`);
  });
  if (targets.some((l) => l.kind === pickKind)) kindSelect.value = pickKind;
  fillTargets();
  replace(
    controlsPanel,
    h('h2', null, '通话控制'),
    h(
      'div',
      { class: 'actions' },
      button('保持', 'btn-hold', 'call.hold', id, c.state === 'connected'),
      button('恢复', 'btn-resume', 'call.resume', id, c.state === 'held'),
      button('挂断', 'btn-hangup', 'call.hangup', id, c.state !== 'ended', 'danger'),
    ),
    h('div', { class: 'target-picker' }, h('label', null, '转接对象', kindSelect), h('label', null, '目标', targetSelect), hint),
    h('div', { class: 'actions' }, blind, attended, conference),
    c.state === 'consulting'
      ? h(
          'div',
          { class: 'actions' },
          button('完成转接', 'btn-transfer-complete', 'call.transfer.complete', id, true, 'primary'),
          button('取消转接', 'btn-transfer-cancel', 'call.transfer.cancel', id, true),
        )
      : null,
    c.state === 'conference'
      ? h(
          'div',
          { class: 'actions' },
          button('挂断第三方', 'btn-kick-third', 'call.kick', { ...id, party: 'third' }, true),
          button('退出三方通话', 'btn-kick-agent', 'call.kick', { ...id, party: 'agent' }, true),
        )
      : null,
    c.state === 'ended'
      ? h(
          'div',
          { class: 'actions' },
          h(
            'button',
            {
              class: 'ghost',
              'data-testid': 'btn-close-pop',
              onclick: () => {
                call = null;
                renderCall();
              },
            },
            '关闭弹屏',
          ),
        )
      : null,
  );
}

interface MissedCall {
  id: number;
  callerNumber: string;
  dialledNumber: string;
  waitMs: number;
  at: string;
  status?: string;
}

async function loadMissedCalls(): Promise<void> {
  const refresh = h('button', { class: 'ghost small', onclick: () => void loadMissedCalls() }, '刷新');
  const heading = h('h2', null, '漏接回拨 ', refresh);
  try {
    const rows = listOf<MissedCall>(await api<unknown>('GET', '/api/v1/missed-calls', { token: session?.token ?? null }));
    replace(
      missedPanel,
      heading,
      rows.length === 0
        ? h('p', { class: 'muted' }, '暂无待回拨来电')
        : h(
            'table',
            { class: 'table', 'data-testid': 'missed-calls' },
            h('thead', null, h('tr', null, h('th', null, '来电号码'), h('th', null, '拨打号码'), h('th', null, '等待'), h('th', null, '时间'), h('th', null, ''))),
            h(
              'tbody',
              null,
              rows.map((m) =>
                h(
                  'tr',
                  null,
                  h('td', null, m.callerNumber),
                  h('td', null, m.dialledNumber),
                  h('td', null, `${Math.round(m.waitMs / 1000)} 秒`),
                  h('td', null, clock(m.at)),
                  h(
                    'td',
                    { class: 'nowrap' },
                    // 回拨: the agent's phone rings first, then the citizen (PROTOCOL.md `call.dial`; the agent must be 示闲).
                    h('button', { class: 'small primary', onclick: () => void command('call.dial', { number: m.callerNumber }, `正在回拨 ${m.callerNumber}，请接听话机`) }, '回拨'),
                    ' ',
                    h('button', { class: 'small', onclick: () => void markCalledBack(m) }, '已回拨'),
                  ),
                ),
              ),
            ),
          ),
    );
  } catch (error) {
    const text = error instanceof ApiError && error.status === 404 ? '服务器暂未提供漏接回拨列表' : `无法读取：${error instanceof Error ? error.message : String(error)}`;
    replace(missedPanel, heading, h('p', { class: 'muted' }, text));
  }
}

async function markCalledBack(m: MissedCall): Promise<void> {
  try {
    await api('POST', `/api/v1/missed-calls/${m.id}/done`, { token: session?.token ?? null });
    toast(`${m.callerNumber} 已标记为已回拨`);
  } catch (error) {
    toast(error instanceof Error ? error.message : String(error), 'error');
  }
  await loadMissedCalls();
}

function logout(): void {
  if (session) endSession(session.token);
  socket?.stop();
  socket = null;
  session = null;
  agent = null;
  call = null;
  dropDesk();
  clearSession(SESSION_KEY);
  showLogin();
}

logoutButton.addEventListener('click', logout);
setInterval(() => {
  if (agent) stateTimer.textContent = duration((Date.now() - agent.since) / 1000);
  const timer = popPanel.querySelector<HTMLElement>('[data-call-timer]');
  if (timer && call && call.state !== 'ended') timer.textContent = duration((Date.now() - call.since) / 1000);
}, 1000);

if (session) startDesk();
else showLogin();
