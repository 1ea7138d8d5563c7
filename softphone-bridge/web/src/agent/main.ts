/**
 * The agent desktop (坐席工作台): login and logout, and the desk put together — the call bar
 * (call-bar.ts), the screen-pop (screen-pop.ts), the department directory, the keyboard shortcuts,
 * and the side panels in tabs (desk-layout.ts: 工单登记, 我的工单, 工单查询, 漏接回拨 …), all fed by the
 * agent socket (desk-socket.ts, PROTOCOL.md).
 */
import { byId, h, replace } from '../shared/dom.js';
import { linkText, type LinkStatus } from '../shared/live-socket.js';
import { clearSession, endSession, loadSession, loginForm, saveSession, type Session } from '../shared/session.js';
import { CallBar } from './call-bar.js';
import { DepartmentDirectory } from './department-directory.js';
import { addPanel, buildDesk, dropDesk, showPanel } from './desk-layout.js';
import { connectDesk, disconnectDesk, setTargetNamer } from './desk-socket.js';
import { desk, onDeskChange, resetDesk } from './desk-state.js';
import { loadTargets } from './directory.js';
import { MissedCalls } from './missed-calls.js';
import { MyTickets } from './my-tickets.js';
import { ScreenPop } from './screen-pop.js';
import { KnowledgePanel } from './knowledge-panel.js';
import { installShortcuts, shortcutList } from './shortcuts.js';
import { TargetPicker } from './target-picker.js';
import { TicketForm } from './ticket-form.js';
import { TicketSearch } from './ticket-search.js';
import { startTicking } from './timers.js';

const SESSION_KEY = 'cti.agent.session';

const app = byId('app');
const who = byId('who');
const link = byId('link');
const banner = byId('banner');
const logoutButton = byId<HTMLButtonElement>('logout');

let session: Session | null = loadSession(SESSION_KEY);
/** Undoes what a desk set up (listeners, shortcuts) at logout. */
let teardown: (() => void)[] = [];

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
      endpointLabel: '分机（有固定话机可不填）',
      endpointHint: '例如 1003，不填则使用本人固定话机',
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
  const token = () => session?.token ?? '';
  const ticketForm = new TicketForm(token);
  const missed = new MissedCalls(token);
  const picker = new TargetPicker();
  const bar = new CallBar(picker);
  const pop = new ScreenPop();
  const directory = new DepartmentDirectory(picker);
  setTargetNamer((target) => picker.describe(target));

  addPanel('ticket', '工单登记', ticketForm.element, { order: 10 });
  const knowledge = new KnowledgePanel(token);
  addPanel('knowledge', '知识库', knowledge.element, { order: 20 });
  addPanel('my-tickets', '我的工单', (desk) => new MyTickets(desk.token).element, { order: 30 });
  addPanel('ticket-search', '工单查询', (desk) => new TicketSearch(desk.token).element, { order: 40 });
  addPanel('missed', '漏接回拨', missed.element, { order: 90 });
  const frame = buildDesk({ token, agentId: s.agentId, ticketNumber: () => desk.call?.ticketNumber ?? null });
  frame.callBar.append(bar.element);
  frame.callColumn.append(pop.element, directory.element, h('section', { class: 'card' }, shortcutList()));
  replace(app, frame.root);

  /** Transfer targets and the callback list, read again with every new call (an admin may have changed them). */
  const refreshLists = () => {
    void loadTargets(s.token, s.agentId).then((lists) => {
      picker.setLists(lists);
      directory.build();
    });
    void missed.load();
  };
  let lastCallId: string | null = null;
  let formTicket: string | null = null;
  const render = () => {
    const a = desk.agent;
    if (a) who.textContent = `${a.name}（工号 ${a.login} · 分机 ${a.endpoint}）`;
    const callId = desk.call?.callId ?? null;
    if (callId !== lastCallId) {
      lastCallId = callId;
      knowledge.showPop(desk.call);
      if (callId) {
        // A new pop brings its ticket to the front.
        showPanel('ticket');
        refreshLists();
      }
    }
    // The form opens the ticket once it is the agent's (answered, or a call they placed) and keeps it
    // through the wrap-up, until the next pop.
    const ticket = desk.call?.ticketOwned ? desk.call.ticketNumber : null;
    if (ticket !== formTicket) {
      formTicket = ticket;
      ticketForm.bind(ticket);
    }
    bar.render();
    pop.render();
    directory.render();
    missed.render();
  };
  teardown = [onDeskChange(render), installShortcuts(bar)];
  render();
  refreshLists();
  startTicking();
  connectDesk(s.token, showLink);
}

/** What a dropped link means for calls: true whether or not the agent has another desk open. */
const LINK_DOWN_NOTE = '断线期间本页不显示来电；若您没有其他工作台在线，暂不为您分配来电';

function showLink(status: LinkStatus): void {
  link.textContent = linkText(status);
  link.className = `link link-${status.kind}`;
  const down = status.kind === 'waiting' || status.kind === 'stopped' || (status.kind === 'connecting' && status.attempt > 1);
  banner.hidden = !down && !(status.kind === 'open' && status.reconnected);
  banner.className = `banner ${down ? 'banner-down' : 'banner-up'}`;
  // Calls go on being offered while another desk of the agent is open (PROTOCOL.md, Connect): only this page misses them.
  banner.textContent = down ? `${linkText(status)}（${LINK_DOWN_NOTE}）` : linkText(status);
  if (status.kind === 'open' && status.reconnected) setTimeout(() => (banner.hidden = true), 4000);
  if (status.kind === 'stopped' && status.reason !== '已退出') {
    banner.append(' ', h('button', { class: 'ghost', onclick: logout }, '重新登录'));
  }
}

function logout(): void {
  if (session) endSession(session.token);
  disconnectDesk();
  for (const undo of teardown) undo();
  teardown = [];
  session = null;
  resetDesk();
  dropDesk();
  clearSession(SESSION_KEY);
  showLogin();
}

logoutButton.addEventListener('click', logout);

if (session) startDesk();
else showLogin();
